"""How a model runs fast on this hardware, apart from what it computes.

The stages and ``nets`` say what a model is (the tutorial's layers, initialisers,
optimizer and training); this package says how it is executed: XLA or TF's kernels,
batches per call, the XLA training loop, ThreeFry dropout masks, TF's fused Adam
kernel and the transposed dense gradient. ``settings`` chooses them per model family,
with the measurements that chose them (``docs/speed.md``, ``benchmarks/speed.py``).

- ``settings``: the :class:`~settings.Execution` of each family, and its variants under
  a distribution strategy, under op determinism and in saved files.
- ``build``: the Keras pieces an execution asks for (dropout and dense layers, the
  optimizer, the compiled ``keras.Sequential``).
- ``xla_loop``, ``fast_layers``, ``fused_adam``: the classes behind them.
- ``xla_flags``: the XLA flag that the training commands set for their process.
"""
