"""The paper's headline claims (arXiv 2505.06708v1) as checks on this machine's metrics.

Every arm runs for several seeds; a check judges the across-seed means, with 95% t
intervals on paired (same seed) differences, and reports every part of the run that has
the arms it needs (1 head, several heads, 2-layer FFN, text). Thresholds are fixed before
running and each claim says where its bar comes from (``bar``).
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from neurips25.common.stats import mean_ci, paired_diff_ci
from neurips25.study import (
    NOT_MEASURABLE,
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Claim,
    not_measurable,
)

SINK_X = 3.0  # a baseline sink: first-token share >= 3x the uniform share
FREE_X = 1.5  # sink-free: <= 1.5x uniform
Metrics = dict[str, Any]
PAIRS = {"sink": ("baseline", "g1_elementwise"), "mh": ("baseline", "g1_elementwise"),
         "act": ("act_baseline", "act_g1"), "text": ("text_baseline", "text_g1")}


def _label(part: str, block: dict[str, Any]) -> str:
    return {"sink": "1 head", "mh": f"{block.get('heads', '?')} heads", "act": "2-layer FFN",
            "text": "text"}[part]


def blocks(m: Metrics, parts: tuple[str, ...] = ("sink", "mh", "act")
           ) -> Iterator[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(label, block, baseline arm, G1 arm) for every part of the run that has both arms."""
    for part in parts:
        block = m if part == "sink" else m.get(part)
        if not block or "arms" not in block:
            continue
        base, g1 = PAIRS[part]
        if base in block["arms"] and g1 in block["arms"]:
            yield _label(part, block), block, block["arms"][base], block["arms"][g1]


def _seeds(arm: dict[str, Any], key: str) -> list[float]:
    return list(arm.get("per_seed", {}).get(key) or [arm[key]])


def _sink_status(block: dict[str, Any], base: dict[str, Any], g1: dict[str, Any]
                 ) -> tuple[str, str]:
    """("removed" | "halved" | "kept" | "no sink", measured text) for one part.

    A sink: the baseline's seed mean >= SINK_X uniform. Removed: G1's own 95% interval lies
    at or below FREE_X uniform and G1 is below the baseline on every seed (a paired t
    interval on the drop would mostly measure how strongly each baseline seed sank)."""
    u = block["uniform_share"]
    b, g = _seeds(base, "first_token_share"), _seeds(g1, "first_token_share")
    g_ci = mean_ci(g)
    bm = sum(b) / len(b)
    lower_everywhere = all(x > y for x, y in zip(b, g, strict=True))
    text = f"{bm / u:.1f}x -> {g_ci.mean / u:.1f}x uniform"
    if bm < SINK_X * u:
        return "no sink", text
    if lower_everywhere and (g_ci.hi <= FREE_X * u or (g_ci.n < 2 and g_ci.mean <= FREE_X * u)):
        return "removed", text
    if lower_everywhere and g_ci.mean < bm / 2:
        return "halved", text
    return "kept", text


def check_sink(m: Metrics) -> tuple[str, str, str]:
    rows = [(label, *_sink_status(block, b, g)) for label, block, b, g in blocks(m)]
    if not rows:
        return "n/a", NOT_MEASURABLE, "no part of this run trained a baseline and a G1 arm"
    n = len(_seeds(next(blocks(m))[2], "first_token_share"))
    measured = "; ".join(f"{label}: {text} ({status})" for label, status, text in rows)
    measured += f" ({n} seeds, first-token share)"
    judged = [status for _, status, _ in rows if status != "no sink"]
    if not judged:
        return measured, NOT_REPRODUCED, f"no baseline formed a sink (>= {SINK_X:g}x uniform)"
    if all(s == "removed" for s in judged):
        return measured, REPRODUCED, (f"every part with a baseline sink: G1 <= {FREE_X:g}x "
                                      "uniform (interval), below the baseline on every seed")
    if all(s in ("removed", "halved") for s in judged):
        return measured, PARTLY, f"G1 at least halves every sink but leaves > {FREE_X:g}x in a part"
    if any(s in ("removed", "halved") for s in judged):
        return measured, PARTLY, "G1 removes the sink in some parts and keeps it in others"
    return measured, NOT_REPRODUCED, "the gated models keep the sink"


def _log_ratios(base: dict[str, Any], gated: dict[str, Any], key: str) -> list[float]:
    return [math.log(x / y) for x, y in zip(_seeds(base, key), _seeds(gated, key), strict=True)]


def check_massive(m: Metrics) -> tuple[str, str, str]:
    """Raw max |h| (the paper's M-Act) and max/median (free of overall scale) must both shrink;
    judged on the per-seed smaller of the two ratios (geometric mean, t interval on logs)."""
    if "act" not in m:
        return "n/a", NOT_MEASURABLE, "this preset did not train the FFN (massive-activation) arms"
    b, g = m["act"]["arms"]["act_baseline"], m["act"]["arms"]["act_g1"]
    lr_raw = _log_ratios(b, g, "max_activation")
    lr_rel = _log_ratios(b, g, "max_over_median")
    raw, rel = mean_ci(lr_raw), mean_ci(lr_rel)
    worst = mean_ci([min(x, y) for x, y in zip(lr_raw, lr_rel, strict=True)])
    measured = (f"max |h| {b['max_activation']:.1f} -> {g['max_activation']:.1f} "
                f"({math.exp(raw.mean):.1f}x); max/median {b['max_over_median']:.0f} -> "
                f"{g['max_over_median']:.0f} ({math.exp(rel.mean):.1f}x); smaller ratio "
                f"{math.exp(worst.mean):.1f}x, interval lower end {math.exp(worst.lo):.1f}x "
                f"({worst.n} seeds)")
    if worst.lo >= math.log(3):
        return measured, REPRODUCED, "both measures at least 3x smaller with G1 (interval)"
    if worst.lo >= math.log(1.5):
        return measured, PARTLY, "both smaller (interval >= 1.5x), not 3x (paper: 11x)"
    if raw.lo >= math.log(1.5) and rel.mean < math.log(1.5):
        return measured, NOT_REPRODUCED, ("raw max shrinks but max/median does not: mostly a "
                                          "change of overall scale")
    return measured, NOT_REPRODUCED, "no clear shrink of the largest activations"


def check_sparse(m: Metrics) -> tuple[str, str, str]:
    gates = [(label, mean_ci(_seeds(g1, "gate_mean"))) for label, _, _, g1 in blocks(m)]
    if not gates:
        return "n/a", NOT_MEASURABLE, "no G1 arm in this run"
    measured = "mean gate score: " + "; ".join(f"{label} {ci.fmt(2)}" for label, ci in gates)
    if all(ci.hi < 0.25 for _, ci in gates):
        return measured, REPRODUCED, "mean gate far below its 0.5 start in every part (interval)"
    if all(ci.mean < 0.5 for _, ci in gates):
        return measured, PARTLY, "gates moved below 0.5 but are not sparse (< 0.25) everywhere"
    return measured, NOT_REPRODUCED, "gate scores are not sparse"


def check_ordering(m: Metrics) -> tuple[str, str, str]:
    """On the multi-head part (head-shared equals head-specific with one head)."""
    block = m.get("mh")
    needed = ("baseline", "g1_elementwise", "head_shared", "input_independent")
    if not block or any(a not in block["arms"] for a in needed):
        return "n/a", NOT_MEASURABLE, "this run did not train the multi-head gate variants"
    arms, u = block["arms"], block["uniform_share"]
    g1 = _seeds(arms["g1_elementwise"], "first_token_share")
    diffs = {name: paired_diff_ci(_seeds(arms[key], "first_token_share"), g1)
             for name, key in (("head-shared", "head_shared"),
                               ("input-independent", "input_independent"))}
    base = arms["baseline"]["first_token_share"]
    g1_share = arms["g1_elementwise"]["first_token_share"]
    measured = (f"{block['heads']} heads: baseline {base:.3f}, G1 {g1_share:.3f}, "
                f"head-shared {arms['head_shared']['first_token_share']:.3f}, input-independent "
                f"{arms['input_independent']['first_token_share']:.3f}; minus G1: "
                + ", ".join(f"{k} {d.fmt(2)}" for k, d in diffs.items()))
    measured += f" (baseline {base / u:.1f}x uniform)"
    if base < FREE_X * u:
        return measured, NOT_REPRODUCED, "no sink in the baseline: nothing to order"
    reversed_ = [k for k, d in diffs.items() if d.mean < 0]
    if reversed_:
        return measured, NOT_REPRODUCED, (f"{' and '.join(reversed_)} leaves less first-token "
                                          "attention than G1: the ordering is reversed")
    more = [k for k, d in diffs.items() if d.above(0.0) and d.mean >= 0.5 * u]
    if len(more) == 2:
        return measured, REPRODUCED, ("both weaker gates leave more first-token attention than "
                                      "G1 (intervals above 0, >= half a uniform share)")
    if more:
        return measured, PARTLY, f"only {more[0]} leaves clearly more sink than G1"
    return measured, NOT_REPRODUCED, "neither weaker gate leaves clearly more sink than G1"


def check_loss(m: Metrics) -> tuple[str, str, str]:
    """G1 minus baseline loss, paired by seed, in every part that has both arms (text too)."""
    rows = [(label, paired_diff_ci(_seeds(g, "loss"), _seeds(b, "loss")))
            for label, _, b, g in blocks(m, ("sink", "mh", "act", "text"))]
    if not rows:
        return "n/a", NOT_MEASURABLE, "no part of this run trained a baseline and a G1 arm"
    measured = "G1 - baseline loss (nats): " + "; ".join(f"{label} {d.fmt(2)}" for label, d in rows)
    better = [label for label, d in rows if d.below(0.0)]
    worse = [label for label, d in rows if d.above(0.0)]
    if len(better) == len(rows):
        return measured, REPRODUCED, "G1 lowers the loss in every part (intervals below 0)"
    if better and not worse:
        return measured, PARTLY, f"lower loss in {', '.join(better)}; no clear change elsewhere"
    if better:
        return measured, PARTLY, (f"lower loss in {', '.join(better)}, higher in "
                                  f"{', '.join(worse)}")
    return measured, NOT_REPRODUCED, ("no part shows a lower loss with G1 (" +
                                      ("higher in " + ", ".join(worse) if worse else
                                       "every interval includes 0") + ")")


def check_text_sink(m: Metrics) -> tuple[str, str, str]:
    rows = list(blocks(m, ("text",)))
    if not rows:
        return "n/a", NOT_MEASURABLE, "this run skipped the text arms (text_steps = 0)"
    _, block, b, g = rows[0]
    status, text = _sink_status(block, b, g)
    n = len(_seeds(b, "first_token_share"))
    measured = f"text: {text} ({n} seed{'s' if n != 1 else ''})"
    if status == "removed" and n < 2:
        return measured, PARTLY, "sink removed on the one seed run: no interval (--seeds >= 2)"
    verdict = {"removed": REPRODUCED, "halved": PARTLY}.get(status, NOT_REPRODUCED)
    reason = {"removed": f"baseline sink, G1 <= {FREE_X:g}x uniform",
              "halved": f"G1 halves the sink, leaves > {FREE_X:g}x",
              "kept": "the gated model keeps the sink",
              "no sink": f"no sink formed on text at this scale (< {SINK_X:g}x uniform)"}[status]
    return measured, verdict, reason


SINK_BAR = (f"a priori: a baseline sink is >= {SINK_X:g}x the uniform first-token share "
            f"(seed mean), 'removed' is G1's interval <= {FREE_X:g}x and G1 below the baseline "
            "on every seed (paper: 0.467 -> 0.048)")
CLAIMS = (
    Claim("sink_free", "A query-dependent G1 sigmoid gate on the SDPA output removes the "
          "attention sink: first-token attention falls to near uniform.",
          "first-token attention 0.467 -> 0.048 (Table 4, 15A2B MoE, arXiv v1)", check_sink,
          bar=SINK_BAR + "; every part of the run counts"),
    Claim("massive_activations", "G1 gating removes massive activations in the hidden states.",
          "max activation 1053 -> 94 (Table 4, arXiv v1)", check_massive,
          bar="a priori: raw max and max/median both >= 3x smaller (interval over seeds); "
              "paper: 11x"),
    Claim("sparse_gates", "G1 gate scores are sparse (concentrated near 0).",
          "mean gate 0.116 elementwise, 0.172 headwise (Table 4, arXiv v1)", check_sparse,
          bar="a priori: mean gate < 0.25 (half its 0.5 start; paper 0.116-0.172), interval "
              "over seeds, every G1 arm"),
    Claim("variant_ordering", "Head-shared and input-independent gates leave more of the sink "
          "than head-specific, query-dependent G1.",
          "F-Attn 0.048 (G1) < 0.301 (head-shared) < 0.364 (input-indep.) (Table 4, arXiv v1)",
          check_ordering,
          bar="a priori: each weaker gate's share minus G1's, paired over seeds, has its "
              "interval above 0 and a mean >= half a uniform share; a weaker gate below G1 on "
              "average is a reversed order"),
    Claim("loss_improves", "G1 gating lowers the language-model loss at equal parameter count.",
          "lower PPL with the G1 gate in the 1.7B dense models (Table 2, arXiv v1); in the "
          "MoE runs (Table 1) the elementwise gate adds 201M parameters",
          check_loss,
          bar="a priori: G1 - baseline loss, paired over seeds, with its 95% interval below 0 in "
              "every part of the run"),
    Claim("text_sink_free", "On real text the ungated model forms a sink that G1 removes.",
          "first-token attention 0.467 -> 0.048 (Table 4, arXiv v1)", check_text_sink,
          bar=SINK_BAR),
    Claim("stable_high_lr", "Gating removes loss spikes and tolerates larger learning rates.",
          "fewer loss spikes; gated 1.7B dense trains at a larger lr (dense-model experiments)",
          not_measurable("loss spikes appear at billion-parameter scale over trillions of tokens"),
          bar="none: not measured here"),
    Claim("long_context", "Gated models extrapolate better after context extension.",
          "higher RULER scores after YaRN context extension (long-context section)",
          not_measurable("needs long-context pretrained models and RULER; CPU scale cannot"),
          bar="none: not measured here"),
)
