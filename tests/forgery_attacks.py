"""Forged submissions for the forgery suite (tests/test_forgery.py).

Each forgery is what a student who has read this engine's source could write to
earn points the answer does not deserve: take over the runner's protocol pipes,
rewrite the runner's probes, borrow the library's finished layer under another
name, or reach a banned module through an allowed-looking path. A forgery is
applied to a base notebook (the untouched release or the demo's partly wrong
answer): it either replaces one solution cell (``section``) or is inserted as a
new cell right after the imports (``section=None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.solutions import read_sections

_REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Forgery:
    """One forged notebook: ``source`` put into ``base`` of ``assignment``."""

    name: str
    assignment: str
    source: str
    section: str | None = None  # the solution cell it replaces; None: a new cell
    base: str = "release"       # or "partly_wrong"
    #: Also graded with the policy off, to show the forgery is real: it then scores more.
    works_without_policy: bool = False
    #: Also graded with the policy off, where a check that verifies evidence (not the
    #: policy) must keep it from scoring more than the base.
    fails_without_policy: bool = False


#: Answers every request on the runner's protocol pipes itself (fds found through /proc).
_PIPE_TAKEOVER = '''
import json, os, struct, threading

def _frames(requests):
    while True:
        head = requests.read(16)
        if len(head) < 16:
            return
        header_len, payload_len = struct.unpack(">QQ", head)
        yield json.loads(requests.read(header_len)), requests.read(payload_len)

def _answer_everything():
    pipes = [int(fd) for fd in os.listdir("/proc/self/fd")
             if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")]
    requests, replies = os.fdopen(pipes[0], "rb"), os.fdopen(pipes[1], "wb")
    for request, _ in _frames(requests):
        body = json.dumps({"ok": True, "result": {"passed": True}, "id": request.get("id")})
        replies.write(struct.pack(">QQ", len(body), 0) + body.encode())
        replies.flush()

threading.Thread(target=_answer_everything, daemon=True).start()
'''

#: 03: a fabricated `describe` (Keras' own layers, relabelled as the student's Dropout).
_FORGED_DESCRIBE = '''
import keras
import autograder.runner.probes as probes

_honest_describe = probes.PROBES["describe"]

def _keras_net(dropout1=0.2, dropout2=0.5, **_):
    return keras.Sequential([
        keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(dropout1), keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(dropout2), keras.layers.Dense(10)])

def _forged_describe(ns, builder, input_shape, kwargs=None, batch_sizes=None):
    model = _honest_describe({"net": _keras_net}, "net", input_shape, kwargs, batch_sizes)
    for run in [model, *model["runs"]]:
        for layer in run["layers"]:
            layer["ancestry"] = ["__main__." + layer["class"], *layer["ancestry"]]
    return model

probes.PROBES["describe"] = _forged_describe

def build_net(num_outputs=10, num_hiddens1=256, num_hiddens2=256, dropout1=0.2, dropout2=0.5):
    return _keras_net(dropout1, dropout2)
'''

#: Any assignment: patch the probe table through sys.modules, without naming the engine.
_PROBES_VIA_SYS_MODULES = '''
import sys
table = sys.modules["autograder.runner.probes"].PROBES
table["saved_layer"] = table["model_losses"] = table["keras_step"] = (
    lambda ns, **kwargs: {"passed": True})
'''

#: 03: Keras' Dropout under the student's class name.
_SUBCLASS_KERAS_DROPOUT = '''
from keras import layers as L

class Dropout(L.Dropout):
    """Keras' own dropout, renamed."""
'''

#: 07: Keras' BatchNormalization as the student's BatchNorm.
_SUBCLASS_KERAS_BATCHNORM = '''
import keras

Base = keras.layers
class BatchNorm(Base.BatchNormalization):
    def __init__(self, num_features=None, num_dims=4, **kwargs):
        super().__init__(**kwargs)
'''

#: 03: the finished dropout reached through a computed attribute name.
_COMPUTED_NAME = '''
import keras

def dropout_layer(X, dropout):
    return getattr(keras.random, "drop" + "out")(X, dropout, seed=None)
'''

#: 06: Keras' own convolution behind the student's corr2d, through the private Keras tree.
_PRIVATE_KERAS_TREE = '''
import tensorflow as tf
from keras.src.ops import nn as hidden_nn

def corr2d(X, K):
    X, K = tf.cast(X, "float32"), tf.cast(K, "float32")
    out = hidden_nn.conv(X[None, :, :, None], K[:, :, None, None], padding="valid")
    return out[0, :, :, 0]
'''

#: 03: a network whose `fit` trains a model of its own choosing on the data it is given and
#: whose `predict` answers with that model (a fabricated training result), behind a declared
#: architecture that cannot learn the task (a one-unit bottleneck). The judge trains a
#: rebuild of the declared layers itself, so neither override is ever called.
_OWN_FIT_AND_PREDICT = '''
import keras

class Net(keras.Sequential):
    def fit(self, x, y, **kwargs):
        self.shadow = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10)])
        self.shadow.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True))
        return self.shadow.fit(x, y, epochs=5, verbose=0)

    def predict(self, x, **kwargs):
        return self.shadow.predict(x, verbose=0)

def build_net(num_outputs=10, num_hiddens1=256, num_hiddens2=256, dropout1=0.2, dropout2=0.5):
    return Net([keras.layers.Flatten(), keras.layers.Dense(1), keras.layers.Dense(num_outputs)])
'''

#: 02: every reload answered with the layer built from what the judge asked to save (the
#: answer that won the config and reload checks when the runner reported them itself).
_LAZY_RELOAD = '''
import autograder.runner.probes as probes

_asked = {}
_honest_save = probes.PROBES["saved_layer"]

def _save(ns, target, input_shape, dtype="float32", init_args=None, init_kwargs=None):
    _asked[target] = (init_args or [], init_kwargs or {})
    return _honest_save(ns, target, input_shape, dtype, init_args, init_kwargs)

def _load(ns, target, file, inputs):
    args, kwargs = _asked[target]
    return {"outputs": probes.to_wire(ns[target](*args, **kwargs)(inputs))}

probes.PROBES["saved_layer"], probes.PROBES["load_layer"] = _save, _load
'''


def _forged_book_tables(assignment: str, sections: tuple[str, ...]) -> str:
    """Every `describe` answered with the book's own networks (copied from the reference
    solution's ``sections``), while the notebook's builders stay the release's stubs: a
    layer table, shapes and counts that are all right, and no model behind them."""
    book = "\n\n".join(source for name, source in read_sections(
        _REPO / "solutions" / f"{assignment}.py").items() if name in sections)
    return f'''
import keras
import tensorflow as tf
import autograder.runner.probes as probes

_BOOK = {{"keras": keras, "tf": tf}}
exec({book!r}, _BOOK)
_honest_describe = probes.PROBES["describe"]

def _forged_describe(ns, builder, input_shape, kwargs=None, batch_sizes=None):
    return _honest_describe(_BOOK, builder, input_shape, kwargs, batch_sizes)

probes.PROBES["describe"] = _forged_describe
'''


#: 06: the book's LeNet, AlexNet, VGG and NiN; 07: its GoogLeNet, ResNet-18 and DenseNet
#: (with the book's own Inception, Residual, DenseBlock and TransitionBlock).
_FORGED_BOOK_TABLES_06 = _forged_book_tables(
    "06_cnn", ("lenet", "alexnet", "vgg_block", "vgg", "nin_block", "nin"))
_FORGED_BOOK_TABLES_07 = _forged_book_tables(
    "07_modern_cnn", ("inception", "googlenet", "residual", "resnet", "dense_blocks",
                      "densenet"))

FORGERIES = (
    Forgery("pipe_takeover", "03_dropout", _PIPE_TAKEOVER),
    Forgery("pipe_takeover", "06_cnn", _PIPE_TAKEOVER),
    Forgery("pipe_takeover", "07_modern_cnn", _PIPE_TAKEOVER),
    # Until 03's rates were measured, the rates check read this table and the forgery won it
    # with the policy off; now every check of build_net goes through the verifier.
    Forgery("forged_describe", "03_dropout", _FORGED_DESCRIBE, section="build_net",
            fails_without_policy=True),
    Forgery("probes_via_sys_modules", "02_activations", _PROBES_VIA_SYS_MODULES,
            base="partly_wrong"),
    # The judge reads and edits the saved file itself: the reload must follow its edits.
    Forgery("lazy_reload", "02_activations", _LAZY_RELOAD, base="leaky_config_wrong_key",
            fails_without_policy=True),
    Forgery("probes_via_sys_modules", "04_weight_decay", _PROBES_VIA_SYS_MODULES,
            base="partly_wrong"),
    Forgery("own_fit_and_predict", "03_dropout", _OWN_FIT_AND_PREDICT, section="build_net",
            base="partly_wrong", fails_without_policy=True),
    Forgery("subclass_keras_dropout", "03_dropout", _SUBCLASS_KERAS_DROPOUT,
            section="dropout_class", base="partly_wrong"),
    Forgery("subclass_keras_batchnorm", "07_modern_cnn", _SUBCLASS_KERAS_BATCHNORM,
            section="BatchNorm", base="partly_wrong", works_without_policy=True),
    Forgery("computed_attribute_name", "03_dropout", _COMPUTED_NAME,
            section="dropout_layer", base="partly_wrong"),
    Forgery("private_keras_tree", "06_cnn", _PRIVATE_KERAS_TREE, section="corr2d",
            base="partly_wrong"),
    Forgery("forged_book_tables", "06_cnn", _FORGED_BOOK_TABLES_06, fails_without_policy=True),
    Forgery("forged_book_tables", "07_modern_cnn", _FORGED_BOOK_TABLES_07,
            fails_without_policy=True),
)
