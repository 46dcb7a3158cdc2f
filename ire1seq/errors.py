"""The one exception type that reaches users: a clear message, never a traceback."""


class InputError(Exception):
    """Bad input. The message is one paragraph naming the file, row/sample and what to fix."""
