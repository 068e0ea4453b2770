"""`python -m ascend_tui` runs the command line."""

import sys

from ascend_tui.cli import main

sys.exit(main())
