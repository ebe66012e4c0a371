"""Figures of the workload study (matplotlib only imported here)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

LABELS = {
    "suffix": "suffix (path)",
    "suffix-tree": "suffix (tree)",
    "suffix-no-global": "suffix, no global tree",
}


def _label(name: str) -> str:
    if name.startswith("prompt-lookup-k"):
        return f"prompt lookup k={name.removeprefix('prompt-lookup-k')}"
    if name.startswith("suffix-cap"):
        return f"suffix (path), cap {name.removeprefix('suffix-cap')}"
    return LABELS.get(name, name)


def save_figures(metrics: dict[str, Any], out_dir: Path) -> list[str]:
    from neurips25.common.plotting import plt, save_figure

    out: list[str] = []
    main = metrics["main"]
    if main:
        names = list(main)
        meths = list(next(iter(main.values())))
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        width = 0.8 / len(meths)
        for j, m in enumerate(meths):
            xs = [i + (j - (len(meths) - 1) / 2) * width for i in range(len(names))]
            ys = [main[w][m]["tokens_per_step"] for w in names]
            ax.bar(xs, ys, width, label=_label(m))
        ax.axhline(1.0, color="k", lw=0.8, ls=":")
        top = max(v["tokens_per_step"] for w in names for v in main[w].values())
        ax.set_ylim(0, top * 1.35)
        ax.set_xticks(range(len(names)), names)
        ax.set_ylabel("tokens per verification step")
        ax.set_title("Trace-driven acceptance: suffix decoding vs prompt lookup")
        ax.legend(ncol=3, loc="upper right")
        save_figure(fig, out_dir / "tokens_per_step.png")
        out.append("tokens_per_step.png")
    sweep = metrics["cached_sweep"]
    if sweep:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        for w, rows in sweep.items():
            xs = [max(r["cached"], 0.5) for r in rows]
            line, = ax.plot(xs, [r["tokens_per_step"] for r in rows], "o-", label=f"{w}: suffix (path)")
            ref = main.get(w, {})
            for k, v in ref.items():
                if k.startswith("prompt-lookup"):
                    ax.axhline(v["tokens_per_step"], ls="--", lw=0.8, color=line.get_color(), alpha=0.6)
        ax.set_xscale("log")
        ax.set_xlabel("cached responses in the global tree (0 drawn at 0.5)")
        ax.set_ylabel("tokens per verification step")
        ax.set_title("More cached responses, more accepted tokens\n(dashed: prompt lookup)")
        ax.legend()
        save_figure(fig, out_dir / "cached_responses.png")
        out.append("cached_responses.png")
    alpha = metrics["alpha_sweep"]
    if alpha:
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        for w, rows in alpha.items():
            for tau in sorted({r["tau"] for r in rows}):
                sel = [r for r in rows if r["tau"] == tau]
                ax.plot([r["drafted_per_step"] for r in sel], [r["accepted_per_step"] for r in sel],
                        "o-", label=f"{w}, tau={tau}")
                for r in sel if tau == max(x["tau"] for x in rows) else []:
                    ax.annotate(f"a={r['alpha']:g}", (r["drafted_per_step"], r["accepted_per_step"]),
                                fontsize=7, xytext=(3, -8), textcoords="offset points")
        lim = max(r["drafted_per_step"] for rows in alpha.values() for r in rows)
        ax.plot([0, lim], [0, lim], "k:", lw=0.8, label="all drafted accepted")
        ax.set_xlabel("drafted tokens per step")
        ax.set_ylabel("accepted tokens per step")
        ax.set_title("Larger alpha: more accepted, for more drafted")
        ax.legend(fontsize=7)
        save_figure(fig, out_dir / "alpha_tradeoff.png")
        out.append("alpha_tradeoff.png")
    return out
