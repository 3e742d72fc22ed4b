"""The ladder report: which runs, training or reading each, and the tables and charts.

- ``ladder_runs``: the plan (stage, API, seed) and the runner that trains or reads a run.
- ``tables``: rows of mean and sd per stage and API; the markdown table.
- ``charts``: accuracy per stage, learning curves, the confusion matrix.
- ``writer``: ``ladder.md``, ``ladder.json`` and the charts of a results directory.
"""
