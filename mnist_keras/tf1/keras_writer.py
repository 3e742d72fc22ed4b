"""Writes a ``tf1.description.Model`` as a standalone Keras 3 program: ``keras`` and
``numpy`` only, TF1's MNIST split, a compiled ``keras.Sequential``, ``fit`` with the
program's batch and length, and the program's own print lines through a callback.

Each written line that comes from a line of the program carries that line in a comment
(``# lab.py:23  W1 = tf.Variable(...)``), so that the two read side by side.
"""

from __future__ import annotations

from mnist_keras.tf1 import description as d

INDENT = "    "


def _value(v) -> str:
    if isinstance(v, float):  # float32 values, to the digits float32 holds
        return repr(float(f"{v:.7g}"))
    if isinstance(v, d.InitializerSpec):
        args = ", ".join(f"{k}={_value(x)}" for k, x in v.args)
        return f"keras.initializers.{v.name}({args})"
    return repr(v)


def _args(items) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in items)


class Writer:
    def __init__(self, model: d.ModelSpec):
        self.model = model

    def quote(self, line: int) -> str:
        text = self.model.source_lines[line - 1].strip() if 0 < line <= len(
            self.model.source_lines) else ""
        return f"# {self.model.program}:{line}  {text}"

    def quotes(self, lines, indent: str) -> list[str]:
        return [indent + self.quote(n) for n in lines if n]

    def layer(self, layer: d.LayerSpec) -> str:
        args = list(layer.args)
        positional = ""
        if layer.kind in ("Dense", "Conv2D"):
            positional = _value(args.pop(0)[1])
            if layer.kind == "Conv2D":
                positional += ", " + _value(args.pop(0)[1])
        elif layer.kind == "Dropout":
            positional = _value(args.pop(0)[1])
        regularizer = layer.arg("kernel_regularizer")
        args = [(k, v) for k, v in args if k != "kernel_regularizer"]
        parts = [positional] if positional else []
        parts += [f"{k}={_value(v)}" for k, v in args]
        if regularizer is not None:
            parts.append(f"kernel_regularizer=keras.regularizers.L2({_value(regularizer)})")
        text = ", ".join(parts)
        if len(text) > 60:  # one argument a line, under the layer's name
            text = f",\n{INDENT * 3}".join(parts)
        return f"keras.layers.{layer.kind}({text})"

    def data(self) -> list[str]:
        m = self.model
        shape = ", ".join(str(n) for n in m.input_shape)
        labels = ("np.eye(10, dtype=np.float32)[y]" if m.loss.one_hot
                  else "y.astype(np.int64)")
        return [
            "def load_data():",
            f'{INDENT}"""MNIST as TF1\'s input_data served it: the first 5,000 training images '
            "held out,",
            f"{INDENT}55,000 to train on, 10,000 to test; floats in [0, 1]"
            + (", one-hot labels." if m.loss.one_hot else ", class ids.") + '"""',
            f"{INDENT}(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
            "",
            f"{INDENT}def images(x):  # uint8 [n, 28, 28] -> float32, times 1/255 as TF1 did",
            f"{INDENT * 2}return np.multiply(x.astype(np.float32), 1.0 / 255.0)"
            f".reshape(len(x), {shape})",
            "",
            f"{INDENT}def labels(y):",
            f"{INDENT * 2}return {labels}",
            "",
            f"{INDENT}return ((images(x_train[5000:]), labels(y_train[5000:])),",
            f"{INDENT}        (images(x_test), labels(y_test)))",
        ]

    def build(self) -> list[str]:
        m, i2 = self.model, INDENT * 2
        out = ["def build_model():",
               f'{INDENT}"""{m.program}\'s model, compiled with its optimizer and cost."""',
               f"{INDENT}model = keras.Sequential([",
               *self.quotes([m.input_line], i2),
               f"{i2}keras.Input(shape={tuple(m.input_shape)!r}),"]
        for layer in m.layers:
            out += self.quotes(layer.lines, i2) + [f"{i2}{self.layer(layer)},"]
        out.append(f"{INDENT}])")
        out += self.optimizer() + self.loss()
        out += [f"{INDENT}model.compile(optimizer=optimizer, loss=loss, "
                'metrics=["accuracy"])', f"{INDENT}return model"]
        return out

    def optimizer(self) -> list[str]:
        o, out = self.model.optimizer, self.quotes(self.model.optimizer.lines, INDENT)
        args = list(o.args)
        if o.schedule:
            out.append(f"{INDENT}rate = keras.optimizers.schedules.ExponentialDecay("
                       f"{_args(o.schedule)})")
            args = [(k, v) for k, v in args if k != "learning_rate"]
            text = "learning_rate=rate" + (", " + _args(args) if args else "")
        else:
            text = _args(args)
        return out + [f"{INDENT}optimizer = keras.optimizers.{o.kind}({text})"]

    def loss(self) -> list[str]:
        loss = self.model.loss
        kind = "CategoricalCrossentropy" if loss.one_hot else "SparseCategoricalCrossentropy"
        reduction = '' if loss.reduction == "sum_over_batch_size" else ', reduction="sum"'
        return self.quotes(loss.lines, INDENT) + [
            f"{INDENT}loss = keras.losses.{kind}(from_logits={loss.from_logits}{reduction})"]

    def callback(self) -> list[str]:
        printed = [p for p in self.model.printed if p.where in ("epoch", "step")]
        if not printed:
            return []
        out = ["class ProgramLines(keras.callbacks.Callback):",
               f'{INDENT}"""{self.model.program}\'s own lines, printed where it printed them."""']
        for where in ("epoch", "step"):
            mine = [p for p in printed if p.where == where]
            if not mine:
                continue
            if where == "epoch":
                out += ["", f"{INDENT}def on_epoch_end(self, epoch, logs=None):"]
            else:
                out += ["", f"{INDENT}step = 0  # training steps so far, as TF1's loop counted",
                        "", f"{INDENT}def on_train_batch_end(self, batch, logs=None):",
                        f"{INDENT * 2}step = self.step",
                        f"{INDENT * 2}self.step += 1"]
            for p in mine:
                out += self.printed(p, INDENT * 2)
        return out

    def printed(self, p: d.Printed, indent: str) -> list[str]:
        out = [indent + self.quote(n) for n in p.lines]
        for guard in p.guards:
            out.append(f"{indent}if {guard}:")
            indent += INDENT
        return out + [f"{indent}{p.code}"]

    def main(self) -> list[str]:
        m, t = self.model, self.model.training
        callbacks = "[ProgramLines()]" if any(
            p.where in ("epoch", "step") for p in m.printed) else "[]"
        out = ["def main():",
               f"{INDENT}(x_train, y_train), (x_test, y_test) = load_data()",
               f"{INDENT}model = build_model()"]
        out += self.quotes(t.lines, INDENT)
        if t.epochs is not None:
            out.append(f"{INDENT}model.fit(x_train, y_train, batch_size={t.batch_size}, "
                       f"epochs={t.epochs}, callbacks={callbacks}, verbose=2)")
        else:
            out += [f"{INDENT}model.fit(batches(x_train, y_train, {t.batch_size}), "
                    f"steps_per_epoch={t.steps}, epochs=1, callbacks={callbacks}, verbose=2)"]
        for p in m.printed:
            if p.where == "end":
                out += self.printed(p, INDENT)
            elif p.where == "skipped":
                out += [f"{INDENT}# not written: it reads what only the TF1 program has",
                        *self.quotes(p.lines, INDENT)]
        return out + [f"{INDENT}return model"]

    def batches(self) -> list[str]:
        if self.model.training.epochs is not None:
            return []
        return ["def batches(x, y, batch_size):",
                f'{INDENT}"""TF1\'s next_batch: whole batches, each pass over the images in '
                'a new order."""',
                f"{INDENT}while True:",
                f"{INDENT * 2}order = np.random.permutation(len(x))",
                f"{INDENT * 2}for start in range(0, len(x) - batch_size + 1, batch_size):",
                f"{INDENT * 3}chosen = order[start:start + batch_size]",
                f"{INDENT * 3}yield x[chosen], y[chosen]"]


def write(model: d.ModelSpec, name: str) -> str:
    """The Keras 3 program, as text; ``name``: the file it is written to."""
    w = Writer(model)
    head = [f'"""{model.program}, written as Keras 3 by mnist-keras-tf1 --to_keras.',
            "",
            f"Read it beside {model.program}: a comment names each line of it that a line "
            "here comes from.",
            f"Run it with: python {name} (it needs only tensorflow installed).",
            '"""', "", "import keras", "import numpy as np", ""]
    parts = [w.data(), w.batches(), w.build(), w.callback(), w.main()]
    body = []
    for part in parts:
        if part:
            body += ["", *part, ""]
    tail = ["", 'if __name__ == "__main__":', f"{INDENT}main()"]
    return "\n".join(head + body + tail).replace("\n\n\n\n", "\n\n\n") + "\n"
