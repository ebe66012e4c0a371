"""Fixtures for the serve tests; helpers live in ``serve_helpers`` (importable by name)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("openai")

_spec = importlib.util.spec_from_file_location("serve_helpers",
                                               Path(__file__).with_name("serve_helpers.py"))
serve_helpers = importlib.util.module_from_spec(_spec)
sys.modules["serve_helpers"] = serve_helpers
_spec.loader.exec_module(serve_helpers)
build_tokenizer, save_model = serve_helpers.build_tokenizer, serve_helpers.save_model


HARD_TIMEOUT_S = 300  # per test: a hung server or client fails the test, never the suite


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(HARD_TIMEOUT_S))


@pytest.fixture(scope="session")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="session")
def models(tmp_path_factory, tokenizer) -> dict[str, Path]:
    """tiny (stops at <|end|>), noeos (never stops early), nochat (no chat template),
    long (no EOS, 4096 positions: generations that last seconds)."""
    root = tmp_path_factory.mktemp("serve-models")
    return {"tiny": save_model(root / "tiny", tokenizer),
            "noeos": save_model(root / "noeos", tokenizer, eos=False),
            "nochat": save_model(root / "nochat", tokenizer, chat=False),
            "long": save_model(root / "long", tokenizer, eos=False, positions=4096)}
