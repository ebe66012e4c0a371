"""The paper's headline claims (arXiv 2505.06708) as checks on this machine's metrics.

Thresholds are fixed before running and say what "removes", "shrinks" and "sparse" mean
here; a claim that does not show at CPU scale is reported as not reproduced.
"""
from __future__ import annotations

from typing import Any

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


def _sink_pair(block: dict[str, Any], base: str, gated: str) -> tuple[str, str, str]:
    u = block["uniform_share"]
    b, g = block["arms"][base]["first_token_share"], block["arms"][gated]["first_token_share"]
    measured = f"{b:.3f} ({b / u:.1f}x uniform {u:.3f}) -> {g:.3f} ({g / u:.1f}x)"
    if b / u < SINK_X:
        return measured, NOT_REPRODUCED, f"no sink formed in the baseline (< {SINK_X:g}x uniform)"
    if g / u <= FREE_X:
        return measured, REPRODUCED, f"baseline >= {SINK_X:g}x uniform, gated <= {FREE_X:g}x"
    if g < b / 2:
        return measured, PARTLY, f"gate halves the sink but leaves > {FREE_X:g}x uniform"
    return measured, NOT_REPRODUCED, "the gated model keeps the sink"


def check_sink(m: dict[str, Any]) -> tuple[str, str, str]:
    measured, verdict, reason = _sink_pair(m, "baseline", "g1_elementwise")
    pb = m["arms"]["baseline"].get("n_params")
    pg = m["arms"]["g1_elementwise"].get("n_params")
    if pb and pg and pg != pb:  # attention-only arms have no FFN to shrink
        reason += f"; G1 arm has {100 * (pg - pb) / pb:+.0f}% params (no FFN to shrink)"
    return measured, verdict, reason


def check_massive(m: dict[str, Any]) -> tuple[str, str, str]:
    """Raw max |h| (the paper's M-Act) and max/median (free of overall scale) must both shrink."""
    if "act" not in m:
        return "n/a", NOT_MEASURABLE, "this preset did not train the FFN (massive-activation) arms"
    b, g = m["act"]["arms"]["act_baseline"], m["act"]["arms"]["act_g1"]
    raw = b["max_activation"] / g["max_activation"]
    rel = b["max_over_median"] / g["max_over_median"]
    measured = (f"max |h| {b['max_activation']:.1f} -> {g['max_activation']:.1f} ({raw:.1f}x); "
                f"max/median {b['max_over_median']:.0f} -> {g['max_over_median']:.0f} ({rel:.1f}x)")
    u = m["act"]["uniform_share"]
    if b["first_token_share"] < SINK_X * u:
        measured += f"; no sink in these arms (baseline {b['first_token_share'] / u:.1f}x uniform)"
    ratio = min(raw, rel)
    if ratio >= 3:
        return measured, REPRODUCED, "both measures at least 3x smaller with G1"
    if ratio >= 1.5:
        return measured, PARTLY, "smaller, but by less than 3x on one measure (paper: 11x)"
    if raw >= 1.5:
        return measured, NOT_REPRODUCED, (f"raw max shrinks {raw:.1f}x but max/median only "
                                           f"{rel:.1f}x: mostly a change of overall scale")
    return measured, NOT_REPRODUCED, "no clear shrink of the largest activations"


def check_sparse(m: dict[str, Any]) -> tuple[str, str, str]:
    arm = m["arms"]["g1_elementwise"]
    mean, sparse = arm["gate_mean"], arm["gate_sparsity"]
    measured = f"mean {mean:.3f}, {100 * sparse:.0f}% of scores < 0.1"
    if mean < 0.25:
        return measured, REPRODUCED, "mean gate far below its 0.5 start: sparse"
    if mean < 0.5:
        return measured, PARTLY, "gates moved below 0.5 but are not sparse (mean >= 0.25)"
    return measured, NOT_REPRODUCED, "gate scores are not sparse"


def check_ordering(m: dict[str, Any]) -> tuple[str, str, str]:
    """On the 2-head part (head-shared equals head-specific with one head)."""
    block = m.get("h2", m)
    arms, u = block["arms"], block["uniform_share"]
    needed = ("g1_elementwise", "head_shared", "input_independent")
    if any(a not in arms for a in needed):
        return "n/a", NOT_MEASURABLE, "this preset did not train the head-shared / input-independent arms"
    g1 = arms["g1_elementwise"]["first_token_share"]
    hs = arms["head_shared"]["first_token_share"]
    ii = arms["input_independent"]["first_token_share"]
    measured = f"G1 {g1:.3f}, head-shared {hs:.3f}, input-independent {ii:.3f}"
    margin = 0.5 * u  # "more sink": at least half a uniform share above G1
    more = [name for name, v in (("head-shared", hs), ("input-independent", ii)) if v >= g1 + margin]
    if len(more) == 2:
        return measured, REPRODUCED, "both weaker gates leave more first-token attention than G1"
    if more:
        return measured, PARTLY, f"only {more[0]} leaves clearly more sink than G1"
    return measured, NOT_REPRODUCED, "neither weaker gate leaves clearly more sink than G1 here"


def check_loss(m: dict[str, Any]) -> tuple[str, str, str]:
    b, g = m["arms"]["baseline"]["loss"], m["arms"]["g1_elementwise"]["loss"]
    measured = f"backcopy loss {b:.4f} -> {g:.4f}"
    if "act" in m:
        a = m["act"]["arms"]
        measured += f"; 2-layer {a['act_baseline']['loss']:.4f} -> {a['act_g1']['loss']:.4f}"
        b, g = b + a["act_baseline"]["loss"], g + a["act_g1"]["loss"]
    if "text" in m:
        t = m["text"]["arms"]
        measured += f"; text {t['text_baseline']['loss']:.4f} -> {t['text_g1']['loss']:.4f}"
    if g <= b + 0.01:  # b, g: summed over the parts shown
        return measured, REPRODUCED, "G1 loss within 0.01 nats of the baseline or better"
    if g <= b + 0.05:
        return measured, PARTLY, "G1 loss slightly worse (< 0.05 nats)"
    return measured, NOT_REPRODUCED, "G1 loss worse than baseline"


def check_text_sink(m: dict[str, Any]) -> tuple[str, str, str]:
    if "text" not in m:
        return "n/a", NOT_MEASURABLE, "quick preset skips the real-text arms (run --preset full)"
    return _sink_pair(m["text"], "text_baseline", "text_g1")


CLAIMS = (
    Claim("sink_free", "A query-dependent G1 sigmoid gate on the SDPA output removes the "
          "attention sink: first-token attention falls to near uniform.",
          "first-token attention 0.467 -> 0.048 (Table 4, 15A2B MoE)", check_sink),
    Claim("massive_activations", "G1 gating removes massive activations in the hidden states.",
          "max activation 1053 -> 94 (Table 4)", check_massive),
    Claim("sparse_gates", "G1 gate scores are sparse (concentrated near 0).",
          "mean gate 0.116 elementwise, 0.172 headwise (Table 4)", check_sparse),
    Claim("variant_ordering", "Head-shared and input-independent gates leave more of the sink "
          "than head-specific, query-dependent G1.",
          "F-Attn 0.048 (G1) < 0.301 (head-shared) < 0.364 (input-indep.) (Table 4)", check_ordering),
    Claim("loss_not_worse", "G1 gating does not hurt (in the paper: improves) the LM loss.",
          "lower PPL with G1 than baseline at equal size (Table 1)", check_loss),
    Claim("text_sink_free", "On real text the ungated model forms a sink that G1 removes.",
          "first-token attention 0.467 -> 0.048 (Table 4)", check_text_sink),
    Claim("stable_high_lr", "Gating removes loss spikes and tolerates larger learning rates.",
          "fewer loss spikes; gated 1.7B dense trains at a larger lr (dense-model experiments)",
          not_measurable("loss spikes appear at billion-parameter scale over trillions of tokens")),
    Claim("long_context", "Gated models extrapolate better after context extension.",
          "higher RULER scores after YaRN context extension (long-context section)",
          not_measurable("needs long-context pretrained models and RULER; CPU scale cannot")),
)
