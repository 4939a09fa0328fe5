"""Allow ``python -m walouja.cli``."""

from walouja.cli import main

main()
