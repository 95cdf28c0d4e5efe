"""Stage 3, the verdicts: `Proved | Violated | Unknown | Error` with their counterexamples,
the diff's verdict, and how one verdict displays itself (terminal table, notebook HTML).
Nothing loads Z3.
"""
