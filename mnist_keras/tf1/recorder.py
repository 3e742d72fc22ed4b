"""Runs a TF1 program while recording what a Keras program needs of it.

Inside :func:`patched`, TensorFlow's ``Session.run``, the v1 optimizers, ``tf.nn.dropout``
and ``tf.train.exponential_decay`` note what the program builds and runs:

* each optimizer's cost and training op, and each dropout's input and rate;
* at the first training run: the graph as it stands (``on_first``, which reads the
  model and its initial weights);
* the first :data:`STEPS` training runs, run with dropout off (a gate fed 0): their
  batches and costs, the proof's steps;
* every later training run is counted, not run: it returns the last values again, so
  that a program of 20,000 steps records in seconds;
* the other runs, by the program's lines that made them (``print`` lines included).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import inspect
import io
import sys
from typing import Callable

STEPS = 3  # training runs recorded for the proof's loss check
GATE = "mnist_keras_dropout_gate"


@dataclasses.dataclass
class Minimized:
    """One ``optimizer.minimize(cost)`` (or ``apply_gradients``) of the program."""

    optimizer: object
    loss: object  # tf.Tensor
    op: object  # the training op
    global_step: object
    line: int


@dataclasses.dataclass
class Run:
    """A non-training ``Session.run``: the program's lines on the stack, what it fetched
    and the number of images fed (None: no batch fed)."""

    lines: tuple[int, ...]
    fetches: tuple  # the fetched tensors (flattened)
    fed: dict  # placeholder name -> the leading size of what was fed


@dataclasses.dataclass
class Trained:
    """What the training runs of one optimizer did (a program may train several models
    one after another, as the experts' text does)."""

    minimized: Minimized
    runs: int = 0
    lines: set = dataclasses.field(default_factory=set)  # outermost program lines
    losses: list = dataclasses.field(default_factory=list)
    batches: list = dataclasses.field(default_factory=list)  # the feeds of those steps
    first: object = None  # what on_first returned


@dataclasses.dataclass
class Recording:
    path: str
    on_first: Callable  # (recording, session, feed, minimized), at its first training run
    minimized: list = dataclasses.field(default_factory=list)
    dropouts: dict = dataclasses.field(default_factory=dict)  # output name -> (in, rate, line)
    decays: dict = dataclasses.field(default_factory=dict)  # tensor name -> (kwargs, line)
    trained: list = dataclasses.field(default_factory=list)  # Trained, in training order
    runs: list = dataclasses.field(default_factory=list)
    prints: list = dataclasses.field(default_factory=list)  # (lines, text)
    namespace: dict = dataclasses.field(default_factory=dict)
    cache: dict = dataclasses.field(default_factory=dict)
    gate: object = None
    raw: Callable = None  # Session.run itself, unrecorded
    full: bool = False  # every training run runs (the --train comparison)
    session: object = None  # the last session a training run used

    def lines(self) -> tuple[int, ...]:
        """The program's lines on the stack now, outermost first."""
        frame, found = sys._getframe(1), []
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                found.append(frame.f_lineno)
            frame = frame.f_back
        return tuple(reversed(found))

    def training(self, fetches) -> Minimized | None:
        import tensorflow as tf

        flat = tf.nest.flatten(fetches)
        for minimized in self.minimized:
            if any(f is minimized.op for f in flat):
                return minimized
        return None

    def trained_by(self, minimized: Minimized) -> Trained:
        for trained in self.trained:
            if trained.minimized is minimized:
                return trained
        self.trained.append(Trained(minimized))
        return self.trained[-1]


def _feed(recording: Recording, feed: dict | None, gate: float) -> dict:
    feed = dict(feed or {})
    if recording.gate is not None:
        feed[recording.gate] = gate
    return feed


def _session_run(recording: Recording, original):
    def run(session, fetches, feed_dict=None, options=None, run_metadata=None):
        import tensorflow as tf

        minimized = recording.training(fetches)
        lines = recording.lines()
        recording.session = session
        if minimized is None:
            recording.runs.append(Run(lines, tuple(tf.nest.flatten(fetches)), {
                getattr(k, "name", str(k)): len(v) if hasattr(v, "__len__") else None
                for k, v in (feed_dict or {}).items()}))
            return original(session, fetches, _feed(recording, feed_dict, 1.0),
                            options, run_metadata)
        trained = recording.trained_by(minimized)
        trained.runs += 1
        if lines:
            trained.lines.add(lines[0])
        if trained.runs == 1:
            trained.first = recording.on_first(recording, session, feed_dict or {},
                                               minimized)
        if recording.full:
            return original(session, fetches, _feed(recording, feed_dict, 1.0), options,
                            run_metadata)
        key = tuple(getattr(f, "name", str(f)) for f in tf.nest.flatten(fetches))
        if trained.runs <= STEPS or key not in recording.cache:
            result, loss = original(session, (fetches, minimized.loss),
                                    _feed(recording, feed_dict, 0.0), options, run_metadata)
            if trained.runs <= STEPS:
                trained.losses.append(float(loss))
                trained.batches.append(dict(feed_dict or {}))
            recording.cache[key] = result
        return recording.cache[key]
    return run


def _apply_gradients(recording: Recording, original):
    def apply_gradients(optimizer, grads_and_vars, global_step=None, name=None):
        op = original(optimizer, grads_and_vars, global_step, name)
        loss = getattr(optimizer, "_mnist_keras_loss", None)
        recording.minimized.append(Minimized(optimizer, loss, op, global_step,
                                             (recording.lines() or (0,))[-1]))
        return op
    return apply_gradients


def _compute_gradients(original):
    def compute_gradients(optimizer, loss, *args, **kwargs):
        optimizer._mnist_keras_loss = loss  # read back by apply_gradients, above
        return original(optimizer, loss, *args, **kwargs)
    return compute_gradients


def _dropout(recording: Recording, original):
    signature = inspect.signature(original)

    def dropout(x, *args, **kwargs):
        import tensorflow as tf
        from tensorflow.python.ops import nn_ops

        bound = signature.bind(x, *args, **kwargs).arguments
        rate = bound.get("rate")
        if rate is None:
            rate = 1 - tf.convert_to_tensor(bound["keep_prob"], tf.float32)
        rate = tf.convert_to_tensor(rate, tf.float32)
        if recording.gate is None or recording.gate.graph is not rate.graph:
            recording.gate = tf.compat.v1.placeholder_with_default(1.0, [], name=GATE)
        output = nn_ops.dropout_v2(bound["x"], rate * recording.gate,
                                   bound.get("noise_shape"), bound.get("seed"),
                                   bound.get("name"))
        recording.dropouts[output.name] = (bound["x"], rate, (recording.lines() or (0,))[-1])
        return output
    return dropout


def _exponential_decay(recording: Recording, original):
    signature = inspect.signature(original)

    def exponential_decay(*args, **kwargs):
        rate = original(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        recording.decays[rate.name] = (dict(bound.arguments), (recording.lines() or (0,))[-1])
        return rate
    return exponential_decay


def _print(recording: Recording):
    def program_print(*args, **kwargs):
        kept = io.StringIO()
        builtins.print(*args, **{**kwargs, "file": kept})
        recording.prints.append((recording.lines(), kept.getvalue()))
    return program_print


@contextlib.contextmanager
def patched(recording: Recording):
    """TensorFlow's functions above, recording into ``recording``, for the block."""
    import tensorflow as tf
    from tensorflow.python.client import session
    from tensorflow.python.training import optimizer

    v1 = tf.compat.v1
    saved = [(session.BaseSession, "run"), (optimizer.Optimizer, "apply_gradients"),
             (optimizer.Optimizer, "compute_gradients"), (tf.nn, "dropout"),
             (v1.nn, "dropout"), (v1.train, "exponential_decay"),
             (v1, "reset_default_graph"), (v1, "disable_eager_execution"),
             (v1, "disable_v2_behavior"), (session.BaseSession, "close")]
    saved = [(owner, name, getattr(owner, name)) for owner, name in saved]
    recording.raw = session.BaseSession.run
    session.BaseSession.run = _session_run(recording, session.BaseSession.run)
    optimizer.Optimizer.apply_gradients = _apply_gradients(
        recording, optimizer.Optimizer.apply_gradients)
    optimizer.Optimizer.compute_gradients = _compute_gradients(
        optimizer.Optimizer.compute_gradients)
    tf.nn.dropout = _dropout(recording, saved[3][2])
    v1.nn.dropout = _dropout(recording, saved[4][2])
    v1.train.exponential_decay = _exponential_decay(recording, saved[5][2])
    # The program runs in a graph of its own, in a process that stays eager for Keras.
    v1.reset_default_graph = v1.disable_eager_execution = v1.disable_v2_behavior = \
        lambda: None
    session.BaseSession.close = lambda self: None  # kept open to be read after the run
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def run(recording: Recording, code, namespace: dict) -> None:
    """Runs the program's compiled ``code`` in a graph of its own, recording; what it
    prints is kept, not shown."""
    import tensorflow as tf

    namespace["__builtins__"] = {**vars(builtins), "print": _print(recording)}
    recording.namespace = namespace
    with patched(recording), tf.Graph().as_default(), \
            contextlib.redirect_stdout(io.StringIO()):
        exec(code, namespace)  # noqa: S102 -- the learner's program, recorded
