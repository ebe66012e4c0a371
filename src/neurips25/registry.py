"""Which studies exist. A study's CLI name is its package name under ``neurips25``."""
from __future__ import annotations

import importlib

from neurips25.common.errors import UserError
from neurips25.study import Study

STUDY_NAMES: tuple[str, ...] = (
    "superposition",
    "suffix_decoding",
    "gated_attention",
    "deep_crl",
    "diffusion_memorization",
    "hivemind",
    "rlvr_passk",
    "oak",
    "transductive_online",
)


def _load(name: str) -> Study | None:
    try:
        module = importlib.import_module(f"neurips25.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"neurips25.{name}":
            return None  # not written yet
        raise
    return getattr(module, "STUDY", None)


def get_study(name: str) -> Study:
    if name not in STUDY_NAMES:
        raise UserError(f"unknown study {name!r}; choose from {', '.join(STUDY_NAMES)}")
    study = _load(name)
    if study is None:
        raise UserError(f"study {name!r} is not implemented yet")
    return study


def available_studies() -> list[Study]:
    """Every implemented study, in the registry's order."""
    return [s for s in (_load(n) for n in STUDY_NAMES) if s is not None]
