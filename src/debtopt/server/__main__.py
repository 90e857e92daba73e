"""`python -m debtopt.server`: the same as `debtopt serve`."""

from .command import serve

if __name__ == "__main__":
    serve(prog_name="debtopt serve")
