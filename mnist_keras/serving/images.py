"""Real image files to MNIST's format: 28x28 float32, light digit on black, in [0, 1].

MNIST was made from scanned digits: each digit's bounding box was scaled (keeping its
aspect ratio) to fit 20x20 pixels, then placed in a 28x28 field with its centre of mass
at the field's centre. :func:`to_mnist` does the same to any grayscale image:

1. Polarity. MNIST is light ink on a dark background. A dark digit on light paper is
   inverted; ``background="auto"`` decides with the lighting taken out (a quadratic
   surface through the image): the ink is what deviates from it, darker or lighter
   (:func:`light_background`); ``"light"`` / ``"dark"`` force it.
2. Levels. On a copy smoothed at the scale the resizing will average anyway: the
   background's level as a quadratic surface (a photo's light falls off across the
   page; Otsu's threshold tells background from ink), and the ink's level (its 99th
   percentile). Then background -> 0, ink -> 1, and what is under :data:`NOISE_FLOOR`
   (paper grain, JPEG noise) -> 0.
3. The ink's bounding box, scaled to fit 20x20 (antialiased).
4. Pasted into 28x28 with its centre of mass at :data:`CENTRE`.

An MNIST image framed this way comes back nearly as it was (the floor clears its
faintest edge pixels): see ``tests/test_predict.py``.

Decoding is ``tf.io.decode_image`` (PNG, JPEG, GIF, BMP, WebP; any size, gray or
colour; a GIF's first frame).
Colour becomes luma; transparent pixels become the colour opposite to the ink, so a
drawing on a transparent canvas works whether its strokes are dark or light. EXIF
orientation is not applied: rotate such photos first.

``.npy`` files are batches already in MNIST's format and are used as they are.
"""

from __future__ import annotations

import os
import re

import numpy as np
import tensorflow as tf

from mnist_keras import stderr_capture
from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE
from mnist_keras.errors import InputError

BOX_SIDE = 20  # pixels: MNIST fitted each digit's bounding box into 20x20
# Where MNIST's centre of mass lies, in (row, column) pixel indices: measured over the
# 10,000 test images, mean 13.99 and 14.01, standard deviation 0.29.
CENTRE = 14.0
NOISE_FLOOR = 0.2  # fraction of the ink's contrast treated as background
MIN_CONTRAST = 0.05  # in [0, 1] pixel units: less between background and ink is blank
BACKGROUNDS = ("auto", "light", "dark")


class ImageError(InputError, ValueError):
    """A file that cannot be made into MNIST images; the message is one line."""


def read_bytes(path: str) -> bytes:
    """The file's content; missing, unreadable or empty files are :class:`ImageError`."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ImageError(e.strerror or str(e)) from None
    if not raw:
        raise ImageError("empty file (0 bytes)")
    return raw


def read_image(path: str) -> np.ndarray:
    """Decodes an image file (PNG, JPEG, ...) to grayscale float32 [h, w] in [0, 1]."""
    raw = read_bytes(path)
    # uint8: every format decodes to it (WebP only to it; 16-bit PNG is rounded). libjpeg
    # and TF print their own lines about a broken file; the error says it in one.
    try:
        with stderr_capture.captured():
            image = tf.io.decode_image(raw, dtype=tf.uint8, expand_animations=False)
    except (tf.errors.InvalidArgumentError, tf.errors.UnknownError) as e:
        raise ImageError(f"not a readable image: {_op_message(e)}") from None
    if 0 in image.shape:
        raise ImageError(f"an image of {image.shape[1]}x{image.shape[0]} pixels")
    return grayscale(image.numpy().astype(np.float32) / 255.0)


def _op_message(e: tf.errors.OpError) -> str:
    """A TF op's error as one line, without its ``{{function_node ...}}`` and ``[Op:...]``."""
    text = re.sub(r"\{\{.*?\}\}|\[Op:\w+\]", "", e.message or "").strip()
    return text.splitlines()[0] if text else type(e).__name__


def grayscale(image: np.ndarray) -> np.ndarray:
    """[h, w, channels] in [0, 1] (gray, gray+alpha, RGB or RGBA) to luma [h, w]."""
    channels = image.shape[-1]
    colour = image[..., :3] if channels >= 3 else image[..., :1]
    gray = tf.image.rgb_to_grayscale(colour).numpy()[..., 0] if channels >= 3 \
        else colour[..., 0]
    if channels in (2, 4):  # an alpha channel
        alpha = image[..., -1]
        if alpha.min() < 1.0:
            gray = _flatten_alpha(gray, alpha)
    return np.clip(gray, 0.0, 1.0).astype(np.float32)


def _flatten_alpha(gray: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Composites over the colour opposite to the ink (the opaque pixels' mean)."""
    if alpha.sum() == 0:
        return gray * 0.0
    ink = float((gray * alpha).sum() / alpha.sum())
    backdrop = 0.0 if ink > 0.5 else 1.0
    return gray * alpha + backdrop * (1.0 - alpha)


def lighting(x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """The least-squares quadratic surface through ``x``'s pixels (in ``mask``, else all).

    Light on a page varies smoothly (falling off across it, brighter at one corner); a
    quadratic in row and column follows that, while strokes, thin and sharp, do not fit.
    """
    rows, cols = np.indices(x.shape, dtype=np.float64) / max(x.shape)  # well conditioned
    terms = np.stack([np.ones(x.shape), rows, cols, rows * rows, cols * cols, rows * cols])
    chosen = np.ones(x.shape, bool) if mask is None else mask
    coef, *_ = np.linalg.lstsq(terms[:, chosen].T, x[chosen].astype(np.float64), rcond=None)
    return np.tensordot(coef, terms, axes=1).astype(np.float32)


def light_background(gray: np.ndarray) -> bool:
    """Whether the ink is darker than the page around it.

    With the lighting (:func:`lighting`) taken out, the page is near 0 and the ink is
    what deviates: a light page has its median nearer the residual's maximum.
    """
    residual = gray - lighting(gray)
    return float(np.median(residual)) > (float(residual.min()) + float(residual.max())) / 2


def light_on_dark(gray: np.ndarray, background: str = "auto") -> np.ndarray:
    """``gray`` with MNIST's polarity: inverted if its background is (or is said) light."""
    if background not in BACKGROUNDS:
        raise ImageError(f"background {background!r}: expected one of {BACKGROUNDS}")
    light = light_background(gray) if background == "auto" else background == "light"
    return 1.0 - gray if light else gray


def ink(gray: np.ndarray, background: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Ink levels (background 0, the ink's level 1, noise under the floor 0) and a mask.

    The background and ink levels are measured on a smoothed copy (robust to noise),
    then applied to the image itself: its noise is averaged later by :func:`fit_box`.

    Returns:
      (levels [h, w] in [0, 1], where the smoothed ink is above the floor [h, w] bool).

    Raises:
      ImageError: the image is blank (no contrast) or ``background`` is unknown.
    """
    x = light_on_dark(gray, background)
    smoothed = smooth(x)
    plane = background_level(smoothed)  # a photo's uneven lighting
    strokes = smoothed - plane > otsu_threshold(smoothed - plane)
    # The ink's level: a high percentile, not the max, as one glint is not the ink.
    peak = float(np.percentile((smoothed - plane)[strokes], 99)) if strokes.any() else 0.0
    if peak < MIN_CONTRAST:
        raise ImageError(f"blank image: no digit (contrast {max(peak, 0.0):.3f})")
    return _levels(x - plane, peak), _levels(smoothed - plane, peak) > 0


def _levels(x: np.ndarray, peak: float) -> np.ndarray:
    x = np.clip(x / peak, 0.0, 1.0)
    return np.clip((x - NOISE_FLOOR) / (1.0 - NOISE_FLOOR), 0.0, 1.0).astype(np.float32)


def smooth(x: np.ndarray) -> np.ndarray:
    """Box-blurs a large image at the scale its resizing to 20x20 would average anyway.

    One MNIST pixel spans about ``max(h, w) / 28`` image pixels when the digit fills the
    image; half that window removes camera and JPEG noise without blurring the digit
    more than :func:`fit_box` will. Images up to 111 pixels are left exactly as they are.
    """
    k = int(max(x.shape) / (2 * IMAGE_SIDE))
    if k <= 1:
        return x
    pooled = tf.nn.avg_pool2d(x[None, ..., None], k, strides=1, padding="SAME")
    return pooled.numpy()[0, ..., 0]


def otsu_threshold(x: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold: the level that best splits ``x`` in two (most between-class
    variance). Pixels above it are ink; for a constant image it is the maximum."""
    counts, edges = np.histogram(x, bins=bins)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(counts)[:-1].astype(np.float64)  # pixels in bins 0..i
    w1 = counts.sum() - w0
    m0 = np.cumsum(counts * centres)[:-1]
    valid = (w0 > 0) & (w1 > 0)
    if not valid.any():
        return float(x.max())
    between = np.zeros_like(w0)
    w0, w1, m0 = w0[valid], w1[valid], m0[valid]
    between[valid] = w0 * w1 * (m0 / w0 - ((counts * centres).sum() - m0) / w1) ** 2
    return float(edges[1:-1][np.argmax(between)])


def background_level(x: np.ndarray, passes: int = 2) -> np.ndarray:
    """The background's level at every pixel, lighting included (:func:`lighting`).

    A surface through all the pixels first (the ink is the smaller part), then, ``passes``
    times, through the pixels Otsu's threshold calls background after removing it.
    """
    surface = lighting(x)
    for _ in range(passes):
        residual = x - surface
        surface = lighting(x, residual <= otsu_threshold(residual))
    return surface


def crop(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``x`` [h, w] cut to the bounding box of ``mask`` (which has some pixels set)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return x[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def fit_box(x: np.ndarray, side: int = BOX_SIDE) -> np.ndarray:
    """Scales ``x`` so its longer side is ``side`` pixels, keeping the aspect ratio.

    Antialiased, so that shrinking averages (as MNIST's scanner did) instead of skipping
    pixels; the brightest pixel is brought back to 1, as in MNIST.
    """
    scale = side / max(x.shape)
    size = [max(1, round(n * scale)) for n in x.shape]
    resized = tf.image.resize(x[..., None], size, method="bilinear", antialias=True)
    resized = np.clip(resized.numpy()[..., 0], 0.0, None)
    peak = resized.max()
    return resized / peak if peak > 0 else resized


def centre(patch: np.ndarray, side: int = IMAGE_SIDE) -> np.ndarray:
    """Pastes ``patch`` in a ``side``-square field, its centre of mass at :data:`CENTRE`."""
    h, w = patch.shape
    mass = patch.sum()
    if mass <= 0:
        raise ImageError("blank image: no digit left after removing the background")
    cy = (patch.sum(axis=1) * np.arange(h)).sum() / mass
    cx = (patch.sum(axis=0) * np.arange(w)).sum() / mass
    top = int(np.clip(round(CENTRE - cy), 0, side - h))  # clipped: the patch stays whole
    left = int(np.clip(round(CENTRE - cx), 0, side - w))
    field = np.zeros((side, side), np.float32)
    field[top:top + h, left:left + w] = patch
    return field


def to_mnist(gray: np.ndarray, background: str = "auto") -> np.ndarray:
    """A grayscale image [h, w] in [0, 1] framed as MNIST frames its digits: [28, 28]."""
    levels, mask = ink(gray, background)
    return centre(fit_box(crop(levels, mask)))


NPY_MAGIC = b"\x93NUMPY"  # every .npy file starts with it (NumPy's format spec)


def load_npy(path: str) -> np.ndarray:
    """A ``.npy`` batch ([n, 28, 28] or [n, 784], or one image) as float32 [n, 28, 28].

    uint8 is read as 0-255, floats must already be in [0, 1]. Never unpickles.
    """
    if not read_bytes(path).startswith(NPY_MAGIC):  # np.load would try it as a pickle
        raise ImageError("not a NumPy .npy file (no .npy header)")
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as e:
        reason = "object arrays need pickle, never loaded" if "pickle" in str(e) else e
        raise ImageError(f"not a usable .npy array: {reason}") from None
    if array.shape in ((IMAGE_SIDE, IMAGE_SIDE), (IMAGE_SIZE,)):
        array = array[None]
    if array.ndim not in (2, 3) or int(np.prod(array.shape[1:])) != IMAGE_SIZE:
        raise ImageError(f"shape {array.shape}: expected [n, 28, 28] or [n, 784]")
    if not len(array):
        raise ImageError(f"shape {array.shape}: an empty batch, no image to predict")
    return _scaled(array).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def _scaled(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if not np.issubdtype(array.dtype, np.floating):
        raise ImageError(f"dtype {array.dtype}: expected uint8 (0-255) or float in [0, 1]")
    if not np.isfinite(array).all():
        raise ImageError("NaN or infinite values: expected floats in [0, 1]")
    if array.min() < 0.0 or array.max() > 1.0:
        raise ImageError(f"float values in [{array.min():g}, {array.max():g}]: "
                         "expected [0, 1] (give uint8 for 0-255)")
    return array.astype(np.float32)


def load_file(path: str, background: str = "auto") -> np.ndarray:
    """Any input file as MNIST images float32 [n, 28, 28]: n = 1 for an image file.

    Raises:
      ImageError: the file is missing, empty, not an image or an unusable array.
    """
    if os.path.splitext(path)[1].lower() == ".npy":
        return load_npy(path)
    return to_mnist(read_image(path), background)[None]
