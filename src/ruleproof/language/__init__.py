"""Stage 1, the language: text → typed IR.

YAML read safely with positions (`yamlsource`), expressions parsed into the frozen expression
IR (`expr`, `exprparse`, `pretty`), the ruleset IR (`ruleset`) read by `load_ruleset` and
typechecked (`typecheck`, `types`), the property IR (`suite`) read by `load_suite`, and the
one formatting of values (`values`). Nothing here evaluates or proves; nothing loads Z3.
"""
