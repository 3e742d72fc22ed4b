"""Which models a server serves: ``--model_name``/``--model_base_path``, repeated
``--model=NAME=PATH``, or TensorFlow Serving's ``--model_config_file``.

The config file is TF Serving's text format; its ``name`` and ``base_path`` fields are
read, the rest (``model_platform: 'tensorflow'``) is TF Serving's and ignored::

  model_config_list {
    config { name: 'stage8' base_path: 'saved_models/stage8' model_platform: 'tensorflow' }
    config { name: 'stage9' base_path: 'saved_models/experts_cnn' }
  }
"""

from __future__ import annotations

import os
import re

from mnist_keras.errors import InputError

_CONFIG = re.compile(r"config\s*\{([^{}]*)\}")
_FIELD = r"{}\s*:\s*(?:'([^']*)'|\"([^\"]*)\")"
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _field(block: str, name: str) -> str | None:
    match = re.search(_FIELD.format(name), block)
    return None if match is None else match.group(1) if match.group(1) is not None \
        else match.group(2)


def parse_config_file(path: str) -> dict[str, str]:
    """name -> base path of each ``config`` block of a TF Serving model config file."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise InputError(f"--model_config_file={path}: {e.strerror or e}") from None
    blocks = _CONFIG.findall(text)
    if "model_config_list" not in text or not blocks:
        raise InputError(f"--model_config_file={path}: no model_config_list {{ config "
                         "{ name: ... base_path: ... } }")
    models = {}
    for block in blocks:
        name, base_path = _field(block, "name"), _field(block, "base_path")
        if not name or not base_path:
            raise InputError(f"--model_config_file={path}: a config without name or "
                             "base_path")
        models[name] = base_path
    return models


def resolve(model_name: str | None, model_base_path: str | None, pairs: list[str],
            config_file: str | None) -> dict[str, str]:
    """The served models, name -> absolute base path, each checked to be a directory."""
    models = {}
    if model_base_path:
        models[model_name or "default"] = model_base_path  # TF Serving's default name
    for pair in pairs:
        name, sep, path = pair.partition("=")
        if not sep or not name or not path:
            raise InputError(f"--model={pair}: expected NAME=PATH")
        models[name] = path
    if config_file:
        models.update(parse_config_file(config_file))
    if not models:
        raise InputError("no model to serve: give --model_base_path (and --model_name), "
                         "--model=NAME=PATH or --model_config_file")
    for name, path in models.items():
        if not _NAME.fullmatch(name):
            raise InputError(f"model name {name!r}: letters, digits, '_', '.', '-' only")
        if not os.path.isdir(path):
            raise InputError(f"model {name}: base path {path} is not a directory")
    return {name: os.path.abspath(path) for name, path in models.items()}
