"""Model families: each builds a Keras model and a TF1 graph from one hyperparameters
object (``mlp``: the dense nets, ``cnn``: the experts' convolutional net, ``conv_stack``:
the stack of small convolutions of stage 14 on).

Every family module has ``FAMILY`` (its name for ``mnist_keras.execution``), an
``HParams`` dataclass, ``build_model(hp, execution=None)`` and ``v1_logits(hp, x,
keep_prob)``. :func:`family` finds the module of a stage's hyperparameters.
"""

from __future__ import annotations

from mnist_keras.nets import cnn, conv_stack, mlp

FAMILIES = (mlp, cnn, conv_stack)


def family(hp):
    """The family module that builds ``hp`` (an ``HParams`` of one of ``FAMILIES``)."""
    for module in FAMILIES:
        if isinstance(hp, module.HParams):
            return module
    raise TypeError(f"no model family builds {type(hp).__name__}")


def portable_hparams(hp):
    """``hp`` as a run's ``model.keras`` is built: only Keras' own layers, so that Keras
    alone loads it (the conv stack leaves out its elastic distortion, the identity at
    inference)."""
    return conv_stack.portable_hparams(hp) if isinstance(hp, conv_stack.HParams) else hp
