"""The one protocol every study implements: a Study, its Claims, and their Verdicts.

A study module exposes ``STUDY = Study(...)``. Its ``run(config, out_dir, progress)``
trains/measures, saves PNG figures into ``out_dir`` and returns a JSON-able metrics dict.
Each ``Claim.check(metrics)`` turns those metrics into ``(measured, verdict, reason)``.
The runner (``neurips25.runner``) adds the bookkeeping and writes ``result.json``.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.args import SEED_LIMIT
from neurips25.common.errors import UserError
from neurips25.common.progress import Progress

REPRODUCED = "reproduced"
PARTLY = "partly"
NOT_REPRODUCED = "not reproduced"
NOT_MEASURABLE = "not measurable here"
VERDICTS = (REPRODUCED, PARTLY, NOT_REPRODUCED, NOT_MEASURABLE)
# set by the framework only: a check that raised. Counted apart so a crash never hides
# among honest "not measurable here" verdicts.
CHECK_FAILED = "check failed"
# where a claim's bar comes from; every claim states one (Claim.bar)
BAR_SOURCES = ("paper", "a priori", "project target", "none")
PRESETS = ("quick", "full")
MAX_SEEDS = 100

Metrics = Mapping[str, Any]
CheckFn = Callable[[Metrics], "tuple[str, str, str]"]


@dataclass(frozen=True)
class Verdict:
    measured: str
    verdict: str
    reason: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass(frozen=True)
class Claim:
    """A headline claim of the paper as code.

    ``paper_figure`` is the paper's own number with its source, e.g. "slope -1.005 (Fig. 4)".
    ``check`` gets the metrics dict and returns (measured, verdict, reason); it must be
    able to fail: the verdict comes from the measurement, never from the claim text.
    ``bar`` says where the pass bar comes from: it starts with one of ``BAR_SOURCES``
    ("paper: spread 0.12 across profiles, Fig. 4", "a priori: chance is 0.5", ...).
    """

    id: str
    sentence: str
    paper_figure: str
    check: CheckFn
    bar: str = ""

    def evaluate(self, metrics: Metrics) -> dict[str, str]:
        row = {"id": self.id, "sentence": self.sentence, "paper_figure": self.paper_figure,
               "bar": self.bar}
        try:
            v = Verdict(*self.check(metrics))
            row.update(measured=v.measured, verdict=v.verdict, reason=v.reason)
        except Exception as exc:  # a broken check is reported apart, never hidden
            row.update(measured="n/a", verdict=CHECK_FAILED,
                       reason=f"check raised {type(exc).__name__}: {exc}")
        return row


def check_seed(seed: int | None, flag: str = "--seed") -> None:
    """A UserError unless ``seed`` is None or an integer with 0 <= seed < 2**32."""
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise UserError(f"{flag} must be an integer in 0..{SEED_LIMIT - 1}, got {seed!r}")


def not_measurable(reason: str) -> CheckFn:
    """A check for claims this machine cannot measure (no weights offline, no GPU...)."""
    return lambda _metrics: ("n/a", NOT_MEASURABLE, reason)


@dataclass(frozen=True)
class Study:
    name: str  # CLI name == package name
    title: str
    arxiv: str
    finding: str  # one line
    config_cls: type
    run: Callable[[Any, Path, Progress], dict[str, Any]]
    claims: tuple[Claim, ...]
    quick_runtime: str = "?"  # expected wall time of the quick preset on 2 cores
    figures_note: str = ""  # the figures a run writes, in words (shown under the study's figures)
    # work that ``reproduce`` may start in the background, on one core, long before the
    # study's turn (e.g. training a cached model): ``prepare(config)`` returns a picklable
    # zero-argument callable, or None when there is nothing to do. The study must give the
    # same result whether or not it ran (it only fills a cache the study would fill itself).
    prepare: Callable[[Any], Callable[[], Any] | None] | None = None

    def config(self, preset: str = "quick", seed: int | None = None,
               seeds: int | None = None, device: str | None = None) -> Any:
        """The preset's config, with the base ``seed``, the number of ``seeds`` and the torch
        ``device`` overridden.

        A study that runs several seeds has a ``seeds: int`` field in its Config (seed
        ``seed + i`` for i < seeds); ``seeds`` on a study without that field is an error.
        A torch study has a ``device: str`` field; any device but cpu on a study without
        one is an error.
        """
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
        check_seed(seed)
        if seeds is not None and (isinstance(seeds, bool) or not 1 <= seeds <= MAX_SEEDS):
            raise UserError(f"--seeds must be in 1..{MAX_SEEDS}, got {seeds}")
        cfg = getattr(self.config_cls, preset)()
        if seed is not None:
            cfg = dataclasses.replace(cfg, seed=seed)
        if seeds is not None:
            if "seeds" not in {f.name for f in dataclasses.fields(cfg)}:
                raise UserError(f"study {self.name} runs one seed; it takes no --seeds")
            cfg = dataclasses.replace(cfg, seeds=seeds)
        if device is not None:
            from neurips25.common.device import check_device

            check_device(device)
            if self.takes_device:
                cfg = dataclasses.replace(cfg, device=device)
            elif device != "cpu":
                raise UserError(f"study {self.name} runs on the CPU only; it takes no --device")
        return cfg

    @property
    def takes_seeds(self) -> bool:
        return "seeds" in {f.name for f in dataclasses.fields(self.config_cls)}

    @property
    def takes_device(self) -> bool:
        return "device" in {f.name for f in dataclasses.fields(self.config_cls)}

    def check_claims(self, metrics: Metrics) -> list[dict[str, str]]:
        return [c.evaluate(metrics) for c in self.claims]
