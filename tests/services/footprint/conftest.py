"""Shared fixtures: the sample study run once per session (its inventory takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocarbon.services.footprint import StudyResult, run_study

DEMO = Path(__file__).resolve().parents[3] / "src" / "zerocarbon" / "demo"
SAMPLE_STUDY = DEMO / "sample_footprint.yaml"


@pytest.fixture(scope="session")
def sample_result() -> StudyResult:
    return run_study(SAMPLE_STUDY, iterations=40)


@pytest.fixture(scope="session")
def sample_study() -> Path:
    return SAMPLE_STUDY
