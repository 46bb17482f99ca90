"""``python -m familyplan_docs``: the same command line as ``familyplan-docs``."""

import sys

from ._cli import main

sys.exit(main())
