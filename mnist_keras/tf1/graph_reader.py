"""Reads a TF1 program's model from the graph it built: op by op, from the tensor its
cost takes back to the input placeholder, into ``tf1.description`` layers.

Reading the graph, not the text, means that helper functions, classes, ``tf.layers``,
``tf.nn.xw_plus_b`` and ``tf.add(tf.matmul(X, W), b)`` all read the same: a MatMul of
a variable, a bias added, an activation. What the walk cannot hold in one Keras layer
stops it with :class:`Unsupported`, naming the op and the program's line.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

from mnist_keras.tf1 import description as d

ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax",
               "Elu": "elu", "Selu": "selu", "Relu6": "relu6", "Softplus": "softplus"}
PASS = ("Identity", "StopGradient", "Snapshot")
# A variance-scaling truncated normal divides its stddev by this: the stddev of a unit
# normal truncated at two standard deviations (TF's and Keras' constant).
TRUNCATED = 0.87962566103423978


class Unsupported(Exception):
    """What one Keras model cannot hold: ``line`` (0 if unknown) and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclasses.dataclass(frozen=True)
class Mark:
    """A layer the program called as one function (``tf.nn.dropout``): the walk jumps
    from its output to its input."""

    layer: d.LayerSpec
    input: object  # tf.Tensor


def line_of(op, path: str) -> int:
    """The line of ``path`` that made ``op`` (its innermost frame in the program)."""
    for frame in reversed(op.traceback):
        if frame.filename == path:
            return frame.lineno
    return 0


@dataclasses.dataclass
class Reader:
    """The graph's variables, the program's path, and how to read a constant tensor."""

    path: str
    variables: dict  # op name of a variable's handle -> the tf.Variable
    value: Callable  # tensor -> numpy value (evaluated in the program's session)
    marks: dict = dataclasses.field(default_factory=dict)  # tensor name -> Mark

    def line(self, op) -> int:
        return line_of(op, self.path)

    def variable(self, tensor):
        """The variable ``tensor`` reads, or None."""
        while tensor.op.type in PASS:
            tensor = tensor.op.inputs[0]
        op = tensor.op
        if op.type == "ReadVariableOp":
            op = op.inputs[0].op
        return self.variables.get(op.name) if op.type in (
            "VarHandleOp", "VariableV2", "Variable") else None

    def refuse(self, op, why: str):
        if op.type in ("While", "StatelessWhile", "Enter", "Exit", "Merge"):
            why = "tf.while_loop, a loop inside the graph; a Keras Sequential runs its layers once"
        elif "batchnorm" in op.name.lower() or "batch_norm" in op.name.lower():
            why = "batch normalization, which this translation does not read yet"
        raise Unsupported(self.line(op), f"{op.type} ({op.name}): {why}")

    # -- the model -------------------------------------------------------------------

    def primitives(self, output, x) -> list[tuple]:
        """The ops from ``x`` to ``output``, in order: ``(kind, what, op)``."""
        found, tensor = [], output
        while tensor.op is not x.op:
            if tensor.name in self.marks:
                mark = self.marks[tensor.name]
                found.append(("layer", mark.layer, tensor.op))
                tensor = mark.input
                continue
            op, kind = tensor.op, tensor.op.type
            if kind in PASS:
                tensor = op.inputs[0]
            elif kind in ACTIVATIONS:
                found.append(("act", ACTIVATIONS[kind], op))
                tensor = op.inputs[0]
            elif kind in ("BiasAdd", "AddV2", "Add"):
                tensor = self._bias(op, found)
            elif kind in ("MatMul", "Conv2D"):
                tensor = self._weighted(op, found)
            elif kind in ("MaxPool", "AvgPool"):
                found.append(("pool", kind, op))
                tensor = op.inputs[0]
            elif kind == "Reshape":
                found.append(("reshape", tuple(tensor.shape[1:]), op))
                tensor = op.inputs[0]
            elif kind == "Placeholder":
                self.refuse(op, "the model reads a second input; one Keras Sequential "
                            "has one")
            else:
                self.refuse(op, "no Keras layer of this project's translation does it")
        return found[::-1]

    def _bias(self, op, found: list):
        a, b = op.inputs
        for bias, rest in ((b, a), (a, b)):
            variable = self.variable(bias)
            if variable is not None and len(variable.shape) == 1:
                found.append(("bias", variable, op))
                return rest
        self.refuse(op, "adds two computed tensors (a residual); a Sequential model "
                    "adds only a bias")

    def _weighted(self, op, found: list):
        variable = self.variable(op.inputs[1])
        if variable is None:
            self.refuse(op, "its weights are not a variable")
        if op.type == "MatMul" and (op.get_attr("transpose_a") or op.get_attr("transpose_b")):
            self.refuse(op, "a transposed matmul")
        if op.type == "Conv2D" and op.get_attr("data_format") != b"NHWC":
            self.refuse(op, "NCHW; Keras' Conv2D here is NHWC")
        found.append((op.type, variable, op))
        return op.inputs[0]

    def layers(self, output, x) -> tuple[d.LayerSpec, ...]:
        """The Keras layers from ``x`` to ``output``: each weighted op with the bias and
        activation after it, as one layer."""
        primitives, layers, i = self.primitives(output, x), [], 0
        while i < len(primitives):
            kind, what, op = primitives[i]
            i += 1
            if kind in ("MatMul", "Conv2D"):
                bias = activation = None
                if i < len(primitives) and primitives[i][0] == "bias":
                    bias, i = primitives[i], i + 1
                if i < len(primitives) and primitives[i][0] == "act":
                    activation, i = primitives[i], i + 1
                layers.append(self._layer(kind, what, op, bias, activation))
            elif kind == "bias":
                self.refuse(op, "a bias added where no layer's weights come before it")
            elif kind == "act":
                layers.append(d.LayerSpec("Activation", (("activation", what),),
                                      lines=(self.line(op),)))
            elif kind == "pool":
                layers.append(self._pool(what, op))
            elif kind == "reshape":
                flat = len(what) == 1 and len(op.inputs[0].shape) > 2
                layers.append(d.LayerSpec("Flatten" if flat else "Reshape",
                                      () if flat else (("target_shape", what),),
                                      lines=(self.line(op),)))
            else:
                layers.append(what)
        return tuple(layers)

    def _layer(self, kind, kernel, op, bias, activation) -> d.LayerSpec:
        shape = [int(n) for n in kernel.shape]
        args = [("units", shape[1])] if kind == "MatMul" else [
            ("filters", shape[3]), ("kernel_size", tuple(shape[:2])),
            ("strides", tuple(op.get_attr("strides")[1:3])),
            ("padding", op.get_attr("padding").decode().lower())]
        if activation:
            args.append(("activation", activation[1]))
        args.append(("kernel_initializer", self.initializer(kernel)))
        weights, lines = [kernel], [self.line(kernel.op), self.line(op)]
        if bias:
            args.append(("bias_initializer", self.initializer(bias[1])))
            weights.append(bias[1])
            lines.append(self.line(bias[1].op))
        else:
            args.append(("use_bias", False))
        if activation:
            lines.append(self.line(activation[2]))
        return d.LayerSpec("Dense" if kind == "MatMul" else "Conv2D", tuple(args),
                       tuple(v.op.name for v in weights),
                       tuple(sorted({n for n in lines if n})))

    def _pool(self, kind, op) -> d.LayerSpec:
        ksize, strides = op.get_attr("ksize"), op.get_attr("strides")
        if ksize[0] != 1 or ksize[3] != 1 or strides[0] != 1 or strides[3] != 1:
            self.refuse(op, "pools over the batch or the channels")
        return d.LayerSpec("MaxPooling2D" if kind == "MaxPool" else "AveragePooling2D",
                       (("pool_size", tuple(ksize[1:3])), ("strides", tuple(strides[1:3])),
                        ("padding", op.get_attr("padding").decode().lower())),
                       lines=(self.line(op),))

    # -- initialisers ----------------------------------------------------------------

    def initializer(self, variable) -> d.InitializerSpec:
        """The Keras initializer that draws as the variable's initial value did."""
        tensor, shift, scale = variable.initial_value, 0.0, 1.0
        while tensor.op.type in PASS:
            tensor = tensor.op.inputs[0]
        if tensor.op.type in ("AddV2", "Add"):
            shift, tensor = self._constant_and_other(tensor.op)
        if tensor.op.type == "Mul":
            scale, tensor = self._constant_and_other(tensor.op)
        kind = tensor.op.type
        if kind in ("RandomStandardNormal", "StatelessRandomNormalV2"):
            return d.InitializerSpec("RandomNormal", (("mean", shift), ("stddev", scale)))
        if kind in ("TruncatedNormal", "StatelessTruncatedNormalV2"):
            return self._scaled("normal", variable, scale) or d.InitializerSpec(
                "TruncatedNormal", (("mean", shift), ("stddev", scale)))
        if kind in ("RandomUniform", "StatelessRandomUniformV2"):
            if math.isclose(shift, -scale / 2, rel_tol=1e-6):
                found = self._scaled("uniform", variable, scale / 2)
                if found:
                    return found
            return d.InitializerSpec("RandomUniform", (("minval", shift),
                                                   ("maxval", shift + scale)))
        values = self.value(variable.initial_value)
        if values.size and (values == values.flat[0]).all():
            c = float(values.flat[0])
            return d.InitializerSpec("Zeros") if c == 0 else d.InitializerSpec("Constant",
                                                                      (("value", c),))
        raise Unsupported(self.line(variable.op), f"{variable.op.name}'s initial value "
                          f"({tensor.op.type}) is no Keras initializer this project knows")

    def _constant_and_other(self, op) -> tuple[float, object]:
        """(the constant, the other input) of an Add or Mul of an initial value: the
        constant is the input that draws nothing and reads no placeholder."""
        import numpy as np

        a, b = op.inputs
        for constant, other in ((b, a), (a, b)):
            if _draws(constant) or not _draws(other):
                continue
            values = np.asarray(self.value(constant))
            if values.size and (values == values.flat[0]).all():
                return float(values.flat[0]), other
        raise Unsupported(self.line(op), f"{op.name}: an initial value of a shape this "
                          "project does not read")

    @staticmethod
    def _scaled(draw: str, variable, spread: float) -> d.InitializerSpec | None:
        """Glorot, He or LeCun, where the spread (stddev, or the uniform's limit) is
        theirs for the variable's fans."""
        shape = [int(n) for n in variable.shape]
        if len(shape) < 2:
            return None
        receptive = math.prod(shape[:-2])
        fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
        factor = TRUNCATED if draw == "normal" else 1 / math.sqrt(3)
        for name, variance in (("Glorot", 2 / (fan_in + fan_out)), ("He", 2 / fan_in),
                               ("Lecun", 1 / fan_in)):
            if math.isclose(spread * factor, math.sqrt(variance), rel_tol=1e-5):
                return d.InitializerSpec(name + ("Normal" if draw == "normal" else "Uniform"))
        return None


def _draws(tensor) -> bool:
    """Whether ``tensor`` depends on a random op or a placeholder."""
    seen, stack = set(), [tensor.op]
    while stack:
        op = stack.pop()
        if "Random" in op.type or "TruncatedNormal" in op.type or op.type == "Placeholder":
            return True
        if op.name not in seen:
            seen.add(op.name)
            stack.extend(i.op for i in op.inputs)
    return False
