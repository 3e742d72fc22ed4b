"""The base of every exception a bad input raises, so that each command can answer it in
one line without knowing (or importing) where it was raised."""


class InputError(Exception):
    """A bad flag, file, data set, run directory or request; the message is one line
    saying what is wrong and, where there is one, what to do instead."""
