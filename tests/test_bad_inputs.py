"""Every bad input the commands answer: its exact one-line message and its exit status.

Each row is a command as a user types it. The answer is one line on stderr, no
traceback, and nothing trained or written. The README's reliability line counts the rows
of ``CASES`` and ``FILE_CASES``.
"""

import gzip
import hashlib
import os
import shutil

import numpy as np
import pytest

from conftest import REPO, run_cli, run_in_process

STAGES = ("0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, "
          "21, 22, 23, sigmoid, softmax_hidden, keras_dropout, experts_softmax, experts_cnn, "
          "numpy_sigmoid, batch_norm, augmentation, schedule, all_images, conv_stack, "
          "weight_average, one_pass, elastic, wide, wide_elastic, "
          "wide_elastic_no_dropout, wide_average, wider, late_width")
PROC = "/proc/mnist_keras"  # a place no process can write, whoever runs it

# (what, command and flags, exit status, the line on stderr); {tmp} is a scratch dir.
CASES = [
    ("unknown stage", ["mnist_keras", "--stage=42"], 1,
     f"mnist_keras: error: flag --stage=42: Unknown stage '42'; valid stages: {STAGES}"),
    ("zero epochs", ["mnist_keras", "--epochs=0"], 1,
     "mnist_keras: error: flag --epochs=0: 0 is not a positive integer"),
    ("negative seed", ["mnist_keras", "--seed=-1"], 1,
     "mnist_keras: error: flag --seed=-1: -1 is not an integer in the range [0, "
     "4294967295]"),
    ("seed over 32 bits", ["mnist_keras", "--seed=4294967296"], 1,
     "mnist_keras: error: flag --seed=4294967296: 4294967296 is not an integer in the "
     "range [0, 4294967295]"),
    ("infinite rate", ["mnist_keras", "--learning_rate=inf"], 1,
     "mnist_keras: error: flag --learning_rate=inf: must be a finite number > 0"),
    ("NaN rate", ["mnist_keras", "--learning_rate=nan"], 1,
     "mnist_keras: error: flag --learning_rate=nan: must be a finite number > 0"),
    ("zero rate", ["mnist_keras", "--learning_rate=0"], 1,
     "mnist_keras: error: flag --learning_rate=0.0: must be a finite number > 0"),
    ("zero batch", ["mnist_keras", "--batch_size=0"], 1,
     "mnist_keras: error: flag --batch_size=0: 0 is not a positive integer"),
    ("zero examples", ["mnist_keras", "--train_examples=0"], 1,
     "mnist_keras: error: flag --train_examples=0: 0 is not a positive integer"),
    ("epochs and steps", ["mnist_keras", "--epochs=1", "--steps=5"], 1,
     "mnist_keras: error: flag --steps=5: give --epochs or --steps, not both"),
    ("unknown API", ["mnist_keras", "--api=v2"], 1,
     "mnist_keras: error: flag --api=v2: value should be one of <keras|v1>"),
    ("a weight average in TF1", ["mnist_keras", "--stage=15", "--api=v1",
                                 "--train_examples=100", "--model_dir={tmp}/average"], 1,
     "mnist_keras: error: stage 15 scores an average of its weights, which its TF1 graph "
     "does not keep: train it with --api=keras"),
    ("strategy with v1", ["mnist_keras", "--strategy=mirrored", "--api=v1"], 1,
     "mnist_keras: error: flags strategy=mirrored, api=v1: --strategy needs --api=keras "
     "(TF1 graphs had their own distributed runtime, not ported here)"),
    ("stray argument", ["mnist_keras", "--stage=5", "extra"], 1,
     "mnist_keras: error: unexpected argument 'extra'; flags are --name=value (see "
     "mnist_keras --helpshort)"),
    ("verbosity out of range", ["mnist_keras", "--verbose=3"], 1,
     "mnist_keras: error: flag --verbose=3: 3 is not an integer in the range [0, 2]"),
    ("unknown data source", ["mnist_keras", "--data=web"], 1,
     "mnist_keras: error: flag --data=web: value should be one of <idx|tfds>"),
    ("zero CPU devices", ["mnist_keras", "--cpu_devices=0"], 1,
     "mnist_keras: error: flag --cpu_devices=0: 0 is not a positive integer"),
    ("no data directory", ["mnist_keras", "--data_dir=/no/such/dir", "--model_dir={tmp}/r"],
     1, "mnist_keras: error: /no/such/dir: MNIST data directory does not exist"),
    ("a data file missing", ["mnist_keras", "--data_dir={tmp}/partial",
                             "--model_dir={tmp}/r"], 1,
     "mnist_keras: error: {tmp}/partial/t10k-labels-idx1-ubyte(.gz): missing; the "
     "directory needs all four MNIST IDX files: train-images-idx3-ubyte, "
     "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"),
    ("a corrupted data file", ["mnist_keras", "--data_dir={tmp}/corrupt",
                               "--model_dir={tmp}/r"], 1,
     "mnist_keras: error: {tmp}/corrupt/t10k-labels-idx1-ubyte: content SHA-256 "
     "{corrupt_sha} is not the official "
     "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 (corrupted or "
     "modified file)"),
    ("run directory is a file", ["mnist_keras", "--model_dir={tmp}/a_file"], 1,
     "mnist_keras: error: --model_dir={tmp}/a_file: {tmp}/a_file exists and is not a "
     "directory"),
    ("run directory unwritable", ["mnist_keras", f"--model_dir={PROC}/run"], 1,
     f"mnist_keras: error: --model_dir={PROC}/run: cannot write in /proc (No such file "
     "or directory)"),
    ("export root unwritable", ["mnist_keras", "--model_dir={tmp}/r", "--export",
                                f"--export_root={PROC}"], 1,
     f"mnist_keras: error: --export_root={PROC}: cannot write in /proc (No such file or "
     "directory)"),
    ("a run of another configuration", ["mnist_keras", "--stage=0", "--steps=2",
                                        "--learning_rate=0.5", "--model_dir={tmp}/run0"],
     1, "mnist_keras: error: {tmp}/run0 holds another run: hparams.learning_rate=0.1 (now "
        "0.5). Use another --model_dir, or --restart to discard it"),
    ("multi_worker without TF_CONFIG", ["mnist_keras", "--strategy=multi_worker",
                                        "--model_dir={tmp}/r"], 1,
     "mnist_keras: error: multi_worker needs TF_CONFIG (the cluster and this task); see "
     "the README"),
    ("a stage with no search space", ["mnist_keras.tune", "--stage=1",
                                      "--directory={tmp}/t"], 1,
     "mnist_keras.tune: error: stage '1' has no search space; stages with one: 2, 3, 4, "
     "5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
     "keras_dropout, experts_cnn, batch_norm, augmentation, schedule, all_images, conv_stack, "
     "weight_average, one_pass, elastic, wide, wide_elastic, "
     "wide_elastic_no_dropout, wide_average, wider, late_width"),
    ("no trial cap for random search", ["mnist_keras.tune", "--max_trials=0"], 1,
     "mnist_keras.tune: error: flags max_trials=0, tuner=random: --max_trials=0 (no cap) "
     "is for --tuner=hyperband"),
    ("multi_worker search", ["mnist_keras.tune", "--strategy=multi_worker"], 1,
     "mnist_keras.tune: error: flag --strategy=multi_worker: a search runs its trials "
     "under default or mirrored; keras-tuner's chief/worker mode spreads them over "
     "machines"),
    ("unknown stage in a ladder", ["mnist_keras.ladder", "--stages=0,x"], 1,
     f"ladder: error: flag --stages=['0', 'x']: Unknown stage 'x'; valid stages: {STAGES}"),
    ("unknown API in a ladder", ["mnist_keras.ladder", "--apis=keras,v2"], 1,
     "ladder: error: flag --apis=['keras', 'v2']: unknown API in ['keras', 'v2']; valid: "
     "keras, v1"),
    ("zero seeds", ["mnist_keras.ladder", "--seeds=0"], 1,
     "ladder: error: flag --seeds=0: 0 is not a positive integer"),
    ("no run directory", ["mnist_keras.export", "--run_dir=/no/such"], 1,
     "mnist_keras.export: error: /no/such: no such run directory"),
    ("export without --run_dir", ["mnist_keras.export"], 1,
     "mnist_keras.export: error: flag --run_dir=None: Flag --run_dir must have a value "
     "other than None."),
    ("an unfinished run", ["mnist_keras.export", "--run_dir={tmp}/unfinished"], 1,
     "mnist_keras.export: error: {tmp}/unfinished/metrics.json: missing (did the run "
     "finish?)"),
    ("no model", ["mnist_keras.predict", "--model=/no/such", "x.png"], 2,
     "predict: error: /no/such: no such model file or directory"),
    ("a garbage .tflite", ["mnist_keras.predict", "--model={tmp}/garbage.tflite", "x.png"],
     2, "predict: error: {tmp}/garbage.tflite: cannot load a TFLite model: The model is "
        "not a valid Flatbuffer buffer"),
    ("a directory without a SavedModel", ["mnist_keras.predict", "--model={tmp}",
                                          "x.png"], 2,
     "predict: error: {tmp}: no saved_model.pb, nor versions 1, 2, ... holding one"),
    ("nothing to predict", ["mnist_keras.predict", "--model={tmp}"], 1,
     "predict: error: give one or more image files (PNG, JPEG, ...) or .npy batches, or "
     "--test_split"),
    ("test split and files", ["mnist_keras.predict", "--model={tmp}", "--test_split",
                              "x.png"], 1,
     "predict: error: --test_split predicts the test images: give no files"),
    ("no weights file", ["mnist_keras.numpy_infer", "--weights={tmp}/none.npz"], 1,
     "numpy_infer: error: [Errno 2] No such file or directory: '{tmp}/none.npz'"),
    ("export without a model", ["mnist_keras.numpy_infer", "--weights={tmp}/w.npz",
                                "--export"], 1,
     "numpy_infer: error: --export needs --model=PATH/model.keras"),
]

# Files ``predict`` cannot use: each gets its line, and the other files are predicted.
FILE_CASES = {
    "text.png": "not a readable image: Unknown image file format. One of JPEG, JPEG XL, "
                "PNG, GIF, BMP, WebP required.",
    "empty.jpg": "empty file (0 bytes)",
    "blank.png": "blank image: no digit (contrast 0.000)",
    "missing.png": "No such file or directory",
    "a_directory": "Is a directory",
    "empty.npy": "shape (0, 28, 28): an empty batch, no image to predict",
    "nan.npy": "NaN or infinite values: expected floats in [0, 1]",
    "text.npy": "not a NumPy .npy file (no .npy header)",
    "shape.npy": "shape (2, 27, 27): expected [n, 28, 28] or [n, 784]",
    "bytes.npy": "float values in [0, 255]: expected [0, 1] (give uint8 for 0-255)",
    "int.npy": "dtype int64: expected uint8 (0-255) or float in [0, 1]",
}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, idx_dir, mnist_data):
    """The files the rows name, and the SHA-256 the corrupted one comes to."""
    tmp = tmp_path_factory.mktemp("bad")
    for name in ("partial", "corrupt"):
        shutil.copytree(idx_dir, tmp / name)
    os.remove(tmp / "partial" / "t10k-labels-idx1-ubyte.gz")
    labels = bytearray(gzip.decompress((tmp / "corrupt" / "t10k-labels-idx1-ubyte.gz")
                                       .read_bytes()))
    labels[100] ^= 1
    os.remove(tmp / "corrupt" / "t10k-labels-idx1-ubyte.gz")
    (tmp / "corrupt" / "t10k-labels-idx1-ubyte").write_bytes(bytes(labels))
    (tmp / "a_file").write_text("not a directory")
    (tmp / "garbage.tflite").write_bytes(os.urandom(2000))
    (tmp / "unfinished").mkdir()
    for name in ("hparams.json", "model.keras"):
        (tmp / "unfinished" / name).write_text("{}")
    _started_run(tmp / "run0", mnist_data)
    return tmp, hashlib.sha256(bytes(labels)).hexdigest()


def _started_run(path, data):
    """A run directory as ``mnist_keras --stage=0 --steps=2`` starts it (its record)."""
    from mnist_keras import nets
    from mnist_keras.execution import settings
    from mnist_keras.nets.hparams import override
    from mnist_keras.training import records
    from mnist_keras.training.run_dir import RunDir
    from stages import stage0

    hp = override(stage0.HParams(), steps=2)
    execution = settings.for_family(nets.family(hp).FAMILY)
    with RunDir(str(path)) as run_dir:
        run_dir.start(records.run_record("0", stage0.NAME, "keras", hp, data, execution), False)


def _filled(case, scratch):
    tmp, corrupt_sha = scratch
    fill = {"tmp": str(tmp), "corrupt_sha": corrupt_sha}
    what, args, status, line = case
    return [a.format(**fill) for a in args], status, line.format(**fill)


@pytest.fixture(scope="module")
def answered(scratch, bad_files, stage5_run):
    """Every row's answer, each command's rows in one Python (``run_in_process``); and
    ``predict``'s answer to every bad file and a good one, with the shared export."""
    commands = {}
    for case in CASES:
        commands.setdefault(case[1][0], []).append(case)
    invocations = {command: [_filled(case, scratch)[0][1:] for case in rows]
                   for command, rows in commands.items()}
    files = [str(bad_files / name) for name in [*FILE_CASES, "good.npy"]]
    invocations["mnist_keras.predict"].append([f"--model={stage5_run['version_dir']}",
                                               *files])
    found = run_in_process(invocations)
    rows = {case[0]: result for command, rows in commands.items()
            for case, result in zip(rows, found[command])}
    return rows, found["mnist_keras.predict"][-1]


@pytest.mark.parametrize("what, args, status, line", CASES, ids=[c[0] for c in CASES])
def test_a_bad_input_is_one_line(scratch, answered, what, args, status, line):
    _, status, line = _filled((what, args, status, line), scratch)
    result = answered[0][what]
    assert (result["status"], result["stderr"].strip()) == (status, line)
    assert not (scratch[0] / "r").exists()  # nothing created before the error


# One row of each command as a real process: the line is all it prints, with its status.
# Rows answered before TensorFlow loads, so each takes a fraction of a second.
REAL = ["unknown stage", "no trial cap for random search", "unknown stage in a ladder",
        "export without --run_dir", "nothing to predict", "export without a model"]
ONE_OF_EACH = [case for case in CASES if case[0] in REAL]


def test_every_command_has_a_row_run_as_a_real_process():
    assert sorted(case[1][0] for case in ONE_OF_EACH) == sorted({c[1][0] for c in CASES})


@pytest.mark.parametrize("case", ONE_OF_EACH, ids=[c[1][0] for c in ONE_OF_EACH])
def test_a_bad_input_ends_the_process_with_its_line_alone(scratch, case):
    args, status, line = _filled(case, scratch)
    result = run_cli(*args)
    assert (result.returncode, result.stderr, result.stdout) == (status, line + "\n", "")


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, mnist_data):
    """A file of each kind of ``FILE_CASES``, and ``good.npy`` of three test images."""
    tmp = tmp_path_factory.mktemp("files")
    (tmp / "text.png").write_text("not an image")
    (tmp / "empty.jpg").write_bytes(b"")
    import tensorflow as tf

    white = tf.fill([50, 50, 1], tf.constant(255, tf.uint8))
    tf.io.write_file(str(tmp / "blank.png"), tf.io.encode_png(white))
    (tmp / "a_directory").mkdir()
    np.save(tmp / "empty.npy", np.zeros((0, 28, 28), np.float32))
    np.save(tmp / "nan.npy", np.full((2, 28, 28), np.nan, np.float32))
    (tmp / "text.npy").write_text("1, 2, 3")
    np.save(tmp / "shape.npy", np.zeros((2, 27, 27), np.float32))
    np.save(tmp / "bytes.npy", mnist_data.test.images[:2].reshape(-1, 28, 28).round() * 255)
    np.save(tmp / "int.npy", np.zeros((2, 784), np.int64))
    np.save(tmp / "good.npy", mnist_data.test.images[:3])
    return tmp


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_a_bad_file_is_one_line_and_the_others_are_predicted(bad_files, answered, name):
    result = answered[1]
    assert result["status"] == 1 and "Traceback" not in result["stderr"]
    lines = result["stderr"].splitlines()
    assert len(lines) == len(FILE_CASES)
    assert f"predict: {bad_files / name}: error: {FILE_CASES[name]}" in lines
    assert [line.split(": ")[0] for line in result["stdout"].splitlines()] == [
        str(bad_files / "good.npy[0]"), str(bad_files / "good.npy[1]"),
        str(bad_files / "good.npy[2]")]


def test_the_readme_counts_this_table():
    kinds = len(CASES) + len(FILE_CASES)
    assert kinds >= 30
    assert f"**Reliability**: {kinds} kinds of bad input" in (REPO / "README.md").read_text()
