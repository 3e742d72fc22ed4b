"""What every command does at the terminal: a quiet start, absl's log apart, one-line
errors and interruptions.

- TensorFlow's C++ runtime prints a dozen lines while it loads (oneDNN, CUDA probes,
  cpu_feature_guard, XLA service), some before ``absl::InitializeLog()``, which
  ``TF_CPP_MIN_LOG_LEVEL`` cannot hide. :func:`start_tensorflow` loads it with the
  process's stderr sent to a temporary file, replayed only if loading fails. A
  ``TF_CPP_MIN_LOG_LEVEL`` set by the user asks for less, never more: a level above
  ours is kept, and the start-up lines stay hidden at any level.
- :func:`log_to_file` sends absl's log (INFO and up: the resolved hyperparameters, the
  run's weights fingerprint) to absl's log file; the terminal keeps warnings and up.
  ``--alsologtostderr`` or ``--logtostderr`` show it on the terminal as well.
"""

from __future__ import annotations

import os
import sys

from absl import flags, logging

from mnist_keras import stderr_capture

TF_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL"
QUIET_LEVEL = "2"  # TF's C++ INFO and WARNING lines hidden (an op error logs a warning too)


def quiet_level(user: str | None) -> str:
    """The C++ log level to run at: ours, or the user's where it hides more (3: errors
    too). A level below ours, or none that parses, gets ours."""
    try:
        return str(max(int(user), int(QUIET_LEVEL)))
    except (TypeError, ValueError):
        return QUIET_LEVEL


def start_tensorflow() -> None:
    """Imports TensorFlow without its C++ start-up lines on the terminal."""
    if "tensorflow" in sys.modules:
        return
    os.environ[TF_LOG_LEVEL] = quiet_level(os.environ.get(TF_LOG_LEVEL))
    with stderr_capture.captured() as captured:
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe logs here, not later
        except BaseException:
            captured.seek(0)
            os.write(2, captured.read())  # what went wrong, as TF said it
            raise


def warm_up() -> None:
    """Runs once, with stderr captured, what prints TensorFlow's one-time C++ lines after
    its import: the CUDA probe (``failed call to cuInit``), the first graph Session's
    (``MLIR V1 optimization pass is not enabled``), the first eager op's. A notebook
    kernel calls it at its start, so that the cells' outputs hold only their own."""
    start_tensorflow()
    import tensorflow as tf

    with stderr_capture.captured():
        tf.config.list_physical_devices()
        graph = tf.Graph()
        with graph.as_default():
            one = tf.constant(1.0)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(one + 1.0)
        float(tf.constant(1.0) + 1.0)


def log_to_file(program: str) -> None:
    """absl's log to its file (``--log_dir``, else a temporary directory), INFO and up;
    warnings and up also on the terminal (unless ``--stderrthreshold`` says otherwise)."""
    if flags.FLAGS["logtostderr"].value or flags.FLAGS["alsologtostderr"].value:
        return
    if not flags.FLAGS["stderrthreshold"].present:
        logging.set_stderrthreshold("warning")
    logging.get_absl_handler().use_absl_log_file(program_name=program)


def flags_parser(program: str):
    """absl's flag parsing, each bad flag one line (absl's own adds a second)."""
    def parse(argv: list[str]) -> list[str]:
        try:
            return flags.FLAGS(argv)
        except flags.Error as e:
            raise SystemExit(f"{program}: error: {e}") from None

    return parse


def no_arguments(program: str, argv: list[str]) -> None:
    """Refuses positional arguments in one line (absl would print its whole help)."""
    if len(argv) > 1:
        raise SystemExit(f"{program}: error: unexpected argument {argv[1]!r}; flags are "
                         f"--name=value (see {program} --helpshort)")


def fail(program: str, error: Exception | str) -> SystemExit:
    """The one-line error for a bad input, to be raised: ``program: error: ...``."""
    return SystemExit(f"{program}: error: {error}")


def interrupted(program: str, how_to_resume: str) -> SystemExit:
    """Ctrl-C: one line on stderr saying how to go on, and exit status 130."""
    print(f"\n{program}: interrupted; {how_to_resume}", file=sys.stderr, flush=True)
    return SystemExit(130)
