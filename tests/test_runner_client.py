"""The judge's runner client: executes cells once, answers probes, survives failures."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import numpy as np
import pytest

from autograder.config import Limits
from autograder.judge import keras_files
from autograder.judge.client import (
    Cell,
    RunnerClient,
    RunnerCrashed,
    RunnerTimeout,
    StudentCodeError,
)

FAST = Limits(cell_seconds=10, probe_seconds=5, submission_seconds=60)


def run(*sources: str, limits: Limits = FAST, **options) -> RunnerClient:
    """A started client for these cells; no runtime pre-flight unless asked (no TensorFlow
    import, so each runner starts in a fraction of a second)."""
    options.setdefault("runtime_modules", ())
    client = RunnerClient([Cell(i, s) for i, s in enumerate(sources)], limits, **options)
    client.start()
    return client


def test_cells_produce_jupyter_outputs():
    """Printing, the last expression, display() and an exception become nbformat outputs."""
    with run("print('xin chào')\n41 + 1", "from IPython.display import display\ndisplay('d')",
             "1/0") as client:
        first, second, third = client.cell_runs
    assert first.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "xin chào\n"}
    assert first.outputs[1]["data"]["text/plain"] == "42"
    assert second.outputs[0]["output_type"] == "display_data"
    assert third.raised
    assert third.outputs[-1]["ename"] == "ZeroDivisionError"


def test_student_html_script_and_svg_never_leave_the_runner():
    """A cell's HTML, JavaScript, SVG and Markdown displays are dropped (they would run in the
    instructor's browser, in the formgrader or the feedback page); text and images stay."""
    cell = ("from IPython.display import HTML, SVG, Javascript, Markdown, display\n"
            "display(HTML('<script>alert(1)</script>'))\n"
            "display(Javascript('alert(2)'))\n"
            "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(3)"
            "</script></svg>'))\n"
            "display(Markdown('<img src=x onerror=alert(4)>'))\n"
            "class Page:\n"
            "    def _repr_html_(self):\n"
            "        return '<script>alert(5)</script>'\n"
            "Page()")
    with run(cell) as client:
        (ran,) = client.cell_runs
    kinds = {kind for output in ran.outputs for kind in output.get("data", {})}
    assert kinds <= {"text/plain", "image/png", "image/jpeg"}
    assert "alert" not in str(ran.outputs).replace("Javascript", "")
    assert any("__main__.Page" in str(o.get("data", {}).get("text/plain", "")) for o in ran.outputs)


def test_probe_reaches_the_notebook_namespace():
    """A probe calls a function the notebook defined, on arrays sent by the judge."""
    with run("def double(x):\n    return x * 2") as client:
        result = client.call("double", np.arange(3.0), tensors=False)
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0])


def test_student_exception_is_reported_not_raised_in_the_judge():
    """An exception in student code comes back as StudentCodeError with its type and text."""
    with run("def f():\n    raise ValueError('sai rồi')") as client:
        with pytest.raises(StudentCodeError, match="ValueError: sai rồi"):
            client.call("f")
        with pytest.raises(StudentCodeError, match="không định nghĩa `g`"):
            client.call("g")


def test_output_is_capped():
    """A cell that prints megabytes keeps only the configured number of characters."""
    limits = dataclasses.replace(FAST, output_chars=1000)
    with run("print('x' * 5_000_000)", limits=limits) as client:
        text = "".join(o.get("text", "") for o in client.cell_runs[0].outputs)
    assert len(text) < 1200
    assert "truncated" in text


def test_probe_timeout_kills_the_runner_and_the_next_probe_restarts_it():
    """A probe past its deadline is a timeout; the next probe gets a fresh runner."""
    limits = dataclasses.replace(FAST, probe_seconds=2)
    with run("import time\ndef slow():\n    time.sleep(60)\ndef ok():\n    return 1",
             limits=limits) as client:
        with pytest.raises(RunnerTimeout):
            client.call("slow")
        assert client.call("ok") == 1
        assert client.failures
        assert client.failures[0].startswith("timeout")


def test_runner_exit_is_a_crash_and_recovers():
    """os._exit inside a probe is a crash; the notebook is re-run for the next probe."""
    with run("import os\ndef die():\n    os._exit(3)\ndef ok():\n    return 2") as client:
        with pytest.raises(RunnerCrashed, match="exited with status 3"):
            client.call("die")
        assert client.call("ok") == 2


def test_runaway_cell_is_skipped_and_later_cells_still_run():
    """A cell that loops forever times out and is skipped; later definitions stay probe-able."""
    limits = dataclasses.replace(FAST, cell_seconds=2)
    with run("x = 1", "while True:\n    pass", "def f():\n    return x + 1",
             limits=limits) as client:
        statuses = [c.status for c in client.cell_runs]
        assert client.call("f") == 2
    assert statuses == ["ok", "timeout", "ok"]


def test_a_reply_without_its_probes_shape_is_the_runners_crash():
    """A runner whose probe answers with the wrong shape (here a patched probe table: the
    source policy keeps student cells from it, this test shows the judge's second line) is
    stopped as ``crashed`` before any check reads the reply; the next probe gets a fresh
    runner."""
    forged = ("import autograder.runner.probes as p\n"
              "p.PROBES['describe'] = lambda ns, **kw: {'layers': 'all of them', 'params': 7}")
    with run(forged, "def f():\n    return 1") as client:
        with pytest.raises(RunnerCrashed, match="does not have its shape"):
            client.probe("describe", builder="f", input_shape=[1, 2])
        assert client.call("f") == 1


def test_forged_reply_frames_are_detected():
    """Frames that student code writes to the protocol pipe are caught as a protocol break."""
    forge = (
        "import json, os, struct\n"
        "h = json.dumps({'ok': True, 'result': 20}).encode()\n"
        "def forge():\n"
        "    for fd in range(3, 20):\n"
        "        try:\n"
        "            os.write(fd, struct.pack('>QQ', len(h), 0) + h)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 1\n"
        "def ok():\n"
        "    return 5\n"
    )
    with run(forge) as client:
        with pytest.raises(RunnerCrashed, match="out of step"):
            client.call("forge")
        assert client.call("ok") == 5  # a fresh runner answers in step again


_KERAS_CELLS = (
    "import keras\nimport tensorflow as tf",
    "def halve(params, factor):\n"
    "    for p in params:\n"
    "        p.assign(p / factor)\n"
    "    return len(params)",
    "def count_step(params, X, y, lr):\n"
    "    params[0].assign_add(lr * tf.cast(tf.reduce_sum(y), params[0].dtype))\n"
    "    return tf.constant(float(X.shape[0]))\n"
    "def constant_forward(X, params):\n"
    "    return tf.zeros((X.shape[0], 1), dtype=params[0].dtype) + params[0]",
    "class Scale(keras.layers.Layer):\n"
    "    def __init__(self, factor=1.0, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.factor = factor\n"
    "    def call(self, inputs):\n"
    "        return inputs * self.factor\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), 'factor': self.factor}",
    "def regularized():\n"
    "    return keras.Sequential([keras.layers.Dense(\n"
    "        1, kernel_regularizer=keras.regularizers.L2(0.5))])",
    "class Shift(keras.layers.Layer):\n"
    "    def build(self, input_shape):\n"
    "        self.offset = self.add_weight(name='offset', shape=(input_shape[-1],),\n"
    "                                      initializer='zeros')\n"
    "        self.calls = self.add_weight(name='calls', shape=(), initializer='zeros',\n"
    "                                     trainable=False)\n"
    "    def call(self, inputs):\n"
    "        self.calls.assign_add(1.0)\n"
    "        return inputs + self.offset",
)


@pytest.fixture(scope="module")
def keras_runner():
    """One runner whose notebook defines the functions the Keras-side probes reach."""
    limits = dataclasses.replace(FAST, cell_seconds=60, probe_seconds=60)
    with run(*_KERAS_CELLS, limits=limits) as client:
        assert not any(cell.raised for cell in client.cell_runs)
        yield client


def test_call_update_returns_variables_after_an_in_place_update(keras_runner):
    """Lists of arrays at the named positions become tf.Variables; their new values come back."""
    params = [np.array([2.0, 4.0]), np.array(8.0)]
    result = keras_runner.probe("call_update", target="halve", args=[params, 2.0],
                                variables=[0])
    assert result["result"] == 2
    np.testing.assert_array_equal(result["variables"][0][0], [1.0, 2.0])
    np.testing.assert_array_equal(result["variables"][0][1], 4.0)


def test_train_loop_calls_the_student_step_per_minibatch(keras_runner):
    """The judge's loop visits every example once per epoch in minibatches, then runs forward."""
    x = np.zeros((10, 3))
    y = np.ones(10)
    result = keras_runner.probe("train_loop", step="count_step", forward="constant_forward",
                                x_train=x, y_train=y, x_eval=np.zeros((4, 3)), epochs=2,
                                batch_size=4, seed=0, step_kwargs={"lr": 0.5},
                                params=[np.array(0.0)])
    assert float(result["params"][0]) == 2 * 0.5 * 10  # every label seen once per epoch
    assert result["losses"] == [pytest.approx(10 / 3)] * 2  # mean batch size 4, 4, 2
    np.testing.assert_array_equal(result["outputs"], np.full((4, 1), 10.0))


def test_a_saved_layer_is_read_and_edited_by_the_judge_and_loaded_back(keras_runner):
    """The runner saves Input + the layer as .keras bytes; the judge reads the layer's config
    from the file as data, changes a hyperparameter, and the runner loads the edited file."""
    x = np.arange(6.0).reshape(2, 3)
    file = keras_runner.probe("saved_layer", target="Scale", input_shape=[3], dtype="float64",
                              init_kwargs={"factor": 3.0, "dtype": "float64"})["file"]
    assert file.dtype == np.uint8
    assert keras_files.layer_config(file, "Scale")["factor"] == 3.0
    reloaded = keras_runner.probe("load_layer", target="Scale", file=file, inputs=x)
    np.testing.assert_array_equal(reloaded["outputs"], 3 * x)
    edited = keras_files.with_layer_config(file, {"factor": -2.0}, "Scale")
    assert keras_files.layer_config(edited, "Scale")["factor"] == -2.0
    reloaded = keras_runner.probe("load_layer", target="Scale", file=edited, inputs=x)
    np.testing.assert_array_equal(reloaded["outputs"], -2 * x)


@pytest.mark.parametrize(("file", "why"), [
    (np.frombuffer(b"not a zip", dtype=np.uint8), "không phải tệp zip"),
    (None, "không có config.json"),
])
def test_a_keras_file_the_judge_cannot_read_is_the_students_failed_check(file, why):
    if file is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("metadata.json", "{}")
        file = np.frombuffer(out.getvalue(), dtype=np.uint8)
    with pytest.raises(AssertionError, match=why):
        keras_files.layer_config(file, "Scale")


def test_model_losses_follow_the_weights_the_judge_sets(keras_runner):
    """model.losses is read after set_weights, so the judge knows the weights it penalizes."""
    kernel = np.array([[1.0], [2.0]], dtype="float32")
    result = keras_runner.probe("model_losses", builder="regularized",
                                inputs=np.ones((3, 2), dtype="float32"),
                                weights=[kernel, np.array([7.0], dtype="float32")])
    np.testing.assert_array_equal(result["weights"][0], kernel)
    assert sum(float(v) for v in result["losses"]) == pytest.approx(0.5 * 5.0)


def test_tables_travel_as_csv_and_frames_come_back_as_columns():
    """call_tables parses the judge's CSV text into DataFrames; a DataFrame result comes back
    as named float columns, and a table with text columns is reported as the student's error."""
    cells = ("import pandas as pd",
             "def numeric(a, b, scale):\n"
             "    return pd.concat([a, b], ignore_index=True)[['x']] * scale, a, len(a)")
    with run(*cells, limits=dataclasses.replace(FAST, probe_seconds=30)) as client:
        first = "x,s\n1,a\n2,\n"
        result = client.probe("call_tables", target="numeric", tables=[first, "x,s\n3,c\n"],
                              args=[2.0])
        table = client.frame(result[0], "numeric")
        assert table.columns == ["x"]
        np.testing.assert_array_equal(table.column("x"), [2.0, 4.0, 6.0])
        with pytest.raises(StudentCodeError, match="không phải số"):
            client.frame(result[1], "numeric")
        with pytest.raises(StudentCodeError, match="không phải một DataFrame"):
            client.frame(result[2], "numeric")


def test_layer_probe_sets_weights_and_takes_one_input_per_call(keras_runner):
    """With `weights`, the layer is built on the first input and its weights set before the
    calls; each call gets its own input, and the weights come back by name after the calls."""
    inputs = [np.zeros((2, 3), dtype="float32"), np.ones((2, 3), dtype="float32")]
    result = keras_runner.probe("layer", target="Shift", inputs=inputs, calls=[{}, {}],
                                weights=[np.array([1.0, 2.0, 3.0], dtype="float32"),
                                         np.array(10.0, dtype="float32")])
    np.testing.assert_array_equal(result["outputs"][0], [[1.0, 2.0, 3.0]] * 2)
    np.testing.assert_array_equal(result["outputs"][1], [[2.0, 3.0, 4.0]] * 2)
    assert [(w["name"], w["trainable"]) for w in result["weights"]] == [
        ("offset", True), ("calls", False)]
    assert float(result["weights"][1]["value"]) == 12.0  # the build call ran before set_weights
    with pytest.raises(StudentCodeError, match="one input per call"):
        keras_runner.probe("layer", target="Shift", inputs=inputs, calls=[{}])
