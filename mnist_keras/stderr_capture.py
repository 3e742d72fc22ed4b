"""Native libraries' own writes to stderr, captured: TensorFlow's C++ start-up lines,
libjpeg's warnings. They write to file descriptor 2 directly, under Python's ``sys.stderr``,
so only redirecting the descriptor keeps them off a user's terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile


@contextlib.contextmanager
def captured():
    """File descriptor 2 (C++ and Python alike) goes to a temporary file meanwhile.

    Yields:
      The file, to be replayed (``seek(0)``, ``read()``) where what it holds matters.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as file:
        os.dup2(file.fileno(), 2)
        try:
            yield file
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
