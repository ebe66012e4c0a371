"""One torch thread per test (restored afterwards); ``ngram_oracle`` importable by name."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from neurips25.common.threads import threads

if "ngram_oracle" not in sys.modules:  # tests run with --import-mode=importlib
    _spec = importlib.util.spec_from_file_location(
        "ngram_oracle", Path(__file__).with_name("ngram_oracle.py"))
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["ngram_oracle"] = _module
    _spec.loader.exec_module(_module)


@pytest.fixture(autouse=True)
def _one_thread():
    with threads(1):
        yield
