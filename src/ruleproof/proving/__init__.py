"""Stage 4, proving: the IR encoded for Z3 and the verdicts that come back.

The encoding (`encode`), solver calls and minimisation (`solving`), the Z3 back end
(`z3checker`), the fast paths in front of it (`fastpaths`, `folding`), path properties
(`paths`, `pathgoals`, `pathsearch`, `stuck`, `transitions`, `lifelong`, `recourse`), the
semantic diff (`diff`, `diffplan`, `diffslice`, `difffold`), lint's solver checks, and the one
orchestrator that decides which of them answers (`checker`).
"""
