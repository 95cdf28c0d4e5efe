"""Stage 5, reporting: verdicts as documents — the `check` report in text, JSON, SARIF and
JUnit, counterexample files, the diff report, the progress line. Nothing loads Z3.
"""
