"""Figures of the experiment (matplotlib only here, imported lazily by ``run``)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from neurips25.common.plotting import plt, save_figure


def _colors(k: int) -> list[Any]:
    return [plt.cm.viridis(x) for x in np.linspace(0.05, 0.85, k)]


def plot_rf(rf: dict[str, Any], out: Path) -> None:
    taus = np.asarray(rf["taus"])
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    for c, psi, tr, te in zip(_colors(len(rf["psi_n"])), rf["psi_n"], rf["train"], rf["test"],
                              strict=True):
        ax[0].plot(taus, te, color=c, label=f"psi_n={psi:g} test")
        ax[0].plot(taus, tr, color=c, ls="--", lw=1)
        ax[1].plot(taus / psi, te, color=c, label=f"psi_n={psi:g}")
    ax[0].set(xscale="log", xlabel="training time tau", ylabel="loss (test solid, train dashed)",
              title="Random features: train/test loss", ylim=(0, 2.0))
    ax[1].set(xscale="log", xlabel="tau / psi_n", ylabel="test loss", ylim=(0.7, 2.0),
              title="test loss rise collapses on tau/psi_n")
    ax[0].legend(fontsize=7)
    psi = np.asarray(rf["psi_n"])
    ax[2].plot(psi, rf["tau_gen"], "o-", label="tau_gen (measured)")
    ax[2].plot(psi, rf["tau_mem"], "s-", label="tau_mem (measured)")
    ax[2].plot(psi, rf["pred_tau_gen"], ":", color="C0", label="1/(Delta mu1^2)")
    ax[2].plot(psi, rf["pred_tau_mem"], ":", color="C1", label="psi_n/(Delta sigma_r^2)")
    ax[2].set(xscale="log", yscale="log", xlabel="psi_n = n/d", ylabel="tau",
              title=f"timescales (log-log slope of tau_mem {rf['tau_mem_loglog_slope']:.2f})")
    ax[2].legend(fontsize=7)
    save_figure(fig, out / "rf_losses.png")

    ex = rf["spectrum_example"]
    ev = np.asarray(ex["evals"])  # all p eigenvalues, from a dense eigensolver
    at = np.abs(ev - ex["s2"]) <= 1e-6 * ex["s2"]
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.hist(np.log10(ev[~at]), bins=60, color="C0", alpha=0.8,
            label=f"{int((~at).sum())} eigenvalues off s_t^2 (theory n + d = {ex['n'] + ex['d']})")
    ax.axvline(np.log10(ex["s2"]), color="C3", lw=2,
               label=f"s_t^2: {int(at.sum())} eigenvalues (theory p - n - d = "
                     f"{ex['p'] - ex['n'] - ex['d']})")
    for e in ex["edges_pred"]:
        ax.axvline(np.log10(e), color="k", ls=":", lw=1)
    ax.set(xlabel="log10 eigenvalue of U", ylabel="count",
           title=f"spectrum of U (p={ex['p']}, psi_n={ex['psi_n']:g}); dotted: MP bulk edges")
    ax.legend(fontsize=7)
    save_figure(fig, out / "rf_spectrum.png")


def plot_digits(dg: dict[str, Any], out: Path) -> None:
    ns = dg["ns"]
    cols = _colors(len(ns))
    fig, ax = plt.subplots(1, 4, figsize=(16, 3.8))
    for c, n in zip(cols, ns, strict=True):
        r = dg["runs"][str(n)]
        ax[3].plot(r["steps"], r["test_loss"], "o-", ms=3, color=c, label=f"n={n} held-out")
        ax[3].plot(r["steps"], r["train_loss"], "--", color=c, lw=1)
        s = np.asarray(r["steps"])
        ax[0].plot(s, r["f_mem"], "o-", ms=3, color=c, label=f"n={n}")
        ax[0].fill_between(s, r["lo"], r["hi"], color=c, alpha=0.2)
        ax[1].plot(s / n, r["f_mem"], "o-", ms=3, color=c, label=f"n={n}")
        ax[2].plot(s, r["quality"], "o-", ms=3, color=c, label=f"n={n}")
        ax[2].axhline(r["fd_train_vs_heldout"], color=c, ls=":", lw=1)
    ax[2].axhline(dg["fd_bar"], color="k", ls="--", lw=1, label="common bar (tau_gen)")
    base = max(dg["heldout_baseline"])
    for a in ax[:2]:
        a.axhline(dg["f_thr"], color="k", ls="--", lw=1, label=f"threshold {dg['f_thr']}")
        a.axhline(base, color="C3", ls=":", lw=1, label=f"held-out baseline {base:.2f}")
    ax[0].set(xscale="log", xlabel="training step", ylabel="f_mem (95% bootstrap CI)",
              title="digits: memorized fraction")
    ax[1].set(xscale="log", xlabel="step / n", ylabel="f_mem", title="collapse on step / n")
    ax[2].set(xscale="log", yscale="log", xlabel="training step",
              ylabel="FD on classifier features", title="quality (dotted: FD of the train set)")
    ax[2].legend(fontsize=7)
    ax[3].set(xscale="log", yscale="log", xlabel="training step",
              ylabel="denoising loss (held-out solid, train dashed)", title="generalization gap")
    ax[3].legend(fontsize=7)
    ax[0].legend(fontsize=7)
    save_figure(fig, out / "digits_curves.png")

    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot(ns, dg["tau_gen"], "o-",
            label=f"tau_gen (FD reaches the common bar {dg['fd_bar']:.2f})")
    ax.plot(ns, dg["tau_gen_own_fd"], "x:", color="C0", label="time to 90% of own best FD")
    reached = [(n, t) for n, t in zip(ns, dg["tau_mem"], strict=True) if math.isfinite(t)]
    if reached:
        ax.plot(*zip(*reached, strict=True), "s", color="C1", ms=7,
                label=f"tau_mem (f_mem >= {dg['f_thr']})")
    for n, ok in zip(ns, dg["reached"], strict=True):
        if not ok:
            ax.plot([n], [dg["steps"]], "^", color="C1", mfc="none", ms=8)
    fit = dg.get("fit")
    if fit:
        x = np.linspace(0, max(ns) * 1.05, 50)
        ax.plot(x, fit["tau0"] + fit["c"] * x, "--", color="C1",
                label=f"fit {fit['tau0']:.0f} + {fit['c']:.1f} n (R^2 {fit['r2']:.2f})")
    ax.axhline(dg["steps"], color="gray", lw=1, ls=":", label="step budget (^: not reached)")
    ax.set(xlabel="training set size n", ylabel="training steps", title="digits: timescales vs n")
    ax.legend(fontsize=7)
    save_figure(fig, out / "digits_timescales.png")

    fig, axes = plt.subplots(2 * len(ns), 8, figsize=(8, 2.1 * len(ns)))
    for i, n in enumerate(ns):
        r = dg["runs"][str(n)]
        for j in range(8):
            for row, key in ((2 * i, "final_samples"), (2 * i + 1, "final_nearest")):
                a = axes[row, j]
                a.imshow(np.asarray(r[key][j]).reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
                a.set_xticks([]), a.set_yticks([])
                a.grid(False)
            if j == 0:
                axes[2 * i, 0].set_ylabel(f"n={n}\nsample", fontsize=7)
                axes[2 * i + 1, 0].set_ylabel("nearest\ntrain", fontsize=7)
    fig.suptitle("final DDIM samples and their nearest training digits")
    save_figure(fig, out / "digits_samples.png")


def plot_all(metrics: dict[str, Any], out: Path) -> None:
    plot_rf(metrics["rf"], out)
    plot_digits(metrics["digits"], out)
