"""``python -m rapstats``: the command-line interface."""

from rapstats.cli import main

main()
