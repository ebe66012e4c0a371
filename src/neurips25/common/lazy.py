"""Lazy public names for a study package, so ``import neurips25.<study>`` stays light.

The CLI imports every study on start-up (``neurips25 list``); heavy submodules (torch,
scikit-learn, transformers) load only when one of their names is first used.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves ``name`` from ``package.<exports[name]>``."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
