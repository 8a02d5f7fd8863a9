import sys

from sozialraum.cli import main

sys.exit(main())
