"""A trained run as a versioned SavedModel (TensorFlow Serving's layout), and TFLite.

Layout, one directory per version (the next integer; TF Serving serves the highest)::

  <export_root>/<stage name>/<version>/
      saved_model.pb, variables/       the SavedModel (Keras 3 ``ExportArchive``)
      assets.extra/hparams.json        the run's hyperparameters   (copied as they were)
      assets.extra/metrics.json        the run's test accuracy etc. (copied as they were)
      model.tflite                     with --tflite: the SavedModel converted

``assets.extra/`` is TF Serving's place for files that travel with a model and that no
loader reads. A version is written whole in a hidden temporary directory beside it
(``.tmp-export-*``, which TF Serving ignores) and renamed into place, so a crash leaves
no partial version; an existing version is never overwritten.

Signatures (the first three output ``probabilities`` float32 [None, 10], the softmax of
the model's logits, and ``classes`` int64 [None], the most probable digit):

  serving_default   images  float32 [None, 28, 28], pixels in [0, 1], light digit on black
  serving_flat      pixels  float32 [None, 784], as the training data (row-major 28x28)
  serving_uint8     images  uint8   [None, 28, 28], 0-255 as in the MNIST files
  predict_images    images  float32 [None, 784] in [0, 1] -> ``scores`` [None, 10], the
                    probabilities: TF Serving's MNIST tutorial's signature, which its
                    ``mnist_client.py`` asks for

The TFLite file has the same four signatures (``Interpreter.get_signature_runner``).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid

import keras
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES
from mnist_keras.errors import InputError
from mnist_keras.training import atomic
from mnist_keras.training.run_dir import HPARAMS_FILE, METRICS_FILE, MODEL_FILE

EXPORT_ROOT = "saved_models"
EXTRA_DIR = "assets.extra"  # TF Serving's convention for files beside the SavedModel
TFLITE_FILE = "model.tflite"
TMP_PREFIX = ".tmp-export-"  # not an integer: never taken for a version
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class ExportError(InputError):
    """A run that cannot be exported, or an export root that cannot be written."""


def serving_outputs(model: keras.Model, pixels: tf.Tensor) -> dict[str, tf.Tensor]:
    """The named outputs for flat ``pixels`` [n, 784] in [0, 1]; dropout off."""
    logits = model(pixels, training=False)
    return {"probabilities": tf.nn.softmax(logits, axis=-1),
            "classes": tf.argmax(logits, axis=-1, output_type=tf.int64)}


def build_archive(model: keras.Model) -> keras.export.ExportArchive:
    """An ``ExportArchive`` of ``model`` (flat pixels -> logits) with the four signatures."""
    archive = keras.export.ExportArchive()
    # No archive.track(model): the endpoints' variables are saved anyway, and tracking
    # the model saves its Keras variable wrappers a second time (measured, stage 8:
    # 9.6 MB of variables with it, 4.8 MB without; same outputs).
    side = [None, IMAGE_SIDE, IMAGE_SIDE]

    # A batch of another shape is an error at the call, never reshaped into another
    # number of images: ensure_shape checks it in TF. TFLite drops that op; there the
    # reshape of [n, 28, 28] to [n, 784], n taken from the input, fails instead. (TFLite's
    # converter takes serving_flat's declared [n, 784] as given: a LiteRT caller that
    # resizes its input to another width gets other rows.)
    def flat(images):
        return tf.reshape(images, [tf.shape(images)[0], IMAGE_SIZE])

    def from_images(images):  # float32 [n, 28, 28] in [0, 1]
        return serving_outputs(model, flat(tf.ensure_shape(images, side)))

    def from_pixels(pixels):  # float32 [n, 784] in [0, 1]
        return serving_outputs(model, tf.ensure_shape(pixels, [None, IMAGE_SIZE]))

    def from_uint8(images):  # uint8 [n, 28, 28], 0-255
        scaled = tf.cast(tf.ensure_shape(images, side), tf.float32) / 255.0
        return serving_outputs(model, flat(scaled))

    # Registered first, so it is also what a client gets without naming a signature.
    archive.add_endpoint("serving_default", from_images,
                         [tf.TensorSpec(side, tf.float32, name="images")])
    archive.add_endpoint("serving_flat", from_pixels,
                         [tf.TensorSpec([None, IMAGE_SIZE], tf.float32, name="pixels")])
    archive.add_endpoint("serving_uint8", from_uint8,
                         [tf.TensorSpec(side, tf.uint8, name="images")])

    def predict_images(images):  # TF Serving's tutorial: float32 [n, 784] -> scores
        pixels = tf.ensure_shape(images, [None, IMAGE_SIZE])
        return {"scores": serving_outputs(model, pixels)["probabilities"]}

    archive.add_endpoint("predict_images", predict_images,
                         [tf.TensorSpec([None, IMAGE_SIZE], tf.float32, name="images")])
    return archive


def convert_tflite(saved_model_dir: str, path: str) -> None:
    """Converts the SavedModel (all its signatures) to a TFLite flatbuffer at ``path``."""
    converter = tf.lite.TFLiteConverter.from_saved_model(saved_model_dir)
    flatbuffer = converter.convert()
    with open(path, "wb") as f:
        f.write(flatbuffer)


def versions(stage_dir: str) -> list[int]:
    """The versions under ``stage_dir`` (its integer-named subdirectories), sorted."""
    if not os.path.isdir(stage_dir):
        return []
    return sorted(int(name) for name in os.listdir(stage_dir)
                  if name.isdigit() and os.path.isdir(os.path.join(stage_dir, name)))


def next_version(stage_dir: str) -> int:
    """One more than the highest version under ``stage_dir``; 1 for the first."""
    return max(versions(stage_dir), default=0) + 1


def export_model(model: keras.Model, stage_dir: str, *,
                 extra_files: dict[str, str] | None = None, tflite: bool = False) -> str:
    """Writes ``model`` as the next version under ``stage_dir``, whole or not at all.

    Args:
      model: takes flat pixels [None, 784] float32 in [0, 1], returns logits [None, 10].
      stage_dir: the model's directory; its integer subdirectories are the versions.
      extra_files: name -> path of files copied into ``<version>/assets.extra/``.
      tflite: also write ``<version>/model.tflite``.

    Returns:
      The new version's directory.
    """
    os.makedirs(stage_dir, exist_ok=True)
    tmp = os.path.join(stage_dir, TMP_PREFIX + uuid.uuid4().hex)
    os.mkdir(tmp)
    try:
        build_archive(model).write_out(tmp, verbose=False)
        os.makedirs(os.path.join(tmp, EXTRA_DIR), exist_ok=True)
        for name, source in (extra_files or {}).items():
            shutil.copyfile(source, os.path.join(tmp, EXTRA_DIR, name))
        if tflite:
            convert_tflite(tmp, os.path.join(tmp, TFLITE_FILE))
        _sync_tree(tmp)
        return _publish(tmp, stage_dir)
    except BaseException:  # KeyboardInterrupt too: leave no temporary directory behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _sync_tree(root: str) -> None:
    """Flushes every file under ``root`` to disk, so the rename publishes written data."""
    for directory, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(directory, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _publish(tmp: str, stage_dir: str) -> str:
    """Renames ``tmp`` to the next free version; never replaces an existing one."""
    for _ in range(100):  # another export may take a number between listing and renaming
        version_dir = os.path.join(stage_dir, str(next_version(stage_dir)))
        try:
            os.rename(tmp, version_dir)  # atomic; fails on an existing non-empty directory
        except OSError:
            if not os.path.exists(version_dir):
                raise
            continue
        return version_dir
    raise ExportError(f"{stage_dir}: no free version number after 100 tries")


def load_run(run_dir: str) -> tuple[keras.Model, str]:
    """The run's model and stage name, checked.

    Raises:
      ExportError: naming the file that is missing or wrong.
    """
    if not os.path.isdir(run_dir):
        raise ExportError(f"{run_dir}: no such run directory")
    paths = {name: os.path.join(run_dir, name)
             for name in (MODEL_FILE, HPARAMS_FILE, METRICS_FILE)}
    for name, path in paths.items():
        if not os.path.isfile(path):
            why = "not a run directory" if name == HPARAMS_FILE else "did the run finish?"
            raise ExportError(f"{path}: missing ({why})")
    try:
        name = atomic.read_json(paths[HPARAMS_FILE])["name"]
    except (ValueError, KeyError, TypeError) as e:
        raise ExportError(f"{paths[HPARAMS_FILE]}: no stage name ({e})") from None
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        raise ExportError(f"{paths[HPARAMS_FILE]}: stage name {name!r} is not a "
                          "plain directory name")
    return _load_model(paths[MODEL_FILE]), name


def _load_model(path: str) -> keras.Model:
    try:
        model = keras.models.load_model(path, compile=False)  # inference needs no optimizer
    except Exception as e:  # Keras raises many types for a damaged file
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ExportError(f"{path}: cannot load the model: {reason}") from None
    if tuple(model.input_shape) != (None, IMAGE_SIZE) or \
            tuple(model.output_shape) != (None, NUM_CLASSES):
        raise ExportError(f"{path}: model maps {model.input_shape} -> {model.output_shape},"
                          f" expected (None, {IMAGE_SIZE}) -> (None, {NUM_CLASSES})")
    return model


def export_run(run_dir: str, *, export_root: str = EXPORT_ROOT, tflite: bool = False) -> str:
    """Exports ``run_dir``'s model as ``<export_root>/<stage name>/<next version>/``.

    The run's ``hparams.json`` and ``metrics.json`` go to ``<version>/assets.extra/``;
    with ``tflite``, ``<version>/model.tflite`` too.

    Returns:
      The new version's directory.

    Raises:
      ExportError: the run is incomplete or its model unusable (a one-line message).
    """
    model, name = load_run(run_dir)
    extras = {f: os.path.join(run_dir, f) for f in (HPARAMS_FILE, METRICS_FILE)}
    try:
        return export_model(model, os.path.join(export_root, name), extra_files=extras,
                            tflite=tflite)
    except OSError as e:
        raise ExportError(f"cannot write under {export_root}: {e}") from None
