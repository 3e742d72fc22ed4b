"""``mnist-keras-tf1 --to_keras``: TF1 programs written as standalone Keras 3 programs,
read from the graphs they build, proved equal on the same weights (outputs and the
first steps' costs), and refused in one line where one Keras model cannot hold them."""

import ast
import re

from conftest import run_forked_together
from test_tf1 import (PROGRAMS, TEXT000_REDUECE, TEXT000_RIN, TEXT000_TAB, TEXT001_FIXES,
                      _program)

from mnist_keras.tf1 import description as d
from mnist_keras.tf1 import keras_writer, proof

# program -> the layers the graph reading finds, in order
LAYERS = {
    "text000.py": "Dense, Dense, Dense",
    "text001.py": "Dense, Dense, Dense",
    "text002_first.py": "Dense",
    "text002_last.py": ", ".join(["Dense, Dropout"] * 4 + ["Dense"]),
    "experts.py": "Reshape, Conv2D, MaxPooling2D, Conv2D, MaxPooling2D, Flatten, Dense, "
                  "Dropout, Dense",
}
FIXES = {"text000.py": [TEXT000_TAB, TEXT000_RIN, TEXT000_REDUECE], "text001.py": TEXT001_FIXES}
REFUSED = {  # program -> (its line, what the one line says)
    "refused_gan.py": (17, "two optimizers (lines 16, 17), as a GAN has"),
    "refused_while.py": (9, "tf.while_loop"),
    "refused_nearest.py": (0, "nothing is trained"),
    "refused_assign.py": (11, "a hand-written gradient (tf.assign)"),
}


def _imports(source: str) -> set[str]:
    return {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in (node.names if isinstance(node, ast.Import) else [node])
            for _ in [0]} | {node.module.split(".")[0] for node in ast.walk(ast.parse(source))
                             if isinstance(node, ast.ImportFrom)}


def test_the_programs_are_written_as_keras_and_proved_equal(tmp_path):
    paths = [_program(tmp_path, name, FIXES.get(name, ())) for name in LAYERS]
    outs = [str(tmp_path / f"keras_{name}") for name in LAYERS]
    results = run_forked_together(
        [("mnist_keras.tf1", f"--to_keras={out}", path) for out, path in zip(outs, paths)],
        [None] * len(paths))
    for name, out, result in zip(LAYERS, outs, results):
        assert result.returncode == 0, (name, result.stderr[-2000:])
        assert f"layers ({LAYERS[name]})" in result.stdout, (name, result.stdout)
        differences = re.findall(r"max \|difference\| (\S+) \(at most ([^):]+).* relative "
                                 r"difference (\S+) ", result.stdout.replace("\n", " "))
        assert differences and float(differences[0][0]) <= float(differences[0][1]), name
        assert float(differences[0][2]) <= 1e-4 and "proof: equal" in result.stdout, name
        written = open(out, encoding="utf-8").read()
        assert _imports(written) == {"keras", "numpy"}, name
        code = re.sub(r"#.*", "", written)  # what runs, not the TF1 lines it quotes
        for foreign in ("mnist_keras", "compat", "placeholder", "Session", "import tensorflow"):
            assert foreign not in code, (name, foreign)
        assert f"# {name}:" in written  # side by side: its lines quoted
    assert "trains 2 models one after another" in results[-1].stdout  # experts: the CNN


def test_the_written_program_runs_offline_and_prints_the_programs_lines(tmp_path):
    path = _program(tmp_path, "text002_first.py")
    out = tmp_path / "keras_first.py"
    [wrote] = run_forked_together([("mnist_keras.tf1", f"--to_keras={out}", path)], [None])
    assert wrote.returncode == 0, wrote.stderr[-2000:]
    # Keras' load_data served 6,000 images: the 5,000 TF1 held out, and 1,000 to train on.
    [ran] = run_forked_together([("mnist_keras.tf1", "--train_examples=6000",
                                  "--test_examples=1000", str(out))], [None])
    assert ran.returncode == 0, ran.stderr[-2000:]
    lines = ran.stdout.splitlines()
    assert len([x for x in lines if x.startswith("Epoch: 00")]) == 15
    for start in ("Learning Finished!", "Accuracy(train): ", "Accuracy(test): "):
        assert any(x.startswith(start) for x in lines), start


def test_what_one_keras_model_cannot_hold_gets_one_line_and_status_2(tmp_path):
    paths = [_program(tmp_path, name) for name in REFUSED]
    results = run_forked_together(
        [("mnist_keras.tf1", f"--to_keras={tmp_path / 'out.py'}", p) for p in paths],
        [None] * len(paths))
    for (name, (line, says)), path, result in zip(REFUSED.items(), paths, results):
        assert result.returncode == 2, (name, result.stderr[-2000:])
        [message] = [x for x in result.stderr.splitlines() if x.startswith("mnist-keras-tf1")]
        where = f"{path}:{line}:" if line else f"{path}:"
        assert message.startswith(f"mnist-keras-tf1: {where} one Keras model cannot hold"), (
            name, message)
        assert says in message and "Traceback" not in result.stderr, (name, message)
    assert not (tmp_path / "out.py").exists()


def test_a_description_is_written_apart_from_any_graph():
    normal = d.InitializerSpec("RandomNormal", (("mean", 0.0), ("stddev", 0.01)))
    model = d.ModelSpec(
        program="lab.py", source_lines=("X = tf.placeholder(tf.float32, [None, 784])",
                                        "W = tf.Variable(tf.random_normal([784, 10]))"),
        input_shape=(784,), input_line=1,
        layers=(d.LayerSpec("Reshape", (("target_shape", (28, 28, 1)),)),
                d.LayerSpec("Conv2D", (("filters", 4), ("kernel_size", (3, 3)),
                                   ("strides", (1, 1)), ("padding", "same"),
                                   ("activation", "relu"), ("kernel_initializer", normal),
                                   ("use_bias", False))),
                d.LayerSpec("Flatten"), d.LayerSpec("Dropout", (("rate", 0.3),)),
                d.LayerSpec("Dense", (("units", 10), ("kernel_initializer", normal),
                                  ("bias_initializer", d.InitializerSpec("Zeros")),
                                  ("kernel_regularizer", 0.0005)), lines=(2,))),
        loss=d.LossSpec(from_logits=False, one_hot=False, reduction="sum"),
        optimizer=d.OptimizerSpec("SGD", (("learning_rate", 0.5), ("momentum", 0.9))),
        training=d.Training(batch_size=50, epochs=None, steps=200))
    source = keras_writer.write(model, "out.py")
    assert "# lab.py:2  W = tf.Variable(tf.random_normal([784, 10]))" in source
    assert "steps_per_epoch=200" in source and "def batches(" in source
    built = proof.load(source, "out.py").build_model()
    assert [type(layer).__name__ for layer in built.layers] == [
        "Reshape", "Conv2D", "Flatten", "Dropout", "Dense"]
    assert built.count_params() == 3 * 3 * 4 + (28 * 28 * 4 * 10 + 10)
    assert type(built.loss).__name__ == "SparseCategoricalCrossentropy"
    assert built.loss.reduction == "sum" and len(built.losses) == 1  # the L2 term
    assert float(built.optimizer.momentum) == 0.9
