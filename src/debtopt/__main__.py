"""`python -m debtopt` runs the command line."""

from .cli import main

main()
