"""A trained model outside training: exported, loaded and asked for predictions.

- ``exporter``: versioned SavedModels (TensorFlow Serving's layout) and TFLite.
- ``predictors``: a SavedModel, ``.tflite`` or ``.npz`` as a function from images to
  probabilities; image files predicted in one call.
- ``images``: real image files framed as MNIST framed its digits.
- ``numpy_net``: text 004's NumPy-only forward pass.

Serving them as TensorFlow Serving does (``python -m mnist_keras.serve``):

- ``server_config``: which models are served (TF Serving's flags and config file).
- ``model_store``: each model's versions, the highest loaded, new ones picked up.
- ``predict_request``: a ``:predict`` request checked, run and answered.
- ``rest``: TF Serving's REST API on Starlette, and the drawing page (``page/``).
"""
