import sys

from neurips25.cli import main

sys.exit(main())
