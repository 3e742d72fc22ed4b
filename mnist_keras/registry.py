"""The explicit map from stage ids (``--stage=...``) to stage modules."""

from __future__ import annotations

import types

from stages import (experts_cnn, experts_softmax, keras_dropout, numpy_sigmoid, sigmoid,
                    softmax_hidden, stage0, stage1, stage2, stage3, stage4, stage5, stage6,
                    stage7, stage8)

# The ladder first (text 002), then the other texts' systems; "9" is the experts' CNN.
STAGES: dict[str, types.ModuleType] = {
    "0": stage0, "1": stage1, "2": stage2, "3": stage3, "4": stage4,
    "5": stage5, "6": stage6, "7": stage7, "8": stage8, "9": experts_cnn,
    "sigmoid": sigmoid,
    "softmax_hidden": softmax_hidden,
    "keras_dropout": keras_dropout,
    "experts_softmax": experts_softmax,
    "experts_cnn": experts_cnn,
    "numpy_sigmoid": numpy_sigmoid,
}
LADDER = tuple(str(i) for i in range(10))


class UnknownStageError(KeyError):
    """A stage id that the registry does not know."""

    def __str__(self) -> str:
        return self.args[0]


def get(stage_id: str | int) -> types.ModuleType:
    """The stage module for ``stage_id``.

    Raises:
      UnknownStageError: naming the valid ids.
    """
    try:
        return STAGES[str(stage_id)]
    except KeyError:
        raise UnknownStageError(f"Unknown stage {str(stage_id)!r}; valid stages: "
                                f"{', '.join(STAGES)}") from None


def stage_id(module: types.ModuleType) -> str:
    """The first id that names ``module`` (``"9"`` for the experts' CNN)."""
    return next(key for key, value in STAGES.items() if value is module)
