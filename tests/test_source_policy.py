"""The source policy: the judge reads each submitted cell and refuses the ones that reach
the runner's machinery or borrow a finished layer (autograder.judge.source_policy)."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

import nbformat
import pytest

from autograder.judge.source_policy import (
    POLICY_SUMMARY_VI,
    check_source,
    given_sources,
    load_rules,
    screen_notebook,
)
from autograder.solutions import fill_solutions, read_sections

from grading_helpers import REPO

#: Ways student code reaches the runner's pipes, its engine or the interpreter's internals.
MACHINERY = {
    "os_write": "import os\nos.write(1, b'{}')",
    "fd_open": "f = open(1, 'wb')",
    "proc_fd_path": "import numpy as np\nnp.asarray([1]).tofile('/proc/self/fd/1')",
    "dev_stdout_string": "path = '/dev/stdout'",
    "sys_stdout_buffer": "import sys\nsys.stdout.buffer.write(b'x')",
    "sys_modules": "import sys\nsys.modules['autograder.runner.probes'] = None",
    "engine_import": "from autograder.runner import probes",
    "dunder_import": "os = __import__('os')",
    "importlib": "import importlib\nos = importlib.import_module('os')",
    "exec_string": "exec('import os')",
    "eval_string": "eval('1')",
    "compile_code": "code = compile('x', 'f', 'eval')",
    "computed_getattr": "import tensorflow as tf\nf = getattr(tf, 'i' + 'o')",
    "getattr_dunder": "b = getattr(print, '__self__')",
    "subclasses_walk": "x = ().__class__.__bases__[0].__subclasses__()",
    "globals_dict": "g = globals()",
    "frame_walk": "import sys\nframe = sys._getframe()",
    "traceback_frame": "try:\n    1 / 0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame",
    "generator_frame": "g = (i for i in []).gi_frame",
    "ctypes": "import ctypes",
    "gc_objects": "import gc\nobjs = gc.get_objects()",
    "inspect": "import inspect",
    "tf_io": "import tensorflow as tf\ntf.io.write_file('x', 'y')",
    "tf_io_alias": "from tensorflow import io as tio\ntio.write_file('x', 'y')",
    "tf_py_function": "import tensorflow as tf\ny = tf.py_function(print, [1], tf.int32)",
    "numpy_save": "import numpy as np\nnp.save('x.npy', [1])",
    "private_module_attr": "import random\nos = random._os",
    "logger_stream": "import tensorflow as tf\ns = tf.get_logger().handlers[0].stream",
    "shell_escape": "!cat /etc/passwd",
    "line_magic": "%run other.py",
    "assigned_magic": "files = !ls",
    "keras_internals": "from keras.src import backend",
    "subprocess": "import subprocess",
    "builtins_name": "b = __builtins__",
    "patch_library_class": "import keras\nkeras.Model.count_params = lambda self: 269322",
    "patch_library_alias": "from keras import Model as M\nM.summary = None",
    "patch_numpy": "import numpy as np\nnp.allclose = lambda *a, **k: True",
    "setattr_library": "import keras\nsetattr(keras.layers.Dense, 'call', None)",
    "delete_library_attr": "import numpy as np\ndel np.testing",
    "lying_count_params": ("import keras\nclass Net(keras.Sequential):\n"
                           "    def count_params(self):\n        return 269322"),
    "lying_layers_property": ("import keras\nclass Net(keras.Model):\n    @property\n"
                              "    def layers(self):\n        return []"),
    "own_fit": ("import keras\nclass Net(keras.Sequential):\n"
                "    def fit(self, x, y, **kwargs):\n        return None"),
    "own_predict": ("import keras\nclass Net(keras.Model):\n"
                    "    def predict(self, x, **kwargs):\n        return x"),
    "own_train_step": ("import keras\nclass Net(keras.Model):\n"
                       "    def train_step(self, data):\n        return {}"),
    "figure_to_a_file": ("import matplotlib.pyplot as plt\nfig = plt.figure()\n"
                         "fig.savefig('x.svg')"),
    "text_dataset": "import tensorflow as tf\nd = tf.data.TextLineDataset(['x'])",
    "lying_losses_attribute": "class Net:\n    losses = [0.5]",
    "private_through_self": "def peek(self):\n    return self._seen_training\npeek(net)",
    "instance_patch": "def fake():\n    return 1\nmodel.count_params = fake",
}


@pytest.mark.parametrize("name", sorted(MACHINERY))
def test_machinery_access_is_refused(name):
    """Every known route to the runner's pipes or internals breaks a rule, named with its line."""
    violations = check_source(MACHINERY[name])
    assert violations, name
    assert all(v.rule != "forbidden" for v in violations)
    assert all(v.line >= 1 and v.message for v in violations)


#: Ordinary student code of this course: none of it may break a rule.
ALLOWED = {
    "layer_class": (
        "import keras\nimport tensorflow as tf\n\n"
        "class Dropout(keras.layers.Layer):\n"
        "    def __init__(self, rate, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.rate = rate\n"
        "    def call(self, inputs, training=None):\n"
        "        return inputs if not training else inputs * 2\n"
        "    def get_config(self):\n"
        "        return {**super().get_config(), 'rate': self.rate}\n"),
    "numpy_math": "import numpy as np\nimport math\nx = np.where(np.asarray([1.0]) > 0, 1, 0)\n"
                  "y = math.exp(1) + np.mean(x)",
    "literal_getattr": "import keras\nlayer = getattr(keras.layers, 'Dense')\n"
                       "ok = hasattr(layer, 'units')",
    "type_name": "n = type(1).__name__",
    "pandas_frame": "import pandas as pd\nd = pd.DataFrame({'a': [1]}).fillna(0)\n"
                    "t = pd.api.types.is_numeric_dtype(d['a'])",
    "warnings_and_print": "import warnings\nwarnings.warn('x', stacklevel=1)\nprint('ok')",
    "syntax_error": "def f(:\n",  # the runner reports it as the student's own error
    "module_level_weights": "weights = model.get_weights()\nlosses = []\n"
                            "def summary(history):\n    return history[-1]",
    "layer_sets_built": ("import keras\nclass L(keras.layers.Layer):\n"
                         "    def build(self, shape):\n        self.built = True"),
    "plot_settings": "import matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 80",
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_ordinary_course_code_is_allowed(name):
    assert check_source(ALLOWED[name]) == []


def test_every_reference_and_variant_section_keeps_the_policy():
    """The reference solutions and every variant break no machinery rule; only the variants
    written to break an "implement it yourself" rule break one."""
    breaking = {}
    for path in sorted(glob.glob(str(REPO / "solutions" / "*.py"))
                       + glob.glob(str(REPO / "tests" / "variants" / "*" / "*.py"))):
        assignment = Path(path).stem if "solutions" in path else Path(path).parent.name
        rules_path = REPO / "graders" / assignment / "source_rules.toml"
        rules = tomllib.loads(rules_path.read_text()) if rules_path.is_file() else {}
        for section, source in read_sections(Path(path)).items():
            violations = check_source(source, rules.get(section, {}))
            if violations:
                breaking[f"{Path(path).parent.name}/{Path(path).stem}:{section}"] = {
                    v.rule for v in violations}
    assert breaking == {"03_dropout/uses_keras_dropout:build_net": {"forbidden"},
                        "06_cnn/multi_in_out_calls_conv2d:corr2d_multi_in_out": {"forbidden"}}


FORBID = {"keras.layers.Dropout": "tự viết."}


@pytest.mark.parametrize("source", [
    "net = keras.layers.Dropout(0.5)",
    "class Dropout(keras.layers.Dropout):\n    pass",
    "from keras import layers as L\nnet = L.Dropout(0.5)",
    "from keras.layers import Dropout as D",
    "L = keras.layers\nnet = L.Dropout(0.5)",
    "import tensorflow as tf\nnet = tf.keras.layers.Dropout(0.5)",
    "D = keras.layers.Dropout",
])
def test_a_finished_layer_is_found_through_any_alias(source):
    assert [v.rule for v in check_source(source, FORBID)] == ["forbidden"]


@pytest.mark.parametrize("source", [
    "import tensorflow as tf\nY = tf.nn.conv2d(X[None], K, strides=1, padding='VALID')",
    "from tensorflow.nn import convolution\nY = convolution(X, K)",
    "import tensorflow as tf\nY = tf.raw_ops.Conv2D(input=X, filter=K, strides=[1] * 4, "
    "padding='VALID')",
    "import keras\nY = keras.ops.conv(X, K)",
    "from keras import ops\nY = ops.depthwise_conv(X, K)",
    "import tensorflow as tf\nlayer = tf.keras.layers.Conv2D(2, 3, use_bias=False)",
])
def test_06_cross_correlations_may_not_use_a_finished_convolution(source):
    """06's notebook asks for corr2d and its multi-channel forms from tensor operations: the
    library's convolutions are refused there, however they are reached."""
    rules = load_rules(REPO / "graders" / "06_cnn")
    for cell in ("corr2d", "corr2d_multi_in", "corr2d_multi_in_out"):
        assert "forbidden" in {v.rule for v in check_source(source, rules[cell])}, cell
    assert "pool2d" not in rules  # pooling with tf.nn is accepted (correct_shifted_slices)


def test_own_class_of_the_same_name_is_not_the_library_one():
    """`Dropout` defined by the student shadows an earlier `from keras.layers import Dropout`."""
    aliases = {"keras": "keras"}
    check_source("from keras.layers import Dropout", aliases=aliases)
    assert check_source("class Dropout(keras.layers.Layer):\n    pass\nd = Dropout(0.5)",
                        FORBID, aliases) == []


@pytest.fixture(scope="module")
def dropout_release():
    source = nbformat.read(REPO / "assignments" / "03_dropout" / "03_dropout.ipynb",
                           as_version=4)
    return source, fill_solutions(source, read_sections(REPO / "solutions" / "03_dropout.py"))


@pytest.mark.parametrize("assignment", sorted(p.stem for p in (REPO / "solutions").glob("*.py")))
def test_course_cells_are_exempt_and_the_reference_is_clean(assignment):
    """The notebook's own cells (including the locked test cells) and the reference pass."""
    source = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    reference = fill_solutions(source, read_sections(REPO / "solutions" / f"{assignment}.py"))
    rules_path = REPO / "graders" / assignment / "source_rules.toml"
    rules = tomllib.loads(rules_path.read_text()) if rules_path.is_file() else {}
    assert screen_notebook(reference, given_sources(source), rules) == {}


def test_a_violating_cell_costs_its_test_cell_and_is_held_back(dropout_release):
    """A solution cell that writes to the pipes, or one that borrows Keras' Dropout, is held
    back and charged to the next graded test cell, with the line and rule it breaks."""
    source, reference = dropout_release
    rules = tomllib.loads((REPO / "graders" / "03_dropout" / "source_rules.toml").read_text())
    attacked = fill_solutions(reference, {
        "dropout_layer": "import os\ndef dropout_layer(X, dropout):\n    os.write(1, b'')\n",
        "build_net": read_sections(REPO / "tests" / "variants" / "03_dropout"
                                   / "uses_keras_dropout.py")["build_net"],
    })
    screened = screen_notebook(attacked, given_sources(source), rules)
    owners = {cell.owner: {v.rule for v in cell.violations} for cell in screened.values()}
    assert owners == {"test_dropout_layer": {"import"},
                      "test_build_net": {"forbidden"}}
    texts = [cell.student_text() for cell in screened.values()]
    assert any("`os`" in text and "dòng 1" in text for text in texts)


def test_an_edited_course_cell_is_screened(dropout_release):
    """A student who rewrites one of the course's own cells is read like any other cell."""
    source, reference = dropout_release
    edited = nbformat.from_dict(reference)
    index = next(i for i, c in enumerate(edited.cells) if c.cell_type == "code"
                 and not c.metadata.get("nbgrader", {}).get("solution"))
    edited.cells[index].source += "\nimport os"
    assert list(screen_notebook(edited, given_sources(source))) == [index]


def test_weights_written_into_the_notebook_are_refused_even_split_over_cells(dropout_release):
    """Home-trained weights as literals: a 1,200-number table in each of two added cells is
    under the budget in the first and over it in the second (the budget is the notebook's);
    a long base64-looking string is refused on its own; the reference stays clean."""
    source, reference = dropout_release
    weights = "[" + ", ".join(["0.125"] * 1200) + "]"
    split = nbformat.from_dict(reference)
    first = next(i for i, c in enumerate(split.cells) if c.cell_type == "code")
    for offset, name in enumerate(("w1", "w2")):
        split.cells.insert(first + 1 + offset, nbformat.v4.new_code_cell(f"{name} = {weights}"))
    screened = screen_notebook(split, given_sources(source))
    assert list(screened) == [first + 2]
    (violation,) = screened[first + 2].violations
    assert violation.rule == "literals"
    assert "2.000 hằng số" in violation.message

    assert [v.rule for v in check_source("blob = '" + "QUJD" * 1001 + "'")] == ["literals"]
    assert screen_notebook(reference, given_sources(source)) == {}


#: Hostile cells the policy lets through: they reach nothing of the runner's machinery,
#: and the judge's value checks and the sandbox's limits answer them (tests/test_hostile.py).
POLICY_ALLOWS = {"lying_return_values", "infinite_loop", "long_sleep", "memory_blowup"}


def test_the_policy_stops_every_hostile_cell_that_reaches_the_machine():
    """Every attack of the hostile suite that touches files, processes, pipes or the
    interpreter breaks a rule; the others are the judge's and the sandbox's to answer."""
    from hostile_attacks import ATTACKS

    allowed = set()
    for attack in ATTACKS:
        sources = [source.replace("@PORT@", "1").replace("@COURSE@", "/course")
                   .replace("@MARKER@", "marker") for source in attack.cells]
        if not any(check_source(source) for source in sources):
            allowed.add(attack.name)
    assert allowed == POLICY_ALLOWS


def test_rules_files_load_and_a_broken_one_is_named(tmp_path):
    """Each assignment's rules file loads as {grade_id: {path: reason}}; a malformed one is
    an error that names the file and the expected shape."""
    rules = load_rules(REPO / "graders" / "03_dropout")
    assert rules["build_net"]["keras.layers.Dropout"]
    assert load_rules(tmp_path) == {}
    (tmp_path / "source_rules.toml").write_text("[build_net]\n\"keras.layers.Dropout\" = 3\n")
    with pytest.raises(ValueError, match="source_rules.toml.*dotted paths"):
        load_rules(tmp_path)


@pytest.mark.parametrize("assignment", sorted(p.name for p in (REPO / "assignments").iterdir()
                                              if p.is_dir()))
def test_every_notebook_states_the_policy_in_its_introduction(assignment):
    """The rules the judge enforces are the ones the student reads, word for word."""
    source = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    assert POLICY_SUMMARY_VI in source.cells[0].source
