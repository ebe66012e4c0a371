"""Figures: M_tr against LD over every solved class, and the paper's adversary on trees."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from neurips25.common.plotting import plt, save_figure
from neurips25.transductive_online.search import Found

_STYLE = {"all_functions": ("tab:red", "s"), "thresholds": ("tab:orange", "^"),
          "minimal_tree": ("tab:purple", "D"), "random tree (Lemma D.2)": ("tab:pink", "v"),
          "4-point class": ("tab:green", "P"), "random": ("tab:gray", "."),
          "local search": ("tab:blue", "X"), "product": ("tab:cyan", "*"),
          "all classes": ("black", "o")}


def _kind(source: str) -> str:
    return next((k for k in _STYLE if source.startswith(k)), "random")


def mtr_vs_ld(found: list[Found], best: dict[int, Found], path: Path) -> Path:
    """Every (LD, M_tr) met, by family, with the smallest M_tr found per LD and sqrt(d),
    (2/3)d, d. Hollow stars: M_tr from additivity over factors (not solved whole)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    groups: dict[str, set[tuple[int, int, bool]]] = defaultdict(set)
    for f in found:
        groups[_kind(f.source)].add((f.ld, f.m_tr, f.exact))
    for i, (kind, pts) in enumerate(sorted(groups.items())):
        color, marker = _STYLE[kind]
        jitter = (i - len(groups) / 2) * 0.04
        for exact in (True, False):
            xs = [a + jitter for a, _, e in pts if e == exact]
            ys = [b for _, b, e in pts if e == exact]
            if xs:
                ax.scatter(xs, ys, color=color if exact else "none", edgecolors=color,
                           marker=marker, s=28, label=kind if exact or not any(
                               e for *_, e in pts) else None, zorder=3)
    d = np.linspace(1, max(best) if best else 1, 100)
    ax.plot(d, d, "k-", lw=1, label="d (standard game)")
    ax.plot(d, 2 * d / 3, "k--", lw=1, label="(2/3)d (earlier best)")
    ax.plot(d, np.sqrt(d), "k:", lw=1, label="sqrt(d) (paper's order)")
    lds = sorted(best)
    ax.plot(lds, [best[k].m_tr for k in lds], color="tab:blue", lw=1.5, alpha=0.5,
            zorder=2, label="smallest M_tr found per d")
    ax.set_xlabel("Littlestone dimension d")
    ax.set_ylabel("transductive mistake bound M_tr (exact)")
    ax.set_title("M_tr vs LD at small sizes (an illustration, not the asymptotics)")
    ax.text(0.99, 0.02, "hollow: M_tr summed over a product's factors (not solved whole)",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.3")
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    return save_figure(fig, path)


def paper_adversary(rows: list[dict], path: Path) -> Path:
    """Exact M_tr of Lemma D.2 tree classes vs what Algorithms 1-2 force."""
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    by_depth: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_depth[r["depth"]].append(r)
    depths = sorted(by_depth)
    for key, label, marker in (("ld", "LD", "s"), ("m_tr", "exact M_tr", "o"),
                               ("paper_adversary_tuned", "Alg. 1-2, best eps/M of a grid", "^"),
                               ("paper_adversary_default",
                                "Alg. 1-2, paper's eps/M (M = 1 at these d)", "v")):
        ys = [np.mean([r[key] for r in by_depth[d] if r[key] is not None] or [np.nan])
              for d in depths]
        ax.plot(depths, ys, marker=marker, label=label)
    ax.set_xticks(depths)
    ax.set_xlabel("tree depth D (LD = D + 1)")
    ax.set_ylabel("mistakes (mean over draws)")
    ax.set_title("Lemma D.2 tree classes, p = 2^-sqrt(D)")
    ax.legend(fontsize=7)
    return save_figure(fig, path)
