"""The program's own ``print`` lines, written for Keras: where each is (each epoch, each
step, after training) and what its values become.

A print's names and calls are replaced by what Keras has for them, judged from what the
recorded run did at that line:

* the training loop's counter -> ``epoch`` (or ``step``);
* a value of the training run's cost, or one summed from it -> ``logs["loss"]``;
* a run of the accuracy (or the cost) on the test or training images ->
  ``model.evaluate(x_test, y_test, verbose=0)[1]``; on a batch -> ``logs["accuracy"]``;
* the program's constants -> their values.

A print that reads anything else (a random image's prediction) is not written; the
Keras program quotes it in a comment.
"""

from __future__ import annotations

import ast
import builtins

from mnist_keras.tf1 import description as d

KERAS_NAMES = ("epoch", "step", "logs", "model", "x_train", "y_train", "x_test", "y_test")


def _parents(tree: ast.AST) -> dict:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _ancestors(node, parents: dict) -> list:
    found = []
    while node in parents:
        node = parents[node]
        found.append(node)
    return found[::-1]


def _kind(tensor) -> str | None:
    """"accuracy" for a scalar computed from an ``Equal`` of predictions, else None."""
    if len(getattr(tensor, "shape", [0])) != 0 or not hasattr(tensor, "op"):
        return None
    seen, stack = set(), [tensor.op]
    while stack:
        op = stack.pop()
        if op.type == "Equal":
            return "accuracy"
        if op.name not in seen:
            seen.add(op.name)
            stack.extend(i.op for i in op.inputs)
    return None


class Context:
    """What the translation knows: the loss, the input's name, the served counts."""

    def __init__(self, recording, loss, x_name: str, counts: dict, batch_size: int,
                 training: set, until: int):
        self.recording, self.loss, self.x_name = recording, loss, x_name
        self.counts, self.batch_size = counts, batch_size
        self.training, self.until = training, until  # its training lines; the next's

    def run_expression(self, lineno: int, where: str) -> str | None:
        """What Keras has for the first recorded run made at ``lineno``."""
        for run in self.recording.runs:
            if lineno in run.lines and run.fetches:
                fetch = run.fetches[0]
                kind = "loss" if fetch is self.loss else _kind(fetch)
                fed = run.fed.get(self.x_name)
                if kind is None or fed is None:
                    return None
                index = 0 if kind == "loss" else 1
                if where == "end" and fed == self.counts["test"]:
                    return f"model.evaluate(x_test, y_test, verbose=0)[{index}]"
                if where == "end" and fed == self.counts["train"]:
                    return f"model.evaluate(x_train, y_train, verbose=0)[{index}]"
                if where != "end" and fed == self.batch_size:
                    return f'logs["{kind}"]'
                return None
        return None


def _names_of_runs(tree: ast.AST, context: Context, where_of) -> dict:
    """{name: Keras expression} for names the program assigns from a run (or from the
    training run's cost, which Keras logs as ``logs["loss"]``)."""
    found, training = {}, context.training
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assign, ast.AugAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call)]
        mentions = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        if any(c.lineno in training for c in calls) or node.lineno in training or any(
                found.get(m) == 'logs["loss"]' for m in mentions):
            found.update({n: 'logs["loss"]' for n in names})
            continue
        for call in calls:
            expression = context.run_expression(call.lineno, where_of(node))
            if expression and len(names) == 1:
                found[names[0]] = expression
    return found


class _Rewrite(ast.NodeTransformer):
    def __init__(self, names: dict, context: Context, where: str, constants: dict):
        self.names, self.context, self.where, self.constants = names, context, where, constants
        self.missing = []

    def visit_Name(self, node):
        if node.id in self.names:
            return ast.parse(self.names[node.id], mode="eval").body
        if node.id in self.constants:
            return ast.Constant(self.constants[node.id])
        if not hasattr(builtins, node.id):
            self.missing.append(node.id)
        return node

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and hasattr(builtins, node.func.id) or (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Constant)):
            return self.generic_visit(node)
        expression = self.context.run_expression(node.lineno, self.where)
        if expression is None:
            self.missing.append(ast.unparse(node.func))
            return node
        return ast.parse(expression, mode="eval").body


def translate(tree: ast.Module, context: Context, counters: dict,
              loops: list) -> tuple[d.Printed, ...]:
    """Each module-level ``print`` of the program, written for Keras (see the module).

    Args:
      counters: {loop node: "epoch" or "step"}, the loops around the training run.
      loops: those loops, outermost first.
    """
    parents = _parents(tree)
    outer_end = loops[0].end_lineno if loops else 0

    def where_of(node) -> str:
        around = [a for a in _ancestors(node, parents) if a in counters]
        if around:
            return counters[around[-1]]
        return "end" if outer_end < node.lineno < context.until else "start"

    names = _names_of_runs(tree, context, where_of)
    names.update({loop.target.id: counters[loop] for loop in loops
                  if isinstance(loop.target, ast.Name)})
    constants = {k: v for k, v in context.recording.namespace.items()
                 if type(v) in (int, float, str, bool) and not k.startswith("_")}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "print"):
            continue
        ancestors = _ancestors(node, parents)
        if any(isinstance(a, (ast.FunctionDef, ast.ClassDef, ast.Lambda)) for a in ancestors):
            continue
        where = where_of(node)
        if where == "start":
            continue
        inside = ancestors[ancestors.index(loops[-1 if where == "step" else 0]) + 1:] \
            if where != "end" else ancestors
        guards = [a.test for a in inside if isinstance(a, ast.If)]
        rewrite = _Rewrite(names, context, where, constants)
        code = ast.unparse(rewrite.visit(_copy(node)))
        tests = tuple(ast.unparse(rewrite.visit(_copy(g))) for g in guards)
        unknown = [m for m in rewrite.missing if m not in KERAS_NAMES]
        found.append(d.Printed("skipped" if unknown else where, code, tests,
                               (node.lineno,)))
    return tuple(sorted(found, key=lambda p: p.lines))


def _copy(node):
    import copy

    return copy.deepcopy(node)  # line numbers kept: they find the runs made there
