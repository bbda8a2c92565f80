"""Reference solutions as sections keyed by notebook cell, and filling notebooks from them.

``solutions/<id>.py`` is importable Python split into sections, one per solution
cell of the source notebook::

    # %% [dropout_layer]
    def dropout_layer(X, dropout):
        ...

A section is the cell's source with nbgrader's ``### BEGIN SOLUTION`` /
``### END SOLUTION`` lines removed. Filling a released notebook's solution
cells from sections yields the reference submission; overriding one section
yields a known-buggy variant.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

from nbformat import NotebookNode

__all__ = [
    "fill_solutions",
    "read_sections",
    "solution_cells",
    "strip_solution_markers",
]

_SECTION = re.compile(r"^# %% \[(?P<name>[A-Za-z0-9_\-]+)\]\s*$", re.MULTILINE)
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def read_sections(path: Path) -> dict[str, str]:
    """Split a solutions file into ``{grade_id: source}``; text before the first marker is ignored.

    Raises:
        ValueError: if a section name repeats.
    """
    text = path.read_text()
    matches = list(_SECTION.finditer(text))
    sections: dict[str, str] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        name = match.group("name")
        if name in sections:
            raise ValueError(f"{path}: section [{name}] appears twice")
        sections[name] = text[match.end():end].strip("\n")
    return sections


def strip_solution_markers(source: str) -> str:
    """Remove nbgrader's solution-region marker lines from a cell's source."""
    lines = [line for line in source.splitlines() if not _MARKER.match(line)]
    return "\n".join(lines).strip("\n")


def solution_cells(nb: NotebookNode) -> dict[str, NotebookNode]:
    """The notebook's solution cells by ``grade_id``."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cells[str(meta["grade_id"])] = cell
    return cells


def fill_solutions(nb: NotebookNode, sections: Mapping[str, str]) -> NotebookNode:
    """Return a copy of ``nb`` whose solution cells hold the given sections.

    Cells without a section keep their source, so a partial mapping gives a
    partly answered notebook.

    Raises:
        KeyError: if a section names no solution cell of the notebook.
    """
    filled = copy.deepcopy(nb)
    cells = solution_cells(filled)
    unknown = sorted(set(sections) - set(cells))
    if unknown:
        raise KeyError(f"sections {unknown} match no solution cell; cells: {sorted(cells)}")
    for name, source in sections.items():
        cells[name].source = source
    return filled
