"""Reads a TF1 program's cost from its graph: the cross-entropy (from logits, or from
softmax probabilities as ``-reduce_sum(Y * log(hypothesis))`` has it), how it is reduced
over the batch, and the L2 terms added to it, which Keras holds as kernel regularizers.
"""

from __future__ import annotations

import numpy as np

from mnist_keras.tf1 import description as d
from mnist_keras.tf1.graph_reader import PASS, Reader, Unsupported

CROSS_ENTROPY = ("SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits")
REDUCTIONS = {"Mean": "sum_over_batch_size", "Sum": "sum"}


def _terms(tensor) -> list:
    """The summands of ``tensor`` (a tree of Adds)."""
    while tensor.op.type in PASS:
        tensor = tensor.op.inputs[0]
    if tensor.op.type in ("AddV2", "Add"):
        return [t for i in tensor.op.inputs for t in _terms(i)]
    if tensor.op.type == "AddN":
        return [t for i in tensor.op.inputs for t in _terms(i)]
    return [tensor]


def _has_l2(tensor) -> bool:
    seen, stack = set(), [tensor.op]
    while stack:
        op = stack.pop()
        if op.type == "L2Loss":
            return True
        if op.name not in seen:
            seen.add(op.name)
            stack.extend(i.op for i in op.inputs)
    return False


def _l2(reader: Reader, tensor, factor: float, found: dict) -> None:
    """Adds each variable's Keras L2 factor under ``tensor`` (a scaled sum of L2Loss)."""
    op = tensor.op
    if op.type in PASS:
        return _l2(reader, op.inputs[0], factor, found)
    if op.type in ("AddV2", "Add", "AddN"):
        for i in op.inputs:
            _l2(reader, i, factor, found)
        return None
    if op.type == "Mul":
        for constant, other in ((op.inputs[0], op.inputs[1]), (op.inputs[1], op.inputs[0])):
            if _has_l2(other) and not _has_l2(constant):
                return _l2(reader, other, factor * float(np.asarray(reader.value(constant))),
                           found)
    if op.type == "L2Loss":
        variable = reader.variable(op.inputs[0])
        if variable is not None:
            # tf.nn.l2_loss is sum(w ** 2) / 2; Keras' L2(l) adds l * sum(w ** 2).
            found[variable.op.name] = found.get(variable.op.name, 0.0) + factor / 2
            return None
    reader.refuse(op, "a weight penalty of a form other than scale * tf.nn.l2_loss(W)")


def read(reader: Reader, loss) -> tuple[object, object, d.LossSpec, dict]:
    """(the model's output, the labels, the loss, {variable op name: L2 factor})."""
    main = [t for t in _terms(loss) if not _has_l2(t)]
    penalties: dict = {}
    for term in _terms(loss):
        if _has_l2(term):
            _l2(reader, term, 1.0, penalties)
    if len(main) != 1:
        reader.refuse(loss.op, "a cost of more than one term besides L2 penalties")
    output, labels, from_logits, reduction = _cross_entropy(reader, main[0])
    one_hot = labels.dtype.is_floating
    if labels.op.type == "OneHot":
        labels, one_hot = labels.op.inputs[0], False
    lines = tuple(sorted({reader.line(loss.op), reader.line(main[0].op)} - {0}))
    return output, labels, d.LossSpec(from_logits, one_hot, reduction, lines), penalties


def _cross_entropy(reader: Reader, tensor):
    """(output, labels, from logits, reduction) of a cross-entropy, per example reduced
    over the batch, or summed over everything."""
    negated, reduced = False, []
    top = tensor
    while tensor.op.type in (*PASS, "Neg", "Mean", "Sum", "Reshape"):
        if tensor.op.type == "Neg":
            negated = not negated
        elif tensor.op.type in REDUCTIONS:
            reduced.append((tensor.op.type, len(tensor.shape)))
        tensor = tensor.op.inputs[0]
    batch = [kind for kind, rank in reduced if rank == 0]
    if len(batch) != 1:
        reader.refuse(top.op, "a cost not reduced to one number over the batch")
    if tensor.op.type in CROSS_ENTROPY:
        logits, labels = (_unwrapped(t) for t in tensor.op.inputs[:2])
        return logits, labels, True, REDUCTIONS[batch[0]]
    if tensor.op.type == "Mul" and negated:
        for labels, log in ((tensor.op.inputs[0], tensor.op.inputs[1]),
                            (tensor.op.inputs[1], tensor.op.inputs[0])):
            log = _unwrapped(log)
            if log.op.type == "Log":
                classes = [kind for kind, rank in reduced if rank == 1]
                # A sum over the classes, then over the batch; or one sum of everything.
                if classes != ["Sum"] and not (not classes and batch == ["Sum"]):
                    break
                reduction = REDUCTIONS[batch[0]]
                return _unwrapped(log.op.inputs[0]), _unwrapped(labels), False, reduction
    raise Unsupported(reader.line(tensor.op), f"{tensor.op.type} ({tensor.op.name}): the "
                      "cost is no cross-entropy this project reads (from logits, or "
                      "-reduce_sum(Y * log(softmax)))")


def _unwrapped(tensor):
    """``tensor`` before the identities and reshapes TF's cross-entropy adds around it."""
    while tensor.op.type in PASS or tensor.op.type == "Reshape" and (
            "cross_entropy" in tensor.op.name.rpartition("/")[0]):
        tensor = tensor.op.inputs[0]
    return tensor
