"""Hyperparameter search for one stage with keras-tuner, validated honestly.

The ladder of text 002 is a story of hand-tuning: the learning rate by powers of ten,
then initialisers, width, depth and dropout. Here keras-tuner runs that search instead.

* **The space** is the stage's own ``search_space(hp) -> HParams`` (beside its builder,
  in ``stages/``); the builder is untouched, so a trial trains exactly the model
  ``python -m mnist_keras`` would build with those values.
* **The objective** is ``val_accuracy`` on the 5,000-image validation split (TF1's
  55,000/5,000 split, even for stages that train on all 60,000). The search receives a
  :class:`SearchData`, which has no test split at all. Each trial stops early when
  validation accuracy stops improving.
* **Afterwards** the best hyperparameters are trained once more with the stage's own
  training setup (its epochs or steps, its 55,000 or 60,000 images) by
  ``training.keras_train.train``, and
  only that run is evaluated, once, on the test split.
* **Failures are loud**: keras-tuner records a trial that raised as FAILED and goes on;
  each one is printed and listed, and a search with no successful trial is an error.
* **Resume**: the same ``directory`` continues the search; finished trials are not rerun.
* **Distributed**: keras-tuner's chief/worker mode (``KERASTUNER_TUNER_ID``,
  ``KERASTUNER_ORACLE_IP``, ``KERASTUNER_ORACLE_PORT``): workers run trials, the chief
  holds the oracle, then writes the results and retrains the best.

A directory holds ``search.json`` (the settings; a resume must match them),
``keras_tuner/`` (keras-tuner's own oracle and trial files), ``results.json`` (the table
below as JSON, plus the final run) and ``best_run/`` (the final run's files, as
``python -m mnist_keras`` writes them).

Modules: ``hypermodel`` (a stage as keras-tuner sees it: its space, its builder, a
trial's training), ``tuners`` (keras-tuner's tuners, reporting each trial), ``results``
(the trial table and ``results.json``) and ``search`` (the whole command: directory,
search, report, the best retrained and tested once).
"""
