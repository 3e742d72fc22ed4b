"""A trained model outside training: exported, loaded and asked for predictions.

- ``exporter``: versioned SavedModels (TensorFlow Serving's layout) and TFLite.
- ``predictors``: a SavedModel, ``.tflite`` or ``.npz`` as a function from images to
  probabilities; image files predicted in one call.
- ``images``: real image files framed as MNIST framed its digits.
- ``numpy_net``: text 004's NumPy-only forward pass.
"""
