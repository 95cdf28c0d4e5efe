"""pytest plugin (entry point `ruleproof`): collects property suites and replays counterexamples."""
