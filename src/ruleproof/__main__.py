"""`python -m ruleproof …` runs the command line, exactly as the `ruleproof` script does."""

import sys

from ruleproof.commands.cli import main

sys.exit(main())
