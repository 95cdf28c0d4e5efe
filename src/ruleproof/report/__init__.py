"""Reports of `ruleproof check` for machines: SARIF 2.1.0 (`sarif`), JUnit XML (`junit`), and
the choice of format and exit code (`output`). No `z3` here."""
