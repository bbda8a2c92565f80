"""course_config.py loading, validation and profile selection."""

from __future__ import annotations

import pytest

from autograder.config import AssignmentProfile, ConfigError, Limits, detect_profile, load_course


def test_repository_config_loads(layout):
    """The repository's course_config.py lists the assignments in teaching order, each with
    both profiles and the provenance of its thresholds."""
    course = layout.course()
    assert [a.id for a in course.assignments] == [
        "01_perceptron", "02_activations", "03_dropout", "04_weight_decay", "05_kaggle_house",
        "06_cnn", "07_modern_cnn"]
    for assignment in course.assignments:
        for name in ("cpu", "gpu"):
            assert assignment.profile(name).measured, f"{assignment.id}/{name} lacks provenance"


def test_profile_order_cli_then_env_then_hardware():
    """An explicit profile wins over COURSE_PROFILE, which wins over detection."""
    assert detect_profile("gpu", {"COURSE_PROFILE": "cpu"}) == "gpu"
    assert detect_profile(None, {"COURSE_PROFILE": "gpu"}) == "gpu"
    assert detect_profile(None, {}) in ("cpu", "gpu")


def test_bad_profile_names_its_source():
    """A bad profile name says where it came from and what is allowed."""
    with pytest.raises(ConfigError, match="COURSE_PROFILE must be one of"):
        detect_profile(None, {"COURSE_PROFILE": "tpu"})


def test_limits_refuse_too_little_memory_for_tensorflow():
    """Limits below TensorFlow's ~2 GiB address space are a config error."""
    with pytest.raises(ConfigError, match="memory_mb >= 2048"):
        Limits(memory_mb=1024)


def test_profile_settings_are_read_only():
    """Recipes are frozen data: graders cannot change them mid-run."""
    profile = AssignmentProfile(recipe={"epochs": 3})
    with pytest.raises(TypeError):
        profile.recipe["epochs"] = 5  # type: ignore[index]


def test_missing_config_file_is_a_clear_error(tmp_path):
    """Loading a missing course_config.py names the path."""
    with pytest.raises(ConfigError, match="course config not found"):
        load_course(tmp_path / "course_config.py")
