"""Figures of the workload study (matplotlib only imported here); ``grouped_bars`` is shared
with the end-to-end figures."""
from __future__ import annotations

from pathlib import Path
from typing import Any

LABELS = {
    "suffix": "suffix (path)",
    "suffix-tree": "suffix (tree)",
    "suffix-no-global": "suffix, no global tree",
}
TPS = "tokens per verification step"


def _label(name: str) -> str:
    if name.startswith("prompt-lookup-k"):
        return f"prompt lookup k={name.removeprefix('prompt-lookup-k')}"
    if name.startswith("suffix-cap"):
        return f"suffix (path), cap {name.removeprefix('suffix-cap')}"
    return LABELS.get(name, name)


def grouped_bars(ax: Any, groups: list[str], series: dict[str, list[float]],
                 colors: dict[str, str] | None = None) -> None:
    """One bar per series side by side within each group (x tick = group)."""
    width = 0.8 / len(series)
    for j, (name, ys) in enumerate(series.items()):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(groups))]
        ax.bar(xs, ys, width, label=name, color=(colors or {}).get(name))
    ax.set_xticks(range(len(groups)), groups)


def save_figures(metrics: dict[str, Any], out_dir: Path) -> list[str]:
    from neurips25.common.plotting import plt, save_figure

    out: list[str] = []
    main, sweep, alpha = metrics["main"], metrics["cached_sweep"], metrics["alpha_sweep"]
    if main:
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        names, meths = list(main), list(next(iter(main.values())))
        grouped_bars(ax, names, {_label(m): [main[w][m]["tokens_per_step"] for w in names]
                                 for m in meths})
        ax.axhline(1.0, color="k", lw=0.8, ls=":")
        ax.set_ylim(0, 1.35 * max(v["tokens_per_step"] for r in main.values() for v in r.values()))
        ax.set(ylabel=TPS, title="Trace-driven acceptance: suffix decoding vs prompt lookup")
        ax.legend(ncol=3, loc="upper right")
        out.append(save_figure(fig, out_dir / "tokens_per_step.png").name)
    if sweep:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        for w, rows in sweep.items():
            line, = ax.plot([max(r["cached"], 0.5) for r in rows],
                            [r["tokens_per_step"] for r in rows], "o-", label=f"{w}: suffix (path)")
            for k, v in main.get(w, {}).items():
                if k.startswith("prompt-lookup"):
                    ax.axhline(v["tokens_per_step"], ls="--", lw=0.8, color=line.get_color(),
                               alpha=0.6)
        ax.set_xscale("log")
        ax.set(xlabel="cached responses in the global tree (0 drawn at 0.5)", ylabel=TPS,
               title="More cached responses, more accepted tokens\n(dashed: prompt lookup)")
        ax.legend()
        out.append(save_figure(fig, out_dir / "cached_responses.png").name)
    if alpha:
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        for w, rows in alpha.items():
            for tau in sorted({r["tau"] for r in rows}):
                sel = [r for r in rows if r["tau"] == tau]
                ax.plot([r["drafted_per_step"] for r in sel],
                        [r["accepted_per_step"] for r in sel], "o-", label=f"{w}, tau={tau}")
                for r in sel if tau == max(x["tau"] for x in rows) else []:
                    ax.annotate(f"a={r['alpha']:g}",
                                (r["drafted_per_step"], r["accepted_per_step"]),
                                fontsize=7, xytext=(3, -8), textcoords="offset points")
        lim = max(r["drafted_per_step"] for rows in alpha.values() for r in rows)
        ax.plot([0, lim], [0, lim], "k:", lw=0.8, label="all drafted accepted")
        ax.set(xlabel="drafted tokens per step", ylabel="accepted tokens per step",
               title="Larger alpha: more accepted, for more drafted")
        ax.legend(fontsize=7)
        out.append(save_figure(fig, out_dir / "alpha_tradeoff.png").name)
    return out
