"""The public TF1 courses' programs run as written (``mnist-keras-tf1``).

Each program in ``tests/tf1_programs`` named here is written in the style of the public
TF1 MNIST courses (the Korean course hunkim/DeepLearningZeroToAll among them): RNN
cells (``tf.nn.rnn_cell``, ``tensorflow.contrib.rnn``), contrib's layers and
``arg_scope``, ``tf.contrib.layers.flatten``, TensorBoard summaries, NumPy 1.x habits,
and a Keras 2-era TF 2 port. Each runs through the runner on 1,000 images; the loops
are shortened where noted. The course's own files are run by
``benchmarks/tf1_courses.py`` (docs/tf1-code.md has its table).
"""

import ast
import types

import pytest

from conftest import run_forked_together
from test_tf1 import PROGRAMS, QUICK, _one_line, _program, _ran

SHORTER = {  # (old, new): fewer epochs or steps, the programs otherwise as written
    "rnn_lstm.py": [("training_epochs = 10", "training_epochs = 2")],
    "contrib_rnn.py": [("training_steps = 1000", "training_steps = 40"),
                       ("display_step = 200", "display_step = 20")],
    "contrib_flatten.py": [("range(15)", "range(2)")],
    "contrib_layers.py": [("training_epochs = 15", "training_epochs = 2")],
    "summaries.py": [("training_epochs = 5", "training_epochs = 2")],
    "tf2_keras.py": [("training_epochs = 15", "training_epochs = 2")],
}


def test_rnn_cells_and_contrib_layers_run_on_tf_keras(tmp_path):
    names = ["rnn_lstm.py", "contrib_rnn.py", "contrib_flatten.py", "contrib_layers.py"]
    paths = [_program(tmp_path, name, SHORTER[name]) for name in names]
    lstm, contrib_rnn, flatten, layers = run_forked_together(
        [("mnist_keras.tf1", "--show_changes", *QUICK, path) for path in paths],
        [None] * len(paths), legacy_keras=True)
    out = _ran(lstm, "Epoch: 0002 cost = ", "Learning Finished!", "Accuracy: ")
    assert "Renamed 'tf.nn.rnn_cell.BasicLSTMCell' to " \
           "'tf.compat.v1.nn.rnn_cell.BasicLSTMCell'" in out
    out = _ran(contrib_rnn, "Step 1, Minibatch Loss= ", "Step 40, Minibatch Loss= ",
               "Optimization Finished!", "Testing Accuracy: ")
    assert f"{paths[1]}:8: mnist-keras: tensorflow.contrib.rnn is gone from TensorFlow " \
           "2: mnist-keras serves it" in out
    out = _ran(flatten, "Epoch: 0002 Avg. cost = ", "최적화 완료!", "정확도: ")
    assert f"{paths[2]}:23: mnist-keras: tf.contrib.layers.flatten is gone from " \
           "TensorFlow 2 (the upgrader has no rule for it): served" in out
    out = _ran(layers, "[Epoch:    2] cost = ", "Learning Finished!", "Accuracy: ")
    accuracy = float(out.rsplit("Accuracy: ", 1)[1].split()[0])
    assert accuracy > 0.5  # two epochs of 1,000 images with batch norm, dropout and Adam


def test_summaries_open_in_tensorboard(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator

    path = _program(tmp_path, "summaries.py", SHORTER["summaries.py"])
    [result] = run_forked_together([("mnist_keras.tf1", "--show_changes", *QUICK, path)],
                                   [None], cwd=tmp_path)
    out = _ran(result, "Epoch: 0002 cost= ", "Accuracy: ")
    assert "Renamed 'tf.summary.scalar' to 'tf.compat.v1.summary.scalar'" in out
    [events] = (tmp_path / "logs" / "mnist").iterdir()
    reader = event_accumulator.EventAccumulator(str(events))
    reader.Reload()
    steps = 2 * 1000 // 100  # two epochs of ten batches, one summary each
    tags = reader.Tags()
    assert sorted(tags["scalars"]) == ["accuracy/accuracy", "cost/cost"]
    assert sorted(tags["histograms"]) == ["layer1/activations", "layer1/weights"]
    costs = reader.Scalars("cost/cost")
    assert [c.step for c in costs] == list(range(steps))
    assert costs[-1].value < costs[0].value  # the cost the program printed, falling
    assert tags["graph"]


NEWSHAPE = ("newshape=(4, 28, 28, 1)", "(4, 28, 28, 1)")
NP_FLOAT = ("np.float(255)", "float(255)")


def test_numpy2_removals_get_one_line_before_the_run(tmp_path):
    fixes = [[], [NEWSHAPE], [NEWSHAPE, NP_FLOAT]]
    paths = []
    for i, fixed in enumerate(fixes):
        (tmp_path / str(i)).mkdir()
        paths.append(_program(tmp_path / str(i), "numpy_removed.py", fixed))
    newshape, np_float, fixed = run_forked_together(
        [("mnist_keras.tf1", *QUICK, path) for path in paths], [None] * len(paths))
    import numpy

    assert _one_line(newshape)[1:] == (19, f"np.reshape() has no newshape= in NumPy "
                                           f"{numpy.__version__} (TensorFlow 2.21 needs "
                                           "NumPy 2): write shape=")
    assert "Training started" not in newshape.stdout  # said before the first line ran
    assert _one_line(np_float)[1:] == (20, f"np.float is gone from NumPy {numpy.__version__}"
                                           " (TensorFlow 2.21 needs NumPy 2): write float "
                                           "(a Python type; np.float64 or np.float_ for "
                                           "NumPy's)")
    _ran(fixed, "Training started", "(4, 28, 28, 1) 255.0")


def test_a_keras2_era_tf2_port_runs_as_written(tmp_path):
    path = _program(tmp_path, "tf2_keras.py", SHORTER["tf2_keras.py"])
    [result] = run_forked_together([("mnist_keras.tf1", "--show_changes", *QUICK, path)],
                                   [None])
    out = _ran(result, "(1000, 28, 28)", "Epoch 2/2", "predicted y: ", "accuracy ")
    assert f"{path}:28: mnist-keras: Renamed keyword argument 'lr' to 'learning_rate' for " \
           "tf.keras.optimizers.Adam" in out  # and no legacy optimizer from the upgrader
    assert f"{path}: runs eagerly, as Keras 3 needs" in out
    assert float(out.rsplit("accuracy ", 1)[1].split()[0]) > 0.5


def test_the_runners_checks_never_stop_a_program(monkeypatch, tmp_path):
    """A check of the runner's own that fails (here: each made to raise) lets the program
    run; the lazy modules' ``dir()`` that raised once is one of these."""
    from mnist_keras.tf1 import keras2, names, numpy2, runner, upgrade

    def broken(*args, **kwargs):
        raise RuntimeError("a check of ours, broken")

    source = "import numpy as np\nimport tensorflow as tf\nx = tf.constant(np.ones(2))\n"
    path = str(tmp_path / "lab.py")
    for module, name in [(names, "first_unknown"), (numpy2, "first_removed"),
                         (keras2, "first_removed")]:
        with monkeypatch.context() as patch:
            patch.setattr(module, name, broken)
            program = runner.prepare(path, source)
        assert "tf.constant(np.ones(2))" in program.upgraded.source, name
    # The upgrader itself is no check: a program it fails on is not run un-upgraded.
    monkeypatch.setattr(upgrade, "_run_upgrader", broken)
    with pytest.raises(runner.ProgramError) as raised:
        runner.prepare(path, source)
    assert str(raised.value) == (f"{path}: TensorFlow's upgrader (tf_upgrade_v2) fails on "
                                 "this program (a check of ours, broken);"
                                 " write it another way")

    class Unlisted(types.ModuleType):  # as a lazy module that cannot list itself
        def __dir__(self):
            raise ImportError("No module named 'keras._tf_keras.keras.__internal__'")

    hint = names.first_unknown(ast.parse("import tf\ntf.nothing_here\n"),
                               {"tf": Unlisted("tf")})
    assert hint.hint == "tf.nothing_here does not exist"


@pytest.mark.parametrize("text, line, message", [
    ("import tensorflow.no_such_module as m\n", 1,
     "ModuleNotFoundError: No module named 'tensorflow.no_such_module'"),
    ("import tensorflow as tf\nfrom tensorflow.contrib import learn\n", 2,
     "import tensorflow.contrib.learn: tf.contrib.learn was removed: train "
     "with Keras (keras.Sequential, fit), and read MNIST with input_data.read_data_sets"),
    ("import tensorflow as tf\nx = tf.contrib.layers.optimize_loss\n", 2,
     "tf.contrib.layers.optimize_loss went with tf.contrib; mnist-keras serves "
     "fully_connected, conv2d, max_pool2d, dropout, flatten, batch_norm, "
     "xavier_initializer, xavier_initializer_conv2d, variance_scaling_initializer, "
     "l2_regularizer, l1_regularizer: write it with keras.layers"),
    ("import numpy as np\nn = 1\na = np.zeros((2, 2))\na[(n - 1) * 2:n * 2, 0:1] = 1\n", 4,
     "TensorFlow's upgrader (tf_upgrade_v2) fails on this line ("
     "Expected '*' but found ')'); write it another way"),
])
def test_odd_programs_get_their_line_not_a_traceback_of_ours(tmp_path, text, line, message):
    path = tmp_path / "lab.py"
    path.write_text(text)
    [result] = run_forked_together([("mnist_keras.tf1", str(path))], [None])
    assert _one_line(result) == (str(path), line, message)


def test_an_op_error_quotes_only_the_programs_frames(tmp_path):
    # TensorFlow's op errors quote the stack where the op was defined: the runner's
    # frames are in it, and are cut.
    path = tmp_path / "lab.py"
    path.write_text("import tensorflow as tf\nwith tf.device('/gpu:0'):\n"
                    "    y = tf.matmul(tf.ones([2, 2]), tf.ones([2, 2]))\n"
                    "with tf.Session() as sess:\n    sess.run(y)\n")
    [result] = run_forked_together([("mnist_keras.tf1", str(path))], [None])
    assert result.returncode == 1
    assert "Cannot assign a device for operation MatMul" in result.stderr
    assert f'File "{path}", line 3' in result.stderr
    assert "mnist_keras" not in result.stderr and "site-packages" not in result.stderr
