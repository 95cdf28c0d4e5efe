"""Stage 6, the commands: the command line (one module per subcommand, `cli`), the suite
runner, `explain`, `replay`, `init` and reading files from git revisions.
"""
