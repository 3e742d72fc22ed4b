"""The texts' own TF1 programs run as written (``mnist-keras-tf1``, ``%%tf1``).

Each program in ``tests/tf1_programs`` is saved as its text shows it (the blog's broken
line-wraps joined, nothing else changed): texts 000 and 001, text 002's first program,
its last rung written out whole, its Keras 2 part, the "Deep MNIST for Experts" program
that text 003 translates, and a ``tf.layers`` lab. Each runs through the runner on
1,000 images and prints its lines; where a text has typos, the runner's one line comes
first, then the file runs with them corrected.
"""

import os
import re
import subprocess
import sys

import jupyter_client
import nbclient
import nbformat
import pytest

from command_client import DIRECTORY_VARIABLE, CommandServer
from conftest import REPO, run_cli, run_forked, run_forked_together
from test_cli import TF_START_UP

PROGRAMS = REPO / "tests" / "tf1_programs"
QUICK = ["--train_examples=1000", "--test_examples=1000"]
ONE_LINE = re.compile(r"^mnist-keras-tf1: (\S+?):(\d+): (.+)$")


def _program(folder, name: str, fixes=()) -> str:
    """The program saved as its text shows it, with ``fixes`` (old, new) applied."""
    text = (PROGRAMS / name).read_text(encoding="utf-8")
    for old, new in fixes:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _one_line(result) -> tuple[str, int, str]:
    """(file, line, message) of a failure's one line on stderr; nothing else there."""
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    match = ONE_LINE.match(lines[0])
    assert match, lines[0]
    return match.group(1), int(match.group(2)), match.group(3)


def _ran(result, *expected: str) -> str:
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    for line in expected:
        assert line in result.stdout, (line, result.stdout[-2000:])
    return result.stdout


# Text 000 as the blog shows it: a tab among the spaces, sess.rin, tf.reduece_mean.
TEXT000_TAB = ("    \t_, cost_val = sess.rin", "        _, cost_val = sess.rin")
TEXT000_RIN = ("sess.rin(", "sess.run(")
TEXT000_REDUECE = ("tf.reduece_mean", "tf.reduce_mean")
# Text 001 as the blog shows it: non-breaking spaces, and commas the page lost.
TEXT001_FIXES = [("\xa0", " "), ('"MNIST_data/"one_hot', '"MNIST_data/", one_hot'),
                 ("[None784]", "[None, 784]"), ("[None10]", "[None, 10]"),
                 ("[784256]", "[784, 256]"), ("[256256]", "[256, 256]"),
                 ("[25610]", "[256, 10]")]


def test_text000_typos_each_get_one_line_then_it_runs(tmp_path):
    fixes = [[], [TEXT000_TAB], [TEXT000_TAB, TEXT000_REDUECE],
             [TEXT000_TAB, TEXT000_REDUECE, TEXT000_RIN]]
    paths = []
    for i, fixed in enumerate(fixes):  # each in its own folder, under its own name
        (tmp_path / str(i)).mkdir()
        paths.append(_program(tmp_path / str(i), "text000.py", fixed))
    as_shown, tab_fixed, reduce_fixed, corrected = run_forked_together(
        [("mnist_keras.tf1", *QUICK, path) for path in paths], [None] * len(paths))
    assert _one_line(as_shown)[1:] == (
        52, "TabError: inconsistent use of tabs and spaces in indentation; indent with "
            "spaces only")
    assert _one_line(tab_fixed)[1:] == (  # found before any training
        60, "tf.reduece_mean does not exist; did you mean tf.reduce_mean?")
    assert _one_line(reduce_fixed)[1:] == (
        52, "AttributeError: 'Session' object has no attribute 'rin'; did you mean 'run'?")
    out = _ran(corrected, "cost 값은 : ", "정확도는 ")
    assert out.count("cost 값은 : ") == 10  # 30 epochs, every third


def test_text001_as_shown_gets_one_line_then_runs(tmp_path):
    path = _program(tmp_path, "text001.py")
    file, line, message = _one_line(run_forked("mnist_keras.tf1", *QUICK, path))
    assert (file, line) == (path, 1) and "U+00A0" in message and "plain spaces" in message
    path = _program(tmp_path, "text001.py", TEXT001_FIXES)
    out = _ran(run_forked("mnist_keras.tf1", *QUICK, path), "Learning Finished!",
               "Accuracy: ", "Label:  [", "Prediction:  [")
    assert out.count("Epoch:0") == 15  # the text's 'Epoch:''%04d': one string


def test_the_other_programs_run_as_written():
    names = ["text002_first.py", "text002_last.py", "text002_keras.py"]
    first, last, keras2 = run_forked_together(
        [("mnist_keras.tf1", *QUICK, str(PROGRAMS / name)) for name in names],
        [None] * len(names))
    for result in (first, last):
        out = _ran(result, "Learning Finished!", "Accuracy(train): ", "Accuracy(test): ",
                   "Label:  [", "Prediction:  [")
        assert out.count("Epoch: 00") == 15
    out = _ran(keras2, "1000 train samples", "1000 test samples", "Test accuracy: ")
    assert "Epoch 15/15" in out


def test_experts_program_with_interactive_session_and_eval(tmp_path):
    # The program trains its CNN for 20,000 steps; this copy takes 100.
    path = _program(tmp_path, "experts.py", [("range(20000)", "range(100)")])
    out = _ran(run_forked("mnist_keras.tf1", *QUICK, path), "step 0, training accuracy ",
               "test accuracy ")
    softmax = float(out.splitlines()[0])  # print(accuracy.eval(...)) of the first part
    assert 0.5 < softmax <= 1.0


def test_tf_layers_run_on_tf_keras():
    # A real process, as a user starts it: tf-keras must load before TensorFlow does; and
    # with the TF log level a user sets to see less, none of TF's start-up lines.
    pytest.importorskip("tf_keras")
    result = run_cli("mnist_keras.tf1", "--show_changes", *QUICK,
                     str(PROGRAMS / "layers_lab.py"), env={"TF_CPP_MIN_LOG_LEVEL": "2"})
    out = _ran(result, "Learning Finished!", "Accuracy: ")
    assert "Renamed 'tf.layers.conv2d' to 'tf.compat.v1.layers.conv2d'" in out
    assert not TF_START_UP.search(result.stdout + result.stderr), result.stderr[-2000:]


def test_show_changes_and_write(tmp_path):
    out_file = tmp_path / "upgraded.py"
    path = str(PROGRAMS / "text002_first.py")
    wrote, shown = run_forked_together(
        [("mnist_keras.tf1", f"--write={out_file}", path),
         ("mnist_keras.tf1", "--show_changes", "--train_examples=300", "--test_examples=300",
          path)], [None, None])
    assert wrote.returncode == 0, wrote.stderr
    out = _ran(shown, "Learning Finished!")
    assert f"{path}:16: Renamed 'tf.placeholder' to 'tf.compat.v1.placeholder'\n" \
           "    X = tf.compat.v1.placeholder(tf.float32, [None, 784])" in out
    assert f"{path}:5: mnist-keras: tensorflow.examples.tutorials.mnist.input_data" in out
    text = out_file.read_text()
    assert "tf.compat.v1.Session()" in text and "tf.Session()" not in text
    # The written file runs with plain python (its own process, no runner).
    program = text.replace("training_cnt = 15", "training_cnt = 1")
    out_file.write_text(program)
    result = subprocess.run([sys.executable, str(out_file)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch: 0001 cost = " in result.stdout and "Accuracy(test): " in result.stdout


# Bad programs: each gets its one line (FILE:LINE: ...) and exit status 1.
BAD = {
    "broken_line.py": ("import tensorflow as tf\ncost =\ntf.reduce_mean([1.0])\n", 2,
                       "SyntaxError: invalid syntax; the statement goes on in the next "
                       "line: join them (a wrapped line?)"),
    "slim.py": ("import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n", 2,
                "import tensorflow.contrib.slim: TF-Slim is gone with tf.contrib, and "
                "its package (tf-slim 1.1.0) fails on TensorFlow 2.21: write the layers "
                "with keras.layers"),
    "learn.py": ("import tensorflow as tf\n\nds = tf.contrib.learn.datasets.load_dataset("
                 "'mnist')\n", 3, "tf.contrib.learn was removed: train with Keras "
                 "(keras.Sequential, fit), and read MNIST with input_data.read_data_sets"),
    "download.py": ("from keras.datasets import cifar10\n(x, y), _ = cifar10.load_data()\n",
                    2, "keras.datasets.cifar10.load_data() downloads it; this runner is "
                       "offline and ships MNIST only"),
    "name.py": ("import tensorflow as tf\nx = tf.placeholder(tf.float32)\nprnt(x)\n", 3,
                "NameError: name 'prnt' is not defined; did you mean 'print'?"),
    "keras2_decay.py": ("from keras.optimizers import SGD\nopt = SGD(lr=0.1, decay=1e-6)\n",
                        2, "Keras 3 ignores an optimizer's decay= (Keras 2's lr / (1 + "
                           "decay * step)): write learning_rate=keras.optimizers.schedules."
                           "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)"),
    "predict_classes.py": ("import tensorflow as tf\nm = tf.keras.Sequential()\n"
                           "print(m.predict_classes([[1.0]]))\n", 3,
                           "predict_classes was removed from Keras in TensorFlow 2.6: write "
                           "np.argmax(model.predict(x), axis=-1)"),
    "tf_model.py": ("import tensorflow as tf\ntf.model = tf.keras.Sequential()\n"
                    "tf.model.add(tf.keras.layers.Dense(2, input_dim=3))\n"
                    "tf.model.compile(optimizer=tf.keras.optimizers.SGD(lr=0.1), loss='mse')\n"
                    "tf.model.fiit([[1.0, 2.0, 3.0]], [[1.0, 0.0]], nb_epoch=1)\n", 5,
                    "AttributeError: 'Sequential' object has no attribute 'fiit'; did you "
                    "mean 'fit'?"),
}


def test_bad_programs_get_one_line_each(tmp_path):
    paths = {}
    for name, (text, _, _) in BAD.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text)
    results = run_forked_together([("mnist_keras.tf1", str(p)) for p in paths.values()],
                                  [None] * len(paths))
    for (name, (_, line, message)), result in zip(BAD.items(), results):
        assert _one_line(result) == (str(paths[name]), line, message), name
    missing = run_forked("mnist_keras.tf1", str(tmp_path / "nowhere.py"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"mnist-keras-tf1: {tmp_path / 'nowhere.py'}: no such file"


# %%tf1: text 002's first program in its four blocks, then a Keras 3 cell.
KERAS_CELL = """\
import keras
import tensorflow
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
model.compile("adam", keras.losses.CategoricalCrossentropy(from_logits=True))
history = model.fit(mnist.train.images, mnist.train.labels, epochs=1, verbose=0)
print("eager", tensorflow.executing_eagerly(), "keras loss", history.history["loss"][0])
"""


def test_tf1_cells_share_one_graph_and_keras_cells_stay_eager():
    blocks = [b for b in re.split(r"# %% \[\d/4\]\n",
                                  (PROGRAMS / "text002_first.py").read_text()) if b.strip()]
    assert len(blocks) == 4
    cells = ["%load_ext mnist_keras.tf1",
             "%%tf1 --show_changes --train_examples=1000 --test_examples=1000\n" + blocks[0],
             *("%%tf1\n" + block for block in blocks[1:]), "%%tf1 --to_keras\n# the cells above, as Keras", KERAS_CELL,
             "%%tf1\nsame = W.graph is X.graph\ntf.reset_default_graph()\n"
             "print(same, tf.constant(1.0).graph is W.graph)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.kernel_spec.argv = [sys.executable, str(REPO / "tests" / "forked_kernel.py"),
                                "-f", "{connection_file}"]
    manager.start_kernel(cwd=str(REPO), env={**os.environ,
                                             DIRECTORY_VARIABLE: str(CommandServer.directory)})
    try:
        nbclient.NotebookClient(notebook, km=manager, timeout=300).execute()
    finally:
        manager.shutdown_kernel(now=True)
    text = ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]
    assert "line 15: Renamed 'tf.placeholder' to 'tf.compat.v1.placeholder'" in text[1]
    assert text[3].count("Epoch: 00") == 15 and "Learning Finished!" in text[3]
    assert "Accuracy(test): " in text[4] and "Prediction:  [" in text[4]
    # --to_keras: the four cells' program, as Keras, printed (and put in the next cell)
    assert "keras.Sequential([" in text[5] and "proof: equal" in text[5]
    assert "# cells.py:" in text[5] and "/tmp" not in text[5]
    assert re.search(r"eager True keras loss \d", text[6])
    assert text[7].strip() == "True False"  # one graph for the four cells; a new one after
