"""Two arms, one finding (arXiv 2505.17638v2): tau_gen is flat in n, tau_mem grows ~ n.

(1) Random features at one diffusion time, in closed form (Sec. 4): train/test loss over
training time for several psi_n = n/d at psi_p >> psi_n, and the spectrum of U measured by
a dense eigensolver on a smaller instance (d = ``rf_spectrum_d``); one arm per psi_n.
(2) Real data: DDPM on n scikit-learn digits for several n (same model, batch, optimizer),
f_mem (d1/d2 < 1/3) and a classifier-feature Frechet distance at log-spaced steps, for
``seeds`` seeds (independent replicates on the same split). The (n, seed) members are
stacked into ``groups`` networks, one arm each. In the quick preset a member leaves its
stack at the first check where f_mem reaches ``f_thr`` (``stop_memorized``): its tau_mem is
the first crossing, so it cannot move; its curves end there.

Every arm runs through the common executor (``--executor``) with one torch thread, and
is kept in ``out_dir/arms``: a resumed run does not train a finished arm again.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import NullProgress, Progress
from neurips25.diffusion_memorization.digits_summary import summarize_seeds


@dataclass(frozen=True)
class Config:
    seed: int = 0
    seeds: int = 3  # digits replicates (seed, seed + 1, ...)
    # (1) random features: d, psi_p = p/d, the psi_n = n/d sweep, diffusion time t
    rf_d: int = 64
    rf_spectrum_d: int = 16  # dense eigendecomposition of U (p = psi_p * this) per psi_n
    rf_psi_p: float = 100.0
    rf_psi_ns: tuple[float, ...] = (4.0, 6.0, 8.0, 12.0, 16.0)
    rf_t: float = 0.1
    rf_gap: float = 0.5  # tau_mem: L_test - L_train reaches this (L(0) = 1)
    rf_tau_max: float = 1e5
    # (2) digits
    ns: tuple[int, ...] = (16, 32, 64)
    steps: int = 4000
    batch: int = 64
    width: int = 256
    blocks: int = 3
    lr: float = 1e-3
    # log-spaced checks (~1.26x apart) from 100: tau_gen (~400-650) and tau_mem (> 1500) lie
    # well above the first; the FD curve is flat before ~300
    first_check: int = 100
    n_checks: int = 17
    n_samples: int = 256
    ddim_steps: int = 50
    ema: float = 0.995
    k: float = 1 / 3
    f_thr: float = 0.05  # tau_mem: f_mem reaches this share (paper: threshold crossing)
    # a member stops training at the first check with f_mem >= f_thr: its tau_mem (the first
    # crossing) is then fixed, and its curves end there (the others' results are unchanged)
    stop_memorized: bool = True
    # members (n, seed) are stacked round-robin into this many networks, one arm each (the
    # split, not the executor, fixes each member's minibatches: results depend on it)
    groups: int = 2
    device: str = "cpu"  # torch device of the digits networks (``neurips25 run --device``)

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(rf_psi_p=200.0, rf_psi_ns=(4.0, 8.0, 16.0, 32.0), rf_tau_max=3e5,
                   rf_spectrum_d=24, ns=(16, 32, 64, 128, 256), steps=20_000,
                   first_check=50, n_checks=30,
                   n_samples=512, seeds=3, groups=5, stop_memorized=False)

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")
        if self.groups < 1:
            raise ValueError(f"groups must be >= 1, got {self.groups}")


def _rf_arms(cfg: Config) -> list[Any]:
    from neurips25.common.executor import Arm
    from neurips25.diffusion_memorization.rf_sweep import RFPoint, rf_point

    example = cfg.rf_psi_ns[len(cfg.rf_psi_ns) // 2]
    return [Arm(f"rf/psi_n={psi:g}", rf_point, (RFPoint(
        psi, d=cfg.rf_d, spectrum_d=cfg.rf_spectrum_d, psi_p=cfg.rf_psi_p, t=cfg.rf_t,
        gap=cfg.rf_gap, tau_max=cfg.rf_tau_max, seed=cfg.seed, example=psi == example),))
        for psi in cfg.rf_psi_ns]


def _groups(cfg: Config) -> list[tuple[tuple[int, int], ...]]:
    """Round-robin over the (n, seed) members, sorted by n, so every group gets the same
    number of members (within one) and a mix of sizes."""
    members = sorted((n, cfg.seed + i) for n in cfg.ns for i in range(cfg.seeds))
    k = max(1, min(cfg.groups, len(members)))
    return [tuple(members[i::k]) for i in range(k)]


def _digit_arms(cfg: Config) -> list[Any]:
    from neurips25.common.executor import Arm
    from neurips25.diffusion_memorization.train_digits import DigitsArm, train_group

    return [Arm(f"digits/group={i}", train_group, (DigitsArm(
        ns=tuple(n for n, _ in g), reps=tuple(r for _, r in g), steps=cfg.steps,
        batch=cfg.batch, width=cfg.width, blocks=cfg.blocks, lr=cfg.lr,
        first_check=cfg.first_check, n_checks=cfg.n_checks, n_samples=cfg.n_samples,
        ddim_steps=cfg.ddim_steps, k=cfg.k, ema=cfg.ema, seed=cfg.seed, device=cfg.device,
        stop_f_mem=cfg.f_thr if cfg.stop_memorized else 0.0),))
        for i, g in enumerate(_groups(cfg))]


def _collect(results: list[dict[str, Any]], cfg: Config) -> dict[str, Any]:
    by_seed: dict[int, dict[int, dict[str, Any]]] = {}
    for res in results:
        for key, run in res["runs"].items():
            n, rep = (int(x) for x in key.split("@"))
            by_seed.setdefault(rep, {})[n] = run
    out = summarize_seeds(by_seed, cfg.steps, cfg.f_thr)
    out["cpu_seconds_workers"] = sum(r["cpu_seconds"] for r in results)
    out["classifier_accuracy"] = results[0]["classifier_accuracy"]
    return out


def run_arms_of(cfg: Config, progress: Progress, rf: bool = True, digits: bool = True,
                cache_dir: Path | None = None) -> dict[str, Any]:
    """The digits groups (longest first) and the random-features points through the common
    executor; returns ``{"rf": ..., "digits": ...}`` for the parts asked for."""
    from neurips25.common.executor import run_arms
    from neurips25.diffusion_memorization.rf_sweep import rf_summary

    d_arms = _digit_arms(cfg) if digits else []
    r_arms = _rf_arms(cfg) if rf else []
    if d_arms:
        progress.log(f"digits: {len(d_arms)} stacked network(s), n = {list(cfg.ns)}, "
                     f"{cfg.seeds} seed(s), {cfg.steps} steps each, on {cfg.device}")
    done = run_arms(d_arms + r_arms, cache_dir=cache_dir, progress=progress,
                    description="digits DDPM + random features")
    out: dict[str, Any] = {}
    if r_arms:
        out["rf"] = rf_summary([done[a.key] for a in r_arms], cfg.rf_t, cfg.rf_tau_max)
    if d_arms:
        out["digits"] = _collect([done[a.key] for a in d_arms], cfg)
    return out


def run_random_features(cfg: Config, progress: Progress | None = None) -> dict[str, Any]:
    """The random-features sweep alone (nothing kept on disk)."""
    return run_arms_of(cfg, progress or NullProgress(), digits=False)["rf"]


def run_digits(cfg: Config, progress: Progress | None = None) -> dict[str, Any]:
    """The digits arm alone (nothing kept on disk)."""
    return run_arms_of(cfg, progress or NullProgress(), rf=False)["digits"]


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.diffusion_memorization.plots import plot_all

    metrics = run_arms_of(config, progress, cache_dir=Path(out_dir) / "arms")
    plot_all(metrics, Path(out_dir))
    return metrics
