"""The population side: a ruleset compiled to SQL and run over real or synthetic people on
DuckDB or Spark (`ruleproof impact`). It reads the IR and the semantics; nothing loads Z3.
"""
