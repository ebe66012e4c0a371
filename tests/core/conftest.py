import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "fake_studies", Path(__file__).with_name("fake_studies.py")
)
fake_studies = importlib.util.module_from_spec(_spec)
sys.modules["fake_studies"] = fake_studies
_spec.loader.exec_module(fake_studies)


@pytest.fixture
def fake_registry(monkeypatch):
    """Replace the study registry with the two fake studies."""
    from neurips25 import registry

    studies = {"fake_ok": fake_studies.OK_STUDY, "fake_crash": fake_studies.CRASH_STUDY}
    monkeypatch.setattr(registry, "STUDY_NAMES", tuple(studies))
    monkeypatch.setattr(registry, "_load", lambda name: studies.get(name))
    fake_studies.CALLS.clear()
    return fake_studies


@pytest.fixture
def st(monkeypatch):
    """``arms_for_tests``: functions importable by name in spawned pool workers, Ray
    workers and background jobs (the path goes to children through PYTHONPATH too)."""
    import os

    here = str(Path(__file__).parent)
    monkeypatch.syspath_prepend(here)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]))
    import arms_for_tests

    return arms_for_tests


@pytest.fixture
def terminal_sigint():
    """SIGINT handled as in a terminal (KeyboardInterrupt) for the test: CI runs pytest
    with SIGINT ignored, which children would inherit and a self-sent SIGINT would miss."""
    import signal

    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, outer)
