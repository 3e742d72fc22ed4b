"""The flags that several commands share, each defined once, with its valid range.

A command calls the ``define_*`` functions of the flags it takes, at import; absl then
checks every value before the command's ``main`` runs (and before TensorFlow loads).
"""

from __future__ import annotations

import math

from absl import flags

from mnist_keras import registry

SEED_MAX = 2**32 - 1  # NumPy's and TF's seeds are 32-bit


def define_stage(default: str = "8") -> None:
    """``--stage``: a stage id, checked against the registry."""
    flags.DEFINE_string("stage", default, "Stage id: 0-9 (the ladder; 9 = experts_cnn) or "
                        "one of " + ", ".join(k for k in registry.STAGES if not k.isdigit())
                        + ".")
    flags.register_validator("stage", _known_stage)


def _known_stage(stage_id: str) -> bool:
    try:
        registry.check(stage_id)
    except registry.UnknownStageError as e:  # the message lists the valid ids
        raise flags.ValidationError(str(e)) from None
    return True


def define_data() -> None:
    """``--data`` and ``--data_dir``: where MNIST comes from (``data.mnist``)."""
    flags.DEFINE_enum("data", "idx", ["idx", "tfds"], "MNIST from IDX files (the ones "
                      "shipped with mnist-keras, or --data_dir) or from tensorflow-datasets.")
    flags.DEFINE_string("data_dir", None, "A directory of the four MNIST IDX files "
                        "(default: $MNIST_DATA_DIR, else the shipped ones); with "
                        "--data=tfds, tensorflow-datasets' cache.")


def define_epochs() -> None:
    flags.DEFINE_integer("epochs", None, "Epochs (default: the stage's own; a search: the "
                         "most per trial).", lower_bound=1)


def define_steps() -> None:
    flags.DEFINE_integer("steps", None, "Train this many batches instead of epochs.",
                         lower_bound=1)


def define_train_examples() -> None:
    flags.DEFINE_integer("train_examples", None, "Train on only the first N training "
                         "images (quick looks).", lower_bound=1)


def define_seed() -> None:
    flags.DEFINE_integer("seed", None, "Random seed (default: the text's, e.g. 1234).",
                         lower_bound=0, upper_bound=SEED_MAX)


def define_learning_rate() -> None:
    flags.DEFINE_float("learning_rate", None, "Step size (default: the stage's).")
    flags.register_validator("learning_rate",
                             lambda lr: lr is None or (math.isfinite(lr) and lr > 0),
                             message="must be a finite number > 0")


def define_export() -> None:
    """``--export``, ``--tflite`` and ``--export_root``: a SavedModel after training."""
    flags.DEFINE_bool("export", False, "Export the trained model as the next version "
                      "under --export_root/<stage name>/ (a SavedModel).")
    flags.DEFINE_bool("tflite", False, "With --export, also convert it to model.tflite.")
    define_export_root()


def define_export_root() -> None:
    flags.DEFINE_string("export_root", "saved_models", "Where exports go: "
                        "<export_root>/<stage name>/<version>/.")


def define_strategy() -> None:
    """``--strategy`` and ``--cpu_devices`` (``training.strategies``)."""
    flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker"],
                      "tf.distribute strategy: one device, the local devices, or the "
                      "workers of $TF_CONFIG. --batch_size is the global batch.")
    flags.DEFINE_integer("cpu_devices", None, "Split the CPU into N logical devices (to "
                         "run --strategy=mirrored without GPUs).", lower_bound=1)


def define_verbose(default: int) -> None:
    flags.DEFINE_integer("verbose", default, "Progress: 0 none, 1 a Keras progress bar, "
                         "2 a line per epoch.", lower_bound=0, upper_bound=2)
