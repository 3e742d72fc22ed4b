"""``mnist-keras-tf1 --to_keras=OUT lab.py``: the program written as Keras 3, and proved.

1. The program runs twice on a few images (``tf1.recorder``), its training runs
   counted, not run: on 1,100 and on 2,200 training images. A count that doubles is
   epochs of the data; one that stays is a number of steps.
2. At its first training run the graph is read (``tf1.graph_reader``, ``graph_loss``,
   ``graph_training``) into a ``tf1.description.Model``, and the initial weights and the
   output on 1,000 test images are kept.
3. ``tf1.keras_writer`` writes the Keras program; ``tf1.proof`` runs it in this process
   with the program's weights and batches, and compares.
"""

from __future__ import annotations

import ast
import dataclasses

import numpy as np

from mnist_keras.tf1 import (description as d, graph_loss, graph_training, prints, proof,
                             recorder)
from mnist_keras.tf1.graph_reader import Mark, Reader, Unsupported

PASSES = (1100, 2200)  # training images served in the two counting runs
TEST_SERVED = 700  # test images served (a size no batch of the texts has)


@dataclasses.dataclass
class First:
    """What the first training run saw: the model read, and the TF1 numbers."""

    x: object
    labels: object
    loss: object  # the minimized tensor
    layers: tuple
    loss_kind: d.LossSpec
    optimizer: d.OptimizerSpec
    weights: dict  # variable op name -> initial value
    outputs: np.ndarray  # on proof.IMAGES test images
    batch_size: int
    output: object = None  # the model's output tensor
    other_feeds: dict = dataclasses.field(default_factory=dict)  # keep_prob and such


def _input(feed: dict, graph, output, labels):
    """The placeholder the images are fed to: fed, upstream of the output, not the
    labels, and of rank 2 or more."""
    upstream, stack = set(), [output.op]
    while stack:
        op = stack.pop()
        if op.name not in upstream:
            upstream.add(op.name)
            stack.extend(i.op for i in op.inputs)
    found = [t for t in (graph.as_graph_element(k) for k in feed)
             if t.op.name in upstream and t.op.name != labels.op.name and t.shape.rank
             and t.shape.rank >= 2]
    if len(found) != 1:
        raise Unsupported(0, f"the model reads {len(found)} fed images tensors; one "
                          "Keras Sequential reads one input")
    return found[0]


def snapshot(path: str, recording: recorder.Recording, session, feed: dict,
             minimized: recorder.Minimized) -> First:
    """The model and its initial numbers, at the program's first training run."""
    trained = {id(t.minimized.optimizer) for t in recording.trained}
    waiting = {id(m.optimizer) for m in recording.minimized} - trained
    if waiting:  # another, not yet trained, trains beside it: a GAN's two
        lines = ", ".join(str(m.line) for m in recording.minimized
                          if id(m.optimizer) in waiting | {id(minimized.optimizer)})
        raise Unsupported(recording.minimized[-1].line, f"two optimizers (lines {lines}), "
                          "as a GAN has; one Keras model compiles one")
    graph, raw = session.graph, recording.raw

    def value(tensor, fed=None):
        return raw(session, tensor, fed)

    variables = {v.op.name: v for v in graph.get_collection("variables")}
    reader = Reader(path, variables, value)
    output, labels, loss, penalties = graph_loss.read(reader, minimized.loss)
    x = _input(feed, graph, output, labels)
    gated = {**feed, recording.gate: 0.0} if recording.gate is not None else dict(feed)
    reader.marks = {name: Mark(d.LayerSpec("Dropout", (("rate", float(value(rate, feed))),),
                                       lines=(line,)), source)
                    for name, (source, rate, line) in recording.dropouts.items()}
    layers = tuple(_regularized(layer, penalties) for layer in reader.layers(output, x))
    names = [n for layer in layers for n in layer.weights]
    weights = dict(zip(names, value([variables[n] for n in names]))) if names else {}
    fed = {k: v for k, v in gated.items()
           if graph.as_graph_element(k) not in (x, labels)}
    outputs = value(output, {**fed, x: proof.first_test_images(x.shape)})
    return First(x, labels, minimized.loss, layers, loss,
                 graph_training.read(minimized, recording.decays, value), weights, outputs,
                 len(feed[next(k for k in feed if graph.as_graph_element(k) is x)]),
                 output, fed)


def _regularized(layer: d.LayerSpec, penalties: dict) -> d.LayerSpec:
    if layer.weights and layer.weights[0] in penalties:
        return dataclasses.replace(layer, args=layer.args + (
            ("kernel_regularizer", penalties[layer.weights[0]]),))
    return layer


def record(path: str, code, train: int) -> recorder.Recording:
    """One recorded run of the program, served ``train`` training images."""
    from mnist_keras.data import input_data

    input_data.limit(train, TEST_SERVED)
    recording = recorder.Recording(path, lambda r, s, f, m: snapshot(path, r, s, f, m))
    namespace = {"__name__": "__main__", "__file__": path}
    try:
        recorder.run(recording, code, namespace)
    finally:
        input_data.limit(None, None)
        if recording.session is not None:  # kept open by the recording; done with now
            recording.session.close()
    return recording


def _refuse_untrained(recording: recorder.Recording, tree: ast.Module) -> None:
    assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(
        n.func, ast.Attribute) and n.func.attr in ("assign", "assign_sub", "assign_add")]
    if assigns:
        raise Unsupported(assigns[0].lineno, "a hand-written gradient (tf.assign): Keras "
                          "trains with an optimizer, as tf.train's minimize does")
    if recording.minimized:
        raise Unsupported(recording.minimized[0].line, "its training op never runs")
    raise Unsupported(0, "nothing is trained (no optimizer's minimize): there is no model "
                      "to fit, as in a nearest-neighbour program")


def _loops(tree: ast.Module, line: int) -> list:
    """The loops around ``line``, outermost first."""
    parents = prints._parents(tree)
    node = next((n for n in ast.walk(tree) if isinstance(n, ast.stmt)
                 and n.lineno <= line <= n.end_lineno and not isinstance(
                     n, (ast.For, ast.While, ast.If, ast.With, ast.Try))), None)
    if node is None:
        return []
    return [a for a in prints._ancestors(node, parents) if isinstance(a, (ast.For, ast.While))]


def training(first: First, counts: tuple[int, int]) -> tuple[int | None, int | None]:
    """(epochs, steps) from the training runs counted in the two passes."""
    b = first.batch_size
    if counts[0] == counts[1]:
        return None, counts[0]
    per = [n // b for n in PASSES]
    if counts[0] % per[0] == 0 and counts[1] == counts[0] // per[0] * per[1]:
        return counts[0] // per[0], None
    raise Unsupported(0, f"its training runs ({counts[0]} on {PASSES[0]} images, "
                      f"{counts[1]} on {PASSES[1]}) follow neither the data nor a count")


def describe(path: str, source: str, upgraded: str, code,
             which: int | None = None) -> tuple[d.ModelSpec, First, recorder.Trained, list]:
    """The program's model (its TF1 numbers, its recorded steps, and the lines of each
    model it trains); ``which``: the model's number (1: the first it trains), else
    the last."""
    import os

    tree = ast.parse(upgraded)
    recordings = [record(path, code, n) for n in PASSES]
    models = recordings[0].trained
    if not models:
        _refuse_untrained(recordings[0], tree)
    index = len(models) - 1 if which is None else which - 1
    if not 0 <= index < len(models):
        raise Unsupported(0, f"--to_keras_model={which}: it trains {len(models)} models")
    trained, first = models[index], models[index].first
    epochs, steps = training(first, tuple(r.trained[index].runs for r in recordings))
    line = min(trained.lines) if trained.lines else 0
    until = min(models[index + 1].lines) if index + 1 < len(models) else 10 ** 9
    loops = _loops(tree, line)
    counters = ({loops[0]: "epoch"} if epochs is not None else {loops[-1]: "step"}) \
        if loops else {}
    context = prints.Context(recordings[0], first.loss, first.x.name,
                             {"train": PASSES[0], "test": TEST_SERVED}, first.batch_size,
                             trained.lines, until)
    printed = prints.translate(tree, context, counters, list(counters))
    model = d.ModelSpec(
        program=os.path.basename(path), source_lines=tuple(source.splitlines()),
        input_shape=tuple(int(n) for n in first.x.shape[1:]),
        input_line=Reader(path, {}, None).line(first.x.op), layers=first.layers,
        loss=first.loss_kind, optimizer=first.optimizer,
        training=d.Training(first.batch_size, epochs, steps, (line,)), printed=printed)
    return model, first, trained, [min(t.lines) for t in models if t.lines]


def _full(path: str, code, index: int) -> float:
    """The program run to its end, unrecorded but for its model: its test accuracy."""
    recording = recorder.Recording(path, lambda r, s, f, m: snapshot(path, r, s, f, m))
    recording.full = True
    recorder.run(recording, code, {"__name__": "__main__", "__file__": path})
    first = recording.trained[index].first
    from mnist_keras.data import input_data

    test = input_data.read_data_sets(one_hot=False).test
    images = test.images.reshape(len(test.images), *[int(n) for n in first.x.shape[1:]])
    gated = {recording.gate: 0.0} if recording.gate is not None else {}
    outputs = recording.raw(recording.session, first.output, {
        **{k: v for k, v in first.other_feeds.items()}, **gated, first.x: images})
    return float((outputs.argmax(1) == test.labels).mean())


def command(program, out: str, train: bool, which: int | None = None) -> int:
    """``--to_keras=OUT``: writes the Keras program, prints the proof (and with
    ``train``, both programs' accuracies); exit status 2 where one Keras model cannot
    hold the program, in one line."""
    import os

    from mnist_keras.tf1 import keras_writer
    from mnist_keras.training import atomic

    if not program.graph:
        raise Unsupported(0, "it is Keras code already (no tf.compat.v1 graph to read)")
    code = compile(program.upgraded.source, program.path, "exec", dont_inherit=True)
    model, first, trained, starts = describe(program.path, program.source,
                                             program.upgraded.source, code, which)
    if len(starts) > 1:
        print(f"mnist-keras-tf1: {program.path} trains {len(starts)} models one after "
              f"another (lines {', '.join(map(str, starts))}); this writes "
              + (f"number {which}" if which else "the last (--to_keras_model=1 for the first)"))
    source = keras_writer.write(model, os.path.basename(out))
    checked = proof.prove(proof.load(source, out), model.layers, first,
                          list(zip(trained.losses, trained.batches)))
    atomic.write_bytes(out, source.encode("utf-8"))  # whole or not at all
    print(f"mnist-keras-tf1: wrote {out}: {len(model.layers)} layers "
          f"({', '.join(layer.kind for layer in model.layers)}); run it with: python {out}")
    print("\n".join(checked.lines(model.program)), flush=True)
    if train:
        keras_model = proof.load(source, out).main()
        (_, _), (x_test, y_test) = proof.load(source, out).load_data()
        keras_accuracy = keras_model.evaluate(x_test, y_test, verbose=0)[1]
        tf1_accuracy = _full(program.path, code, len(starts) - 1 if which is None
                             else which - 1)
        print(f"trained to the end: test accuracy TF1 {tf1_accuracy:.4f}, "
              f"Keras {keras_accuracy:.4f}")
    return 0 if checked.equal else 1
