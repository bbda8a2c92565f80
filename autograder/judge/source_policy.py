"""The source policy: what a submitted cell may not contain, read by the judge itself.

TRUSTED SIDE. The judge reads the submitted notebook's file and checks the
source of every cell the student could have written before the runner sees
it; nothing the runner says is involved. A cell that breaks a rule is not
executed, and the checks of the graded test cell it belongs to (the cell
itself, or the next graded test cell below it) fail with the rule's Vietnamese
reason. Held back, the cell is as if it were not there: later cells that build
on it fail as they would without it, so breaking a rule never earns more than
leaving the cell unanswered (a cell that borrowed Keras' finished layer and
still ran would pass the later checks that build on "your" layer).

Two kinds of rules:

* **Runner machinery** (every assignment): student code may not reach the
  runner's own process machinery: its protocol pipes (file descriptors,
  ``/proc/self/fd``, ``sys.stdin``/``sys.stdout``), the engine's modules, the
  interpreter's internals. Concretely: imports only from :data:`ALLOWED_MODULES`;
  no ``exec``/``eval``/``compile``/``__import__``/``open``/``globals``/
  ``locals``/``vars``/``breakpoint``/``input``; ``getattr``/``setattr``/
  ``delattr``/``hasattr`` only with a literal, non-dunder name; no dunder
  attribute but ``__init__``/``__name__``/``__call__``/``__doc__``; no private
  attribute (``x._name``) of anything, ``self`` included (a parameter named
  ``self`` can be any object); no frame, code or
  traceback attributes; no file, process or foreign-code API of the allowed
  libraries (:data:`BANNED_ATTRIBUTES`, :data:`BANNED_PATHS`); no string
  naming ``/proc``, ``/dev`` or ``/sys``; no IPython magics or shell escapes;
  no assignment to (or ``setattr``/``del`` of) an attribute of an imported
  module or library class (``keras.Model.count_params = ...`` rewrites what
  the judge's probes read); no definition or assignment of the members the
  probes read off a layer or model or drive it with (:data:`PROBED_MEMBERS`:
  a model class whose ``count_params`` lies, or whose ``fit`` trains a model
  of its own choosing on the judge's data); in all the cells the student
  wrote together, no more than :data:`MAX_NOTEBOOK_NUMBERS` number literals
  and :data:`MAX_NOTEBOOK_CHARS` characters of string and bytes literals, and
  none longer than :data:`MAX_LITERAL_CHARS` (a network's weights trained at
  home on the public data and written into the notebook would make an
  accuracy check prove nothing; a budget for the whole notebook, so that
  splitting them over cells does not help).
* **Implement it yourself** (per assignment and cell, declared in the
  assignment's ``graders/<id>/source_rules.toml``, one table per solution
  cell's ``grade_id``): a cell that
  must build a layer by hand may not name the library's finished version
  (e.g. ``keras.layers.Dropout``), whatever alias it is reached through.

The rules are checked on the syntax tree after import aliases are resolved,
so ``from keras import layers as L; L.Dropout`` is ``keras.layers.Dropout``.
They close the routes known to reach the runner's pipes or to borrow a
finished layer; they are not a proof that no obfuscation exists, so they are
meant to sit beside checks that rest only on values the judge verifies
(README, "Trust model", says which checks do so today and which do not).

The judge (:mod:`autograder.judge.plugin`) screens every submission with
:func:`screen_notebook` unless the instructor turns the policy off
(``--source-policy off``: the sandbox's own tests do, to prove the sandbox
holds on its own).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ALLOWED_MODULES",
    "POLICY_SUMMARY_VI",
    "ScreenedCell",
    "Violation",
    "check_source",
    "given_sources",
    "load_rules",
    "screen_notebook",
]

#: Top-level modules a solution cell may import.
ALLOWED_MODULES = frozenset({
    "numpy", "tensorflow", "keras", "pandas", "matplotlib", "math", "random", "functools",
    "itertools", "collections", "typing", "dataclasses", "warnings", "time", "statistics",
})

#: Builtins that reach code, frames, files or the module system.
BANNED_BUILTINS = frozenset({
    "exec", "eval", "compile", "__import__", "open", "globals", "locals", "vars",
    "breakpoint", "input", "memoryview", "exit", "quit", "help", "get_ipython",
    "__builtins__", "__loader__", "__spec__", "__file__", "__class__",
})

#: Attribute-name builtins allowed only with a literal, non-dunder name.
_NAMED_ACCESS = frozenset({"getattr", "setattr", "delattr", "hasattr"})

#: Dunder attributes a layer or model class legitimately uses.
ALLOWED_DUNDERS = frozenset({"__init__", "__name__", "__call__", "__doc__"})

#: Attribute names that reach files, processes, frames or foreign code, on any object.
BANNED_ATTRIBUTES = frozenset({
    # interpreter internals: frames, code objects, tracebacks, generators
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next",
    "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "co_code",
    "co_consts",
    # modules that allowed libraries happen to hold
    "os", "sys", "subprocess", "io", "ctypes", "ctypeslib", "gc", "inspect", "importlib",
    "builtins", "socket", "shutil", "pathlib", "tempfile", "pickle", "marshal", "threading",
    "multiprocessing", "signal", "mmap", "fcntl", "pty", "resource", "atexit", "runpy",
    "f2py", "distutils", "compat", "lib",
    # files and streams
    "fileno", "buffer", "stream", "handlers", "tofile", "fromfile", "memmap", "save", "load",
    "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt", "fromregex",
    "load_model", "save_model", "save_weights", "load_weights", "get_file", "read_file",
    "write_file", "gfile", "to_csv", "to_json", "to_pickle", "to_parquet", "to_hdf",
    "to_excel", "to_feather", "to_stata", "to_sql", "to_html", "to_latex", "to_xml",
    "to_orc", "to_clipboard", "to_markdown", "read_pickle", "savefig", "imread", "imsave",
    "print_figure", "load_img", "save_img", "TextLineDataset", "TFRecordDataset",
    "FixedLengthRecordDataset", "list_files", "TextFileInitializer",
    # foreign code inside TensorFlow graphs
    "py_function", "numpy_function", "py_func", "raw_ops", "load_op_library", "load_library",
})

#: Dotted paths (after resolving aliases) that no cell may use.
BANNED_PATHS = (
    "tensorflow.io", "tensorflow.saved_model", "tensorflow.summary", "tensorflow.sysconfig",
    "tensorflow.train.Checkpoint", "tensorflow.data.experimental", "tensorflow.python",
    "tensorflow.debugging.experimental", "keras.src", "keras.saving", "keras.export",
    "keras.callbacks.ModelCheckpoint", "keras.callbacks.BackupAndRestore",
    "keras.callbacks.CSVLogger", "keras.callbacks.TensorBoard", "pandas.io",
    "pandas.read_csv", "pandas.read_table", "pandas.read_json", "pandas.read_parquet",
    "pandas.read_excel", "pandas.read_fwf", "pandas.read_hdf", "pandas.read_sql",
    "pandas.read_html", "pandas.read_xml", "numpy.load", "numpy.testing",
    "matplotlib.pyplot.savefig", "matplotlib.pyplot.imread", "matplotlib.pyplot.imsave",
)

#: Members of a Keras layer or model that the judge's probes read or drive (parameter
#: counts, layer tables, weights, penalties; the recipe's compile, fit and predict): no
#: cell may define or assign them. A model whose `fit` trained a model of its own choosing
#: on the judge's data, or whose `count_params` lied, would fake the check that reads it.
PROBED_MEMBERS = frozenset({
    "count_params", "layers", "weights", "trainable_weights", "non_trainable_weights",
    "variables", "trainable_variables", "non_trainable_variables", "losses", "get_weights",
    "set_weights", "summary", "compile", "fit", "predict", "evaluate", "train_step",
    "test_step", "predict_step", "train_on_batch", "test_on_batch", "predict_on_batch",
    "make_train_function", "make_predict_function", "make_test_function", "compute_loss",
})
_SYSTEM_PATH = re.compile(r"/(proc|dev|sys)\b|fd/[0-9]")
#: Literals the student's cells may hold together: far above any answer's constants (a
#: reference solution has a few hundred), far below a network's weights (LeNet: 61,706).
MAX_NOTEBOOK_NUMBERS = 2000
MAX_NOTEBOOK_CHARS = 20_000
MAX_LITERAL_CHARS = 4000


def _vi(number: int) -> str:
    return f"{number:,}".replace(",", ".")

#: The rules in one paragraph, as every notebook's introduction states them.
POLICY_SUMMARY_VI = (
    "Mọi ô mã bạn viết (ô lời giải hay ô bạn thêm vào) chỉ được `import` từ: "
    + ", ".join(sorted(ALLOWED_MODULES)) + ". "
    "Không dùng `exec`, `eval`, `compile`, `__import__`, `open`, `globals`, `locals`, "
    "`vars`, lệnh magic hay lệnh shell (`%`, `!`); `getattr`/`setattr` chỉ với tên viết "
    "sẵn; không truy cập thuộc tính dạng `__...__` (trừ "
    + ", ".join(f"`{name}`" for name in sorted(ALLOWED_DUNDERS)) + "), thuộc "
    "tính riêng `x._...` (kể cả của `self`), khung lệnh (frame), tệp, luồng vào/ra, "
    "`/proc`, `/dev`, hay các hàm đọc/ghi tệp của thư viện; không gán đè thuộc tính của "
    "thư viện (như `keras.Model.count_params = ...`) hay định nghĩa lại `count_params`, "
    "`layers`, `weights`, `losses`, `compile`, `fit`, `predict`, `train_step`... trong lớp "
    "của bạn; các ô bạn viết cộng lại không chứa quá " + _vi(MAX_NOTEBOOK_NUMBERS)
    + " hằng số hay " + _vi(MAX_NOTEBOOK_CHARS) + " ký tự chuỗi, không chuỗi nào dài quá "
    + _vi(MAX_LITERAL_CHARS) + " ký tự (không chép trọng số huấn luyện sẵn vào bài); "
    "ô mà đề bài yêu cầu tự viết "
    "không được dùng bản có sẵn của thư viện (ví dụ `keras.layers.Dropout`). Khi chấm, ô "
    "vi phạm không được chạy (như thể bị bỏ trống) và các phép kiểm tra của ô kiểm tra "
    "ngay sau nó bị mất điểm, kèm lý do."
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, which rule, and the Vietnamese reason the student reads."""

    line: int
    rule: str
    message: str

    def describe(self) -> str:
        """``dòng N: reason`` as the check's feedback shows it."""
        return f"dòng {self.line}: {self.message}"


#: Names the notebooks' import cells bind, known before any cell is read.
DEFAULT_ALIASES = {"keras": "keras", "tf": "tensorflow", "tensorflow": "tensorflow",
                   "np": "numpy", "numpy": "numpy", "pd": "pandas", "pandas": "pandas",
                   "plt": "matplotlib.pyplot"}


@dataclass
class LiteralCount:
    """Literals read so far in the student's cells: one count per notebook."""

    numbers: int = 0
    chars: int = 0


def check_source(source: str, forbidden: Mapping[str, str] | None = None,
                 aliases: dict[str, str] | None = None,
                 literals: LiteralCount | None = None) -> list[Violation]:
    """The rules ``source`` (one notebook cell) breaks, in line order; empty when none.

    Args:
        source: the cell's source as the notebook holds it (magics included).
        forbidden: extra dotted paths this cell may not use (``{path: why}``,
            Vietnamese), the assignment's "implement it yourself" rules.
        aliases: names bound to modules or their members by earlier cells
            (``{"L": "keras.layers"}``); updated with this cell's imports and
            assignments, so a notebook is read with one mapping, cell by cell.
            Default: :data:`DEFAULT_ALIASES`.
        literals: the literal count of the cells read before (updated); default: a
            new one, so the budget applies to this cell alone.
    """
    python, magic_lines = _without_magics(source)
    found = [Violation(line, "magic", "lệnh magic hay lệnh shell (`%`, `!`) không được phép "
                       "trong ô lời giải.") for line in magic_lines]
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return found  # the runner reports the syntax error as the student's own
    visitor = _PolicyVisitor(forbidden or {},
                             dict(DEFAULT_ALIASES) if aliases is None else aliases,
                             LiteralCount() if literals is None else literals)
    visitor.visit(tree)
    return sorted(found + visitor.found, key=lambda v: v.line)


def _without_magics(source: str) -> tuple[str, list[int]]:
    """The cell with IPython magic and shell lines blanked out, and their line numbers.

    Lines are blanked (not removed) so line numbers still match the cell.
    """
    lines = source.splitlines()
    magic = [i + 1 for i, line in enumerate(lines) if line.lstrip().startswith(("%", "!"))]
    kept = ["" if i + 1 in magic else line for i, line in enumerate(lines)]
    # `x = !ls` and `x = %time f()` assign a magic's result.
    for i, line in enumerate(kept):
        if re.match(r"^\s*[\w.,\s\[\]]+=\s*[%!]", line):
            magic.append(i + 1)
            kept[i] = ""
    return "\n".join(kept), sorted(magic)


class _PolicyVisitor(ast.NodeVisitor):
    def __init__(self, forbidden: Mapping[str, str], aliases: dict[str, str],
                 literals: LiteralCount) -> None:
        self.found: list[Violation] = []
        self.aliases = aliases
        self.forbidden = dict(forbidden)
        self.literals = literals

    def visit_Assign(self, node: ast.Assign) -> None:
        """``L = keras.layers`` makes ``L.Dropout`` read as ``keras.layers.Dropout``."""
        self.generic_visit(node)
        path = None
        if isinstance(node.value, ast.Attribute):
            path = self._dotted(node.value)
        elif isinstance(node.value, ast.Name):
            path = self.aliases.get(node.value.id)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if path is not None:
                    self.aliases[target.id] = path
                else:
                    self.aliases.pop(target.id, None)

    def _flag(self, node: ast.AST, rule: str, message: str) -> None:
        self.found.append(Violation(getattr(node, "lineno", 0), rule, message))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.aliases.pop(node.name, None)  # the student's own `Dropout` is not Keras'
        self.generic_visit(node)

    def _check_member_name(self, node: ast.AST, name: str) -> None:
        """A class member (or an attribute set on an object) that would override what the
        probes read; module-level names like ``weights = model.get_weights()`` are fine."""
        if name in PROBED_MEMBERS:
            self._flag(node, "introspection", f"không được định nghĩa hay gán `{name}`: bộ "
                       "chấm đọc nó từ lớp và mô hình của bạn.")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.aliases.pop(node.name, None)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.aliases.pop(node.name, None)
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                self._check_member_name(statement, statement.name)
            targets = statement.targets if isinstance(statement, ast.Assign) else \
                [statement.target] if isinstance(statement, ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Name):
                    self._check_member_name(statement, target.id)
        self.generic_visit(node)

    # imports ---------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            self._flag(node, "import", "không được import tương đối.")
            return
        self._check_module(node, module)
        for alias in node.names:
            if alias.name == "*":
                self._flag(node, "import", f"không được dùng `from {module} import *`.")
                continue
            path = f"{module}.{alias.name}"
            self._check_path(node, path)
            self.aliases[alias.asname or alias.name] = path

    def _check_module(self, node: ast.AST, module: str) -> None:
        top = module.split(".")[0]
        if top not in ALLOWED_MODULES:
            self._flag(node, "import", f"không được import `{module}` (chỉ các thư viện: "
                       f"{', '.join(sorted(ALLOWED_MODULES))}).")
            return
        self._check_path(node, module)

    # names and attributes --------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if node.id in BANNED_BUILTINS:
            self._flag(node, "builtin", f"không được dùng `{node.id}`.")
        elif node.id.startswith("__") and node.id.endswith("__") and node.id != "__name__":
            self._flag(node, "dunder", f"không được dùng tên `{node.id}`.")
        path = self.aliases.get(node.id)
        if path is not None and isinstance(node.ctx, ast.Load):
            self._check_path(node, path)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._check_store(node, attr, self._dotted(node))
        if attr.startswith("__") and attr.endswith("__"):
            if attr not in ALLOWED_DUNDERS:
                self._flag(node, "dunder", f"không được truy cập thuộc tính `{attr}`.")
        elif attr.startswith("_"):
            # Even on `self`: the name `self` proves nothing (`def peek(self): ...` called
            # on an object of the engine's), so no cell reads or writes private state.
            self._flag(node, "private", f"không được dùng thuộc tính riêng `.{attr}` (tên bắt "
                       "đầu bằng `_`), kể cả của `self`: hãy đặt tên không có `_` ở đầu.")
        if attr in BANNED_ATTRIBUTES:
            self._flag(node, "attribute", f"không được dùng `.{attr}` (tệp, tiến trình hay "
                       "phần bên trong của trình thông dịch).")
        path = self._dotted(node)
        if path is not None:
            self._check_path(node, path)
            self.generic_visit_chain(node)
            return
        self.generic_visit(node)

    def _check_store(self, node: ast.AST, attr: str, path: str | None) -> None:
        """Assigning ``attr`` on an object (``path``: its dotted path when it is reached from
        an imported module)."""
        if path is not None:
            self._flag(node, "monkeypatch", f"không được gán đè `{_canonical(path)}` (thuộc "
                       "tính của thư viện).")
        else:
            self._check_member_name(node, attr)

    def generic_visit_chain(self, node: ast.Attribute) -> None:
        """Visit a resolved dotted chain's inner attributes without re-checking its paths."""
        value = node.value
        while isinstance(value, ast.Attribute):
            attr = value.attr
            if attr in BANNED_ATTRIBUTES:
                self._flag(value, "attribute", f"không được dùng `.{attr}` (tệp, tiến trình "
                           "hay phần bên trong của trình thông dịch).")
            if attr.startswith("__") and attr.endswith("__") and attr not in ALLOWED_DUNDERS:
                self._flag(value, "dunder", f"không được truy cập thuộc tính `{attr}`.")
            value = value.value
        if isinstance(value, ast.Name) and value.id in BANNED_BUILTINS:
            self._flag(value, "builtin", f"không được dùng `{value.id}`.")

    def _dotted(self, node: ast.Attribute) -> str | None:
        """``a.b.c`` with ``a``'s import alias resolved, or ``None`` if not rooted in one."""
        parts: list[str] = []
        value: ast.expr = node
        while isinstance(value, ast.Attribute):
            parts.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in self.aliases:
            return None
        return ".".join([self.aliases[value.id], *reversed(parts)])

    def _check_path(self, node: ast.AST, path: str) -> None:
        path = _canonical(path)
        for banned in BANNED_PATHS:
            if path == banned or path.startswith(banned + "."):
                self._flag(node, "path", f"không được dùng `{path}` (đọc/ghi tệp hay mã "
                           "ngoài).")
                return
        for banned, why in self.forbidden.items():
            if path == banned or path.startswith(banned + "."):
                self._flag(node, "forbidden", f"không được dùng `{banned}`: {why}")
                return

    # calls and constants ---------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _NAMED_ACCESS:
            name = node.args[1] if len(node.args) > 1 else None
            literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
            if not literal:
                self._flag(node, "getattr", f"`{func.id}` chỉ được dùng với tên thuộc tính "
                           "viết sẵn (một chuỗi cố định).")
            elif isinstance(name, ast.Constant):
                attr = str(name.value)
                self._check_attribute_name(node, attr)
                if func.id in ("setattr", "delattr") and node.args:
                    owner = node.args[0]
                    path = self._dotted(owner) if isinstance(owner, ast.Attribute) else \
                        self.aliases.get(owner.id) if isinstance(owner, ast.Name) else None
                    self._check_store(node, attr, f"{path}.{attr}" if path is not None else None)
        self.generic_visit(node)

    def _check_attribute_name(self, node: ast.AST, attr: str) -> None:
        if attr.startswith("_") and attr not in ALLOWED_DUNDERS:
            self._flag(node, "getattr", f"không được truy cập thuộc tính `{attr}`.")
        elif attr in BANNED_ATTRIBUTES:
            self._flag(node, "attribute", f"không được dùng `.{attr}`.")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, int | float | complex) and not isinstance(node.value, bool):
            self.literals.numbers += 1
            if self.literals.numbers == MAX_NOTEBOOK_NUMBERS + 1:
                self._flag(node, "literals", f"các ô bạn viết có hơn {_vi(MAX_NOTEBOOK_NUMBERS)} "
                           "hằng số: không chép bảng số (như trọng số đã huấn luyện) vào bài.")
        if isinstance(node.value, str | bytes):
            text = node.value.decode(errors="replace") if isinstance(node.value, bytes) \
                else node.value
            if _SYSTEM_PATH.search(text):
                self._flag(node, "system-path", "không được nhắc tới `/proc`, `/dev`, `/sys` "
                           "hay bộ mô tả tệp.")
            if len(node.value) > MAX_LITERAL_CHARS:
                self._flag(node, "literals", f"chuỗi dài {_vi(len(node.value))} ký tự, quá "
                           f"{_vi(MAX_LITERAL_CHARS)}: không chép dữ liệu hay trọng số vào bài.")
            before = self.literals.chars
            self.literals.chars += len(node.value)
            if before <= MAX_NOTEBOOK_CHARS < self.literals.chars:
                self._flag(node, "literals", "các chuỗi trong các ô bạn viết dài hơn "
                           f"{_vi(MAX_NOTEBOOK_CHARS)} ký tự: không chép dữ liệu hay trọng số "
                           "vào bài.")


def _canonical(path: str) -> str:
    """``tf.keras.x`` and ``tensorflow.keras.x`` are ``keras.x`` (one Keras 3)."""
    for prefix in ("tensorflow.keras.", "tf.keras."):
        if path.startswith(prefix):
            return "keras." + path[len(prefix):]
    return path



_HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?",
                           re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class ScreenedCell:
    """A code cell the judge refuses to run: its index, its rules broken, whose checks pay."""

    index: int
    violations: tuple[Violation, ...]
    owner: str | None  # grade_id of the graded test cell whose checks this cell costs

    def student_text(self) -> str:
        """What the autograded notebook shows in place of the cell's output (Vietnamese)."""
        lines = "\n".join(f"  - {v.describe()}" for v in self.violations)
        return ("Ô này không được chạy khi chấm vì vi phạm quy tắc mã nguồn của khóa học "
                f"(xem phần giới thiệu của notebook):\n{lines}\n")


def screen_notebook(notebook: Mapping[str, Any], given_sources: Iterable[str],
                    forbidden: Mapping[str, Mapping[str, str]] | None = None,
                    skip: Callable[[Any], bool] = lambda cell: False,
                    ) -> dict[int, ScreenedCell]:
    """The code cells of ``notebook`` that break the policy, by notebook index.

    Args:
        notebook: the submitted notebook (nbformat 4).
        given_sources: sources of the cells the course itself wrote (non-solution
            code cells of the source notebook); a cell whose source is one of them
            is the course's, not the student's, and is not screened. A solution
            cell is always screened.
        forbidden: the assignment's "implement it yourself" rules, by the
            ``grade_id`` of the solution cell they apply to.
        skip: cells the judge does not execute at all (not screened either).
    """
    given = {_normal(text) for source in given_sources
             for text in (source, _HIDDEN_TESTS.sub("", source))}
    forbidden = forbidden or {}
    cells = list(notebook["cells"])
    screened: dict[int, ScreenedCell] = {}
    aliases = dict(DEFAULT_ALIASES)
    literals = LiteralCount()  # the course's own cells do not count
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code" or skip(cell):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = _text(cell["source"])
        if not meta.get("solution") and _normal(source) in given:
            check_source(source, aliases=aliases)  # the course's cell: only its imports count
            continue
        rules = forbidden.get(str(meta.get("grade_id")), {}) if meta.get("solution") else {}
        violations = check_source(source, rules, aliases, literals)
        if violations:
            screened[index] = ScreenedCell(index, tuple(violations), _owner(cells, index))
    return screened


#: File in ``graders/<id>/`` that holds an assignment's "implement it yourself" rules.
RULES_FILE = "source_rules.toml"


def load_rules(grader_dir: Path) -> dict[str, dict[str, str]]:
    """The assignment's "implement it yourself" rules: ``{grade_id: {dotted path: why}}``.

    An assignment without a rules file has none (only the machinery rules apply).

    Raises:
        ValueError: the file is not TOML of that shape (a grader bug, named with the file).
    """
    path = grader_dir / RULES_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc})") from exc
    rules: dict[str, dict[str, str]] = {}
    for cell, table in data.items():
        if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v for k, v in table.items()):
            raise ValueError(f"{path}: [{cell}] must map dotted paths to the Vietnamese "
                             'reason, e.g. "keras.layers.Dropout" = "tự viết dropout."')
        rules[str(cell)] = dict(table)
    return rules


def given_sources(source_notebook: Mapping[str, Any]) -> list[str]:
    """The course-written code cells of a source notebook (everything but solution cells)."""
    return [_text(cell["source"]) for cell in source_notebook["cells"]
            if cell["cell_type"] == "code"
            and not cell.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _owner(cells: list[Any], index: int) -> str | None:
    """The graded test cell a cell belongs to: itself, or the next one below it."""
    for cell in cells[index:]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            return str(meta.get("grade_id"))
    return None


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())
