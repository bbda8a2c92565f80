"""Write a judge report into a notebook the way nbgrader reads grades.

nbgrader scores a graded code cell from its outputs: zero if any ``error`` or
``stderr`` output is present, else the number in its first
``execute_result``, else full marks. So each graded test cell gets: the
runner's harmless outputs (stdout, displays), a Vietnamese line per check,
and one ``execute_result`` holding the judge's score. Stderr (TensorFlow and
absl logs) and errors from the public asserts are shown as plain text, so they
can never zero a cell; the judge alone decides the points.
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbformat import NotebookNode

from autograder.report import CheckResult, GradeReport
from autograder.verdicts import CellStatus, Status

__all__ = ["annotate_notebook", "feedback_lines"]


def annotate_notebook(nb: NotebookNode, report: GradeReport) -> NotebookNode:
    """Put the report's cell outputs and scores into ``nb`` (in place) and return it."""
    outputs = {cell.index: cell for cell in report.cells}
    checks_by_cell: dict[str, list[CheckResult]] = {}
    for check in report.checks:
        checks_by_cell.setdefault(check.cell, []).append(check)
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        ran = outputs.get(index)
        cell.outputs = [nbformat.from_dict(o) for o in ran.outputs] if ran else []
        if ran and ran.status is CellStatus.OK:
            count += 1
            cell.execution_count = count
        else:
            cell.execution_count = None
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            checks = checks_by_cell.get(str(meta.get("grade_id")), [])
            _score_cell(cell, checks, float(meta.get("points", 0)))
    return nb


def feedback_lines(checks: list[CheckResult]) -> list[str]:
    """One Vietnamese line per check: mark, points, and the message if it lost points."""
    lines = []
    for check in checks:
        mark = "✔" if check.status is Status.PASSED else "✘"
        line = f"{mark} {check.id} ({_fmt(check.score)}/{_fmt(check.max_score)} điểm)"
        if check.status is not Status.PASSED:
            line += f" [{check.status}] {check.message}"
        lines.append(line)
    return lines


def _score_cell(cell: NotebookNode, checks: list[CheckResult], max_points: float) -> None:
    kept: list[Any] = []
    for output in cell.outputs:
        kind = output.get("output_type")
        if kind == "error":
            kept.append(_text(f"(Kiểm tra công khai báo lỗi: {output.get('ename')}: "
                              f"{output.get('evalue')})"))
        elif kind == "stream" and output.get("name") == "stderr":
            kept.append(_text(output.get("text", "")))
        elif kind == "execute_result":
            kept.append(nbformat.v4.new_output("display_data", data=output.get("data", {})))
        else:
            kept.append(output)
    earned = min(sum(c.score for c in checks), max_points) if checks else 0.0
    header = f"Bộ chấm ẩn: {_fmt(earned)}/{_fmt(max_points)} điểm cho ô này."
    if not checks:
        header += " (Không có kiểm tra ẩn nào cho ô này; hãy báo cho giảng viên.)"
    kept.append(_text("\n".join([header, *feedback_lines(checks)]) + "\n"))
    kept.append(nbformat.v4.new_output("execute_result", data={"text/plain": _fmt(earned)},
                                       execution_count=cell.get("execution_count")))
    cell.outputs = kept


def _text(text: str) -> NotebookNode:
    output: NotebookNode = nbformat.v4.new_output("display_data", data={"text/plain": text})
    return output


def _fmt(value: float) -> str:
    return f"{value:g}"
