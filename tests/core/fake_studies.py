"""Tiny fake studies for testing the runner, CLI and report without real experiments."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from neurips25.common.plotting import plt, save_figure
from neurips25.study import NOT_REPRODUCED, REPRODUCED, Claim, Study

CALLS: list[str] = []


@dataclass(frozen=True)
class FakeConfig:
    size: int = 3
    seed: int = 0

    @classmethod
    def quick(cls) -> FakeConfig:
        return cls()

    @classmethod
    def full(cls) -> FakeConfig:
        return cls(size=5)


def _run_ok(config: FakeConfig, out_dir: Path, progress) -> dict:
    import numpy as np

    CALLS.append("ok")
    rng = np.random.default_rng(config.seed)
    values = [float(v) for v in progress.track(rng.normal(size=config.size), "values")]
    fig, ax = plt.subplots()
    ax.plot(values)
    save_figure(fig, out_dir / "values.png")
    return {"mean": float(np.mean(values)), "values": values}


def _run_crash(config: FakeConfig, out_dir: Path, progress) -> dict:
    CALLS.append("crash")
    raise RuntimeError("boom in the experiment")


def _check_mean(metrics) -> tuple[str, str, str]:
    m = metrics["mean"]
    verdict = REPRODUCED if m > -10 else NOT_REPRODUCED
    return f"{m:.3f}", verdict, "mean above -10"


def _check_broken(metrics) -> tuple[str, str, str]:
    return metrics["missing-key"], REPRODUCED, "never"


OK_STUDY = Study(
    name="fake_ok",
    title="A fake study",
    arxiv="0000.00000",
    finding="Numbers have a mean.",
    config_cls=FakeConfig,
    run=_run_ok,
    claims=(
        Claim("mean", "The mean is finite.", "mean ≈ 0 (Tab. 1)", _check_mean),
        Claim("broken", "A check that raises.", "n/a", _check_broken),
    ),
    quick_runtime="1 s",
)

CRASH_STUDY = Study(
    name="fake_crash",
    title="A crashing study",
    arxiv="0000.00001",
    finding="It crashes.",
    config_cls=FakeConfig,
    run=_run_crash,
    claims=(),
)
