"""What NumPy 2 removed that TF1-era programs use, found before they run.

TensorFlow 2.21 needs NumPy 2, and TF1-era code meets its removals: the aliases
``np.float``, ``np.int``, ``np.object`` (gone in NumPy 1.24), ``np.asscalar``, the
constants ``np.NaN`` and ``np.Inf`` (NumPy 2.0), ``np.reshape(a, newshape=...)``
(NumPy 2.4). A GAN that trains for an hour and then draws its samples with
``newshape=`` fails at its last lines; here, each ``np.`` name and each keyword of an
``np.`` call is checked against the NumPy installed before the first line runs, and
the first that NumPy lacks is said in one line with what to write instead.
"""

from __future__ import annotations

import ast
import inspect

from mnist_keras.tf1 import names

# Removed without a message of NumPy's own that names the replacement.
OURS = {
    "asscalar": "a.item()",
    "product": "np.prod",
    "cumproduct": "np.cumprod",
    "msort": "np.sort(a, axis=0)",
    "trapz": "np.trapezoid",
    "unicode": "str",
    "long": "int",
}
KEYWORDS = {("reshape", "newshape"): "shape"}  # (function, removed keyword): its new name


def numpy_names(tree: ast.AST) -> dict:
    """The names a program binds to NumPy (``import numpy as np``): {name: numpy}."""
    import numpy

    return {alias.asname or alias.name: numpy for node in ast.walk(tree)
            if isinstance(node, ast.Import) for alias in node.names
            if alias.name == "numpy"}


def _replacement(name: str) -> str | None:
    """What NumPy 2 has in place of ``np.<name>``, as NumPy's own tables say it."""
    import numpy

    if name in OURS:
        return f"write {OURS[name]}"
    if name in getattr(numpy, "__former_attrs__", {}):  # float, int, object, str, complex
        return f"write {name} (a Python type; np.{name}64 or np.{name}_ for NumPy's)" \
            if name in ("float", "int", "complex") else f"write {name}"
    try:
        from numpy import _expired_attrs_2_0 as expired
    except ImportError:
        return None
    message = expired.__expired_attributes__.get(name)
    return " ".join(message.split()) if message else None


def _attribute(node: ast.Attribute, root: str, module) -> names.Unknown | None:
    if hasattr(module, node.attr):
        return None
    replacement = _replacement(node.attr)
    if replacement:
        return names.Unknown(node.lineno, f"{root}.{node.attr}",
                             f"{root}.{node.attr} is gone from NumPy {module.__version__} "
                             f"(TensorFlow 2.21 needs NumPy 2): {replacement}")
    close = names.nearest(node.attr, dir(module))
    return names.Unknown(node.lineno, f"{root}.{node.attr}",
                         f"{root}.{node.attr} does not exist in NumPy {module.__version__}"
                         + (f"; did you mean {root}.{close}?" if close else ""))


def _keywords(node: ast.Call, root: str, module) -> names.Unknown | None:
    function = getattr(module, node.func.attr, None)
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):  # a ufunc, a builtin: no signature to check against
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return None
    for keyword in node.keywords:
        if keyword.arg and keyword.arg not in parameters:
            new = KEYWORDS.get((node.func.attr, keyword.arg))
            return names.Unknown(
                node.lineno, f"{root}.{node.func.attr}",
                f"{root}.{node.func.attr}() has no {keyword.arg}= in NumPy "
                f"{module.__version__} (TensorFlow 2.21 needs NumPy 2)"
                + (f": write {new}=" if new else ""))
    return None


def first_removed(tree: ast.AST) -> names.Unknown | None:
    """The first ``np.`` name or keyword the installed NumPy lacks, in line order."""
    bindings, bound = numpy_names(tree), names.assigned(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in bindings and ast.unparse(node) not in bound:
            found.append((node.lineno, node.col_offset,
                          _attribute(node, node.value.id, bindings[node.value.id])))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in bindings \
                and hasattr(bindings[node.func.value.id], node.func.attr):
            found.append((node.lineno, node.col_offset,
                          _keywords(node, node.func.value.id, bindings[node.func.value.id])))
    problems = sorted((f for f in found if f[2]), key=lambda f: f[:2])
    return problems[0][2] if problems else None
