"""``python -m ipledger.cli``."""

from . import main

main()
