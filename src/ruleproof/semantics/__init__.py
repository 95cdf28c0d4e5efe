"""Stage 2, the semantics: what the IR means, without a solver.

The semantic rules written once (`algebra`: clamp, first match, comparison, floor division;
`atoms`: `attribute OP literal`), the reference evaluator (`evaluate`, `outcome`) and the
compiled one (`compiled`), the abstractions (`intervals`, `sumbounds`, `reduce`, `foldsum`
with its search `foldsearch`), properties lowered to queries (`templates`), validation of
counterexamples (`validate`, `validate_paths`), counting, sampling, citizen JSON. Every
shortcut here is tied to the reference evaluator by differential tests. Nothing loads Z3.
"""
