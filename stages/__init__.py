"""One module per stage of the tutorials; ``mnist_keras.registry`` maps ids to them.

Every module has the same surface: a docstring (what the stage adds, the command, the
text's accuracy), ``NAME``, ``TEXT``, ``CHANGE``, ``TUTORIAL_ACCURACY``, a frozen
``HParams`` dataclass whose defaults are the text's values, ``build_model(hp)`` returning a
compiled ``keras.Sequential``, and ``search_space(hp)`` for keras-tuner where tuning makes
sense. Ladder stages subclass the previous stage's ``HParams`` and override only what the
text changed, so each rung's one change is the code itself.
"""
