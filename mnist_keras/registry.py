"""The explicit map from stage ids (``--stage=...``) to stage modules (``stages/``).

Ids map to module names, imported on first use, so that a command can check a
``--stage`` flag before TensorFlow loads.
"""

from __future__ import annotations

import importlib
import types

# The ladder first (text 002; "9" is the experts' CNN of text 003), its rungs beyond the
# tutorials (10-23), then the other texts' systems and the rungs' descriptive names.
STAGES: dict[str, str] = {
    "0": "stage0", "1": "stage1", "2": "stage2", "3": "stage3", "4": "stage4",
    "5": "stage5", "6": "stage6", "7": "stage7", "8": "stage8", "9": "experts_cnn",
    "10": "stage10", "11": "stage11", "12": "stage12", "13": "stage13", "14": "stage14",
    "15": "stage15", "16": "stage16", "17": "stage17", "18": "stage18",
    "19": "stage19", "20": "stage20", "21": "stage21", "22": "stage22",
    "23": "stage23",
    "sigmoid": "sigmoid",
    "softmax_hidden": "softmax_hidden",
    "keras_dropout": "keras_dropout",
    "experts_softmax": "experts_softmax",
    "experts_cnn": "experts_cnn",
    "numpy_sigmoid": "numpy_sigmoid",
    "batch_norm": "stage10",
    "augmentation": "stage11",
    "schedule": "stage12",
    "all_images": "stage13",
    "conv_stack": "stage14",
    "weight_average": "stage15",
    "one_pass": "stage16",
    "elastic": "stage17",
    "wide": "stage18",
    "wide_elastic": "stage19",
    "wide_elastic_no_dropout": "stage20",
    "wide_average": "stage21",
    "wider": "stage22",
    "late_width": "stage23",
}


class UnknownStageError(KeyError):
    """A stage id that the registry does not know."""

    def __str__(self) -> str:
        return self.args[0]


def check(stage_id: str | int) -> str:
    """``stage_id`` as a string, if the registry knows it.

    Raises:
      UnknownStageError: naming the valid ids.
    """
    if str(stage_id) not in STAGES:
        raise UnknownStageError(f"Unknown stage {str(stage_id)!r}; valid stages: "
                                f"{', '.join(STAGES)}")
    return str(stage_id)


def get(stage_id: str | int) -> types.ModuleType:
    """The stage module for ``stage_id``.

    Raises:
      UnknownStageError: naming the valid ids.
    """
    return importlib.import_module(f"stages.{STAGES[check(stage_id)]}")


def stage_id(module: types.ModuleType) -> str:
    """The first id that names ``module`` (``"9"`` for the experts' CNN)."""
    name = module.__name__.rpartition(".")[2]
    return next(key for key, value in STAGES.items() if value == name)


def unique_ids() -> list[str]:
    """Every stage once, by its first id: the ladder 0-9, then the other texts' systems."""
    first: dict[str, str] = {}
    for key, name in STAGES.items():
        first.setdefault(name, key)
    return list(first.values())
