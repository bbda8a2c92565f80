"""Execute notebook cells in one IPython shell and record nbformat outputs.

Runs on the untrusted side. The shell is a plain ``InteractiveShell`` (no
kernel, no ZMQ): magics, ``display()`` and the last-expression value work as in
Jupyter, and the student's namespace stays in this process so that the probes
can reach it afterwards. Whatever a cell does to the shell (input
transformers, hooks, formatters) only changes what this process reports; the
judge decides the grade from probe results, never from these outputs.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

__all__ = ["NotebookShell", "OutputLog"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TRUNCATED = "\n[... output truncated by the grader ...]\n"


class OutputLog:
    """Collects the outputs of one cell as nbformat dicts, within a size budget.

    Args:
        max_chars: characters kept over all outputs of the cell; what follows
            is dropped and a truncation note is left in its place.
    """

    def __init__(self, max_chars: int) -> None:
        self.outputs: list[dict[str, Any]] = []
        self._left = max_chars
        self._truncated = False

    def _take(self, text: str) -> str:
        if self._left <= 0:
            if not self._truncated:
                self._truncated = True
                return _TRUNCATED
            return ""
        kept = text[: self._left]
        self._left -= len(kept)
        if len(kept) < len(text):
            self._truncated = True
            kept += _TRUNCATED
        return kept

    def stream(self, name: str, text: str) -> None:
        text = self._take(text)
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output_type: str, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        kept = {str(k): self._take(v if isinstance(v, str) else repr(v)) for k, v in data.items()}
        if not any(kept.values()):
            return
        output: dict[str, Any] = {"output_type": output_type, "data": kept, "metadata": {}}
        if output_type == "execute_result":
            output["execution_count"] = None
        self.outputs.append(output)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        lines = [self._take(_ANSI.sub("", line)) for line in traceback[-20:]]
        self.outputs.append(
            {
                "output_type": "error",
                "ename": self._take(ename)[:200],
                "evalue": self._take(evalue)[:2000],
                "traceback": [line for line in lines if line],
            }
        )


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` of the runner: the running cell's log, else ``fallback``.

    Installed once, before any library is imported (as ipykernel's streams are
    in Jupyter), so a logging handler that keeps the stream it found at import
    time (TensorFlow's logger does) still writes into the cell that logs.
    """

    def __init__(self, shell: NotebookShell, name: str, fallback: Any) -> None:
        self._shell = shell
        self._name = name
        self._fallback = fallback

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            return 0
        if self._shell.log is not None:
            self._shell.log.stream(self._name, text)
        elif self._fallback is not None:
            self._fallback.write(text)
        return len(text)

    def flush(self) -> None:
        if self._shell.log is None and self._fallback is not None:
            self._fallback.flush()


class _Publisher(DisplayPublisher):
    def publish(self, data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> None:
        log = getattr(self.shell, "log", None)
        if log is not None and isinstance(data, dict):
            log.rich("display_data", data, metadata or {})

    def clear_output(self, wait: bool = False) -> None:
        return None


class _ResultHook(DisplayHook):
    def write_output_prompt(self) -> None:
        return None

    def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
        log = getattr(self.shell, "log", None)
        if log is not None and isinstance(format_dict, dict):
            log.rich("execute_result", format_dict, md_dict or {})

    def finish_displayhook(self) -> None:
        return None


class NotebookShell(InteractiveShell):
    """An IPython shell that records each cell's outputs instead of printing them."""

    log: OutputLog | None = None

    def __init__(self, **kwargs: Any) -> None:
        # No input history: a grading has nothing to keep, and its SQLite file needs the
        # file locks the sandbox refuses (autograder.judge.lock_filter).
        config = kwargs.pop("config", None) or Config()
        config.HistoryManager.enabled = False
        super().__init__(config=config, displayhook_class=_ResultHook,
                         display_pub_class=_Publisher, **kwargs)
        # Outside a cell (start-up, probes), writes go to the process's stderr: the
        # launcher's capped log, never the protocol pipe.
        self._streams = (_Stream(self, "stdout", sys.__stderr__),
                         _Stream(self, "stderr", sys.__stderr__))

    def route_std_streams(self) -> None:
        """Make ``sys.stdout``/``sys.stderr`` this shell's streams from now on."""
        sys.stdout, sys.stderr = self._streams

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        if self.log is not None:
            self.log.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    def run_notebook_cell(self, source: str, max_chars: int) -> tuple[list[dict[str, Any]], bool]:
        """Run one cell as Jupyter would.

        Args:
            source: the cell's code.
            max_chars: output budget for this cell.

        Returns:
            The cell's outputs in nbformat form and whether it raised.
        """
        log = OutputLog(max_chars)
        with self._recording(log):
            result = self.run_cell(source, store_history=True)
        return log.outputs, not result.success

    @contextmanager
    def _recording(self, log: OutputLog) -> Iterator[None]:
        saved = sys.stdout, sys.stderr
        self.log = log
        sys.stdout, sys.stderr = self._streams
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved
            self.log = None
