"""The assignment id joins assignments/, solutions/, graders/ and course_config.py."""

from __future__ import annotations

import nbformat

from autograder.solutions import read_sections, solution_cells, strip_solution_markers


def test_every_assignment_has_its_four_parts(layout):
    """Each configured assignment has a source notebook, a reference module and graders."""
    for assignment in layout.course().assignments:
        assert layout.source_notebook(assignment.id).is_file()
        assert layout.solution_module(assignment.id).is_file()
        assert any(layout.grader_dir(assignment.id).glob("test_*.py"))


def test_every_folder_belongs_to_a_configured_assignment(layout):
    """No notebook folder, grader folder or reference module exists without a config entry."""
    ids = {a.id for a in layout.course().assignments}
    found = {p.name for p in (layout.root / "assignments").iterdir() if p.is_dir()}
    found |= {p.name for p in (layout.root / "graders").iterdir() if p.is_dir()
              and not p.name.startswith((".", "__"))}
    found |= {p.stem for p in (layout.root / "solutions").glob("*.py")}
    assert found == ids


def test_reference_module_matches_the_notebook_solutions(layout):
    """solutions/<id>.py holds the source notebook's solution cells, marker lines removed."""
    for assignment in layout.course().assignments:
        nb = nbformat.read(layout.source_notebook(assignment.id), as_version=4)
        cells = solution_cells(nb)
        sections = read_sections(layout.solution_module(assignment.id))
        assert set(cells) == set(sections)
        for name, cell in cells.items():
            assert sections[name].strip() == strip_solution_markers(cell.source).strip(), name


def test_notebook_points_match_config(layout):
    """The graded cells' points add up to the points course_config.py announces."""
    for assignment in layout.course().assignments:
        nb = nbformat.read(layout.source_notebook(assignment.id), as_version=4)
        points = sum(float(c.metadata["nbgrader"]["points"]) for c in nb.cells
                     if c.metadata.get("nbgrader", {}).get("grade"))
        assert points == assignment.points
