"""How outcomes look: HTML tables, the score waterfall and its picture, links to the source.

Shared by a notebook's `_repr_html_` and the `ruleproof report` document. Nothing here imports
the outcome types at run time (they are type-only imports), so `Outcome` can display itself.
"""
