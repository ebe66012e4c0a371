"""Two arms, one finding (arXiv 2505.17638): tau_gen is flat in n, tau_mem grows ~ n.

(1) Random features at one diffusion time, in closed form (Sec. 4): train/test loss over
training time for several psi_n = n/d at psi_p >> psi_n, and the spectrum of U measured by
a dense eigensolver on a smaller instance (d = ``rf_spectrum_d``).
(2) Real data: DDPM on n scikit-learn digits for several n (same model, batch, optimizer),
f_mem (d1/d2 < 1/3) and a classifier-feature Frechet distance at log-spaced steps, for
``seeds`` seeds (independent replicates on the same split).
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.progress import Progress
from neurips25.common.threads import threads
from neurips25.diffusion_memorization import timescales as ts
from neurips25.diffusion_memorization.digits_summary import ratio, summarize_seeds


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
    first_check: int = 50
    n_checks: int = 20
    n_samples: int = 256
    ddim_steps: int = 50
    ema: float = 0.995
    k: float = 1 / 3
    f_thr: float = 0.05  # tau_mem: f_mem reaches this share (paper: threshold crossing)
    workers: int = 2

    @classmethod
    def quick(cls) -> Config:
        return cls()

    @classmethod
    def full(cls) -> Config:
        return cls(rf_psi_p=200.0, rf_psi_ns=(4.0, 8.0, 16.0, 32.0), rf_tau_max=3e5,
                   rf_spectrum_d=24, ns=(16, 32, 64, 128, 256), steps=20_000, n_checks=30,
                   n_samples=512, seeds=3)

    def __post_init__(self) -> None:
        if self.seeds < 1:
            raise ValueError(f"seeds must be >= 1, got {self.seeds}")


def run_random_features(cfg: Config, progress: Progress) -> dict[str, Any]:
    from neurips25.diffusion_memorization import random_features as rf

    taus = np.logspace(-1, np.log10(cfg.rf_tau_max), 240)
    out: dict[str, Any] = {"psi_n": [], "tau_gen": [], "tau_mem": [], "pred_tau_gen": [],
                           "pred_tau_mem": [], "n_at_s2": [], "expected_at_s2": [],
                           "bulk_median": [], "bulk_range": [], "bulk_edges_pred": [],
                           "spectrum_p": [], "spike_gap": [],
                           "taus": taus[::4].tolist(), "train": [], "test": []}
    for psi_n in progress.track(cfg.rf_psi_ns, "random features", total=len(cfg.rf_psi_ns)):
        prob = rf.make_problem(cfg.rf_d, cfg.rf_psi_p, psi_n, cfg.rf_t, seed=cfg.seed)
        sol = rf.solve_flow(prob)
        train, test = sol.losses(taus)
        # the spectrum, measured: a dense eigensolver on the p x p matrix U itself (not the
        # low-rank solution, whose s_t^2 eigenvalues are filled in by construction)
        small = rf.make_problem(cfg.rf_spectrum_d, cfg.rf_psi_p, psi_n, cfg.rf_t, seed=cfg.seed)
        evals = np.linalg.eigvalsh(small.U)
        spec = rf.spectrum(small, evals)
        pg, pm = rf.predicted_timescales(prob.c, psi_n)
        out["psi_n"].append(psi_n)
        out["tau_gen"].append(ts.tau_gen_from_curve(taus, test))
        out["tau_mem"].append(ts.rf_tau_mem(taus, train, test, cfg.rf_gap))
        out["pred_tau_gen"].append(pg)
        out["pred_tau_mem"].append(pm)
        out["n_at_s2"].append(spec.n_at_s2)
        out["expected_at_s2"].append(small.p - small.n - small.d)
        out["spectrum_p"].append(small.p)
        out["spike_gap"].append(float(spec.spikes.min() / spec.bulk.max()))
        out["bulk_median"].append(float(np.median(spec.bulk)))
        out["bulk_range"].append([float(spec.bulk.min()), float(spec.bulk.max())])
        out["bulk_edges_pred"].append(list(spec.bulk_edges_pred))
        out["train"].append(train[::4].tolist())
        out["test"].append(test[::4].tolist())
        if psi_n == cfg.rf_psi_ns[len(cfg.rf_psi_ns) // 2]:
            out["spectrum_example"] = {"psi_n": psi_n, "evals": evals.tolist(),
                                       "s2": small.c.s2, "p": small.p, "n": small.n,
                                       "d": small.d, "edges_pred": list(spec.bulk_edges_pred)}
    c = rf.ge_constants(cfg.rf_t)
    out["constants"] = {"mu0": c.mu0, "mu1": c.mu1, "v2": c.v2, "s2": c.s2,
                        "sigma_r2": c.sigma_r2, "delta": c.delta}
    out["tau_gen_ratio"] = ratio(out["tau_gen"])
    out["tau_mem_loglog_slope"] = ts.loglog_slope(out["psi_n"], out["tau_mem"])
    out["tau_mem_over_psi_n"] = [m / p for m, p in zip(out["tau_mem"], out["psi_n"], strict=True)]
    return out


def _groups(cfg: Config, workers: int) -> list[tuple[tuple[int, int], ...]]:
    """Round-robin over the (n, seed) members, sorted by n, so every worker gets the same
    number of members and a mix of sizes."""
    members = sorted((n, cfg.seed + i) for n in cfg.ns for i in range(cfg.seeds))
    k = max(1, min(workers, len(members)))
    return [tuple(members[i::k]) for i in range(k)]


def _arms(cfg: Config) -> list[Any]:
    from neurips25.diffusion_memorization.train_digits import DigitsArm

    return [DigitsArm(ns=tuple(n for n, _ in g), reps=tuple(r for _, r in g), steps=cfg.steps,
                      batch=cfg.batch, width=cfg.width, blocks=cfg.blocks, lr=cfg.lr,
                      first_check=cfg.first_check, n_checks=cfg.n_checks,
                      n_samples=cfg.n_samples, ddim_steps=cfg.ddim_steps, k=cfg.k, ema=cfg.ema,
                      seed=cfg.seed)
            for g in _groups(cfg, cfg.workers)]


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


def run_both(cfg: Config, progress: Progress) -> tuple[dict[str, Any], dict[str, Any]]:
    """Digits in worker processes (one per group of n) while the main process solves the
    random-features sweep; with one worker everything runs in this process."""
    from neurips25.diffusion_memorization.train_digits import train_group

    arms = _arms(cfg)
    progress.log(f"digits: {len(arms)} worker(s), n = {list(cfg.ns)}, {cfg.steps} steps each")
    if len(arms) == 1:
        rf = run_random_features(cfg, progress)
        return rf, _collect([train_group(arms[0])], cfg)
    with ProcessPoolExecutor(len(arms), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(train_group, a) for a in arms]
        rf = run_random_features(cfg, progress)
        results = [f.result() for f in progress.track(futures, "digits DDPM", total=len(futures))]
    return rf, _collect(results, cfg)


def run_digits(cfg: Config, progress: Progress) -> dict[str, Any]:
    """The digits arm alone (one process per group of n when cfg.workers > 1)."""
    from neurips25.diffusion_memorization.train_digits import train_group

    arms = _arms(cfg)
    if len(arms) == 1:
        return _collect([train_group(arms[0])], cfg)
    with ProcessPoolExecutor(len(arms), mp_context=get_context("spawn")) as pool:
        return _collect(list(pool.map(train_group, arms)), cfg)


def run(config: Config, out_dir: Path, progress: Progress) -> dict[str, Any]:
    from neurips25.diffusion_memorization.plots import plot_all

    with threads(1):
        rf, digits = run_both(config, progress)
    metrics = {"rf": rf, "digits": digits}
    plot_all(metrics, Path(out_dir))
    return metrics
