"""What went wrong in a learner's TF1 program, said in one line at its own file and line.

The failures a copied TF1 program meets most (a line the blog broke in two, a typo, an
API TensorFlow 2 removed, a download) are each one line: ``FILE:LINE: what; what to
do``. Any other error keeps Python's traceback, cut to the learner's own frames, so that
it points at their code and not at TensorFlow's.
"""

from __future__ import annotations

import builtins
import re
import socket
import traceback
import urllib.error

from mnist_keras.errors import InputError
from mnist_keras.tf1 import names

_CONTINUED = re.compile(r"(=|\(|\[|\{|,|\+|-|\*|/|\bin|\band|\bor)\s*$")
_KERAS2_ARGUMENT = re.compile(r"Argument\(s\) not recognized: \{'(\w+)'")
RENAMED_ARGUMENTS = {"lr": "learning_rate", "decay": "a learning-rate schedule",
                     "nb_epoch": "epochs", "input_dim": "keras.Input(shape=(n,))"}
NETWORK = (urllib.error.URLError, socket.gaierror, ConnectionError, TimeoutError)


def syntax_line(error: SyntaxError, lines: list[str]) -> str:
    """A syntax error as ``FILE:LINE: SyntaxError: message``, with a hint for the errors
    copied code has: a statement broken over two lines, tabs mixed with spaces."""
    where = f"{error.filename}:{error.lineno}"
    kind = type(error).__name__
    hint = ""
    previous = lines[error.lineno - 2] if error.lineno and error.lineno >= 2 else ""
    this = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
    if isinstance(error, TabError):
        hint = "; indent with spaces only"
    elif "U+00A0" in str(error.msg):
        hint = ("; non-breaking spaces, as a web page shows spaces: replace them all with "
                "plain spaces")
    elif _CONTINUED.search(this.split("#")[0]):
        hint = "; the statement goes on in the next line: join them (a wrapped line?)"
    elif _CONTINUED.search(previous.split("#")[0]):
        where = f"{error.filename}:{error.lineno - 1}"
        hint = f"; line {error.lineno - 1} goes on in this one: join them (a wrapped line?)"
    return f"{where}: {kind}: {error.msg}{hint}"


def _frame_line(error: BaseException, filename: str) -> int | None:
    """The line of the innermost frame of ``filename`` in the traceback, if any."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def _attribute_hint(error: AttributeError) -> str:
    obj, name = getattr(error, "obj", None), getattr(error, "name", None)
    if obj is None or name is None:
        return ""
    close = names.nearest(name, dir(obj))
    return f"; did you mean {close!r}?" if close else ""


def _name_hint(error: NameError, namespace: dict) -> str:
    name = getattr(error, "name", None)
    close = name and names.nearest(name, [*namespace, *dir(builtins)])
    return f"; did you mean {close!r}?" if close else ""


def known_line(error: BaseException, filename: str, namespace: dict) -> str | None:
    """The one line for a failure of a kind above, or None."""
    line = _frame_line(error, filename)
    where = f"{filename}:{line}" if line else filename
    if isinstance(error, InputError):
        return f"{where}: {error}"
    if isinstance(error, AttributeError):
        return f"{where}: AttributeError: {error}{_attribute_hint(error)}"
    if isinstance(error, NameError):
        return f"{where}: NameError: {error}{_name_hint(error, namespace)}"
    if isinstance(error, ModuleNotFoundError):
        return f"{where}: ModuleNotFoundError: {error}"
    if isinstance(error, NETWORK):
        return (f"{where}: {type(error).__name__}: {error}: a download; mnist-keras-tf1 "
                "runs offline and serves MNIST from its own files")
    match = _KERAS2_ARGUMENT.search(str(error)) if isinstance(error, (TypeError, ValueError)) \
        else None
    if match and match.group(1) in RENAMED_ARGUMENTS:
        return (f"{where}: {type(error).__name__}: Keras 3 has no {match.group(1)}= "
                f"argument (Keras 2's); use {RENAMED_ARGUMENTS[match.group(1)]}")
    return None


def learner_traceback(error: BaseException, filename: str) -> str:
    """Python's traceback of ``error`` with only the frames in ``filename``."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    text = "Traceback (most recent call last, in your program):\n" if frames else ""
    text += "".join(traceback.format_list(frames))
    return text + _own_frames("".join(traceback.format_exception_only(type(error), error)),
                              filename)


def _own_frames(message: str, filename: str) -> str:
    """A message without the frames it quotes from outside ``filename``: TensorFlow's
    op errors quote where the op was defined, the runner's frames and TensorFlow's
    included."""
    quoted = re.compile(r'^\s+File "(.*?)", line \d+')
    return "".join(line for line in message.splitlines(keepends=True)
                   if not (match := quoted.match(line)) or match.group(1) == filename)
