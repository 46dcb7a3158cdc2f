import sys

from ire1seq.cli import main

sys.exit(main())
