"""One exception type for bad input: the CLI prints its message on one line and exits 2."""


class UserError(Exception):
    """A problem with what the user gave us (path, file, option), not a bug in the code."""
