"""The paper's headline claims (arXiv 2505.10465v4) as checks on the sweep's fitted exponents.

Every exponent is fitted per seed; a check judges the across-seed mean with its 95% t
interval (one seed: infinite interval, never "reproduced"). Where each bar comes from is
stated on the claim (``bar``): the strong-regime tolerance 0.12 is the spread of the
paper's own Fig. 1d fits across profiles (0.886..1.005); the weak-regime tolerance 0.2 is
the scatter of the paper's Fig. 5b points about alpha - 1; the rest are a priori.
"""
from __future__ import annotations

import math
from typing import Any

from neurips25.common.stats import MeanCI, mean_ci
from neurips25.study import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Claim,
    not_measurable,
)

TOL = 0.12  # strong regime: spread of the paper's Fig. 1d exponents across profiles
WEAK_TOL = 0.2  # weak regime: scatter of the paper's Fig. 5b exponents about alpha - 1
R2_MIN = 0.95  # "a clean power law": the paper's Fig. 4a strong-regime R^2 are >= 0.96

Metrics = dict[str, Any]


def _per_seed(fit: dict[str, Any], key: str) -> list[float]:
    vals = fit.get("per_seed", {}).get(key)
    if not vals:
        raise KeyError(f"no per-seed {key}")
    return list(vals)


def _regime(m: Metrics, regime: str) -> dict[str, dict[str, Any]]:
    return {k.split("/")[1]: v for k, v in m["fits"].items() if k.startswith(regime + "/")}


def _inside(ci: MeanCI, centre: float, tol: float) -> bool:
    """The whole interval lies within centre +- tol."""
    return ci.lo >= centre - tol and ci.hi <= centre + tol


def check_strong_exponent(m: Metrics) -> tuple[str, str, str]:
    fit = m["fits"]["strong/power"]
    ci = mean_ci(_per_seed(fit, "loss_exponent"))
    r2 = min(_per_seed(fit, "loss_r2"))
    measured = (f"a = {ci.fmt(3)}, min R² {r2:.3f}; power α={fit['alpha']:g}, "
                f"m={fit['m'][0]:g}..{fit['m'][-1]:g}")
    if _inside(ci, 1.0, TOL) and r2 >= R2_MIN:
        return measured, REPRODUCED, f"95% interval of a inside 1 ± {TOL}, clean power law"
    if abs(ci.mean - 1) <= TOL:
        return measured, PARTLY, (f"mean a within {TOL} of 1, but the interval leaves the band "
                                  f"or R² < {R2_MIN}")
    if abs(ci.mean - 1) <= 2 * TOL:
        return measured, PARTLY, f"mean a within {2 * TOL:.2f} of 1, not within {TOL}"
    return measured, NOT_REPRODUCED, f"mean a differs from 1 by more than {2 * TOL:.2f}"


def check_strong_robust(m: Metrics) -> tuple[str, str, str]:
    fits = _regime(m, "strong")
    if len(fits) < 2:
        raise KeyError("need at least two strong-regime profiles")
    cis = {p: mean_ci(_per_seed(f, "loss_exponent")) for p, f in fits.items()}
    measured = "; ".join(f"{p} {ci.fmt(3)}" for p, ci in cis.items())
    spread = max(c.mean for c in cis.values()) - min(c.mean for c in cis.values())
    measured += f" (spread of means {spread:.2f})"
    if all(_inside(ci, 1.0, TOL) for ci in cis.values()):
        return measured, REPRODUCED, f"every profile's interval inside 1 ± {TOL}"
    if all(abs(ci.mean - 1) <= TOL for ci in cis.values()):
        return measured, PARTLY, f"every mean within {TOL} of 1, not every interval"
    if spread <= 2 * TOL:
        return measured, PARTLY, (f"exponents agree across profiles (spread {spread:.2f} <= "
                                  f"{2 * TOL:.2f}) but not all are within {TOL} of 1")
    return measured, NOT_REPRODUCED, f"exponents spread by {spread:.2f} across profiles"


def check_weak_tracks_unlearned(m: Metrics) -> tuple[str, str, str]:
    """Weak regime: dropped features carry the loss; strong regime (the contrast): they do not.
    A weak model that represents nothing passes the first half by construction (its share is
    1), so at least one weak profile must learn: its loss falls with m (exponent > 0.1)."""
    weak, strong = _regime(m, "weak"), _regime(m, "strong")
    shares = {p: mean_ci(_per_seed(f, "unlearned_share")) for p, f in weak.items()}
    strong_share = max(f["unlearned_share"] for f in strong.values())
    learns = any(f["loss_exponent"] > 0.1 for f in weak.values())
    measured = ("unlearned/total loss, weak: " + ", ".join(f"{p} {c.mean:.2f}" for p, c in
                                                          shares.items())
                + f"; strong: <= {strong_share:.2f}")
    low = min(c.lo for c in shares.values())
    if not learns:
        return measured, NOT_REPRODUCED, ("no weak model learns (loss flat in m): the share is "
                                          "1 by construction")
    if low >= 0.8 and strong_share <= 0.2:
        return measured, REPRODUCED, ("dropped features carry >= 80% of the weak-regime loss "
                                      "(interval) and <= 20% of the strong-regime loss")
    if min(c.mean for c in shares.values()) >= 0.5 and strong_share < 0.5:
        return measured, PARTLY, "dropped features carry most, not >= 80%, of the weak loss"
    return measured, NOT_REPRODUCED, "the weak-regime loss is not mainly from dropped features"


def check_weak_profile_dependent(m: Metrics) -> tuple[str, str, str]:
    weak, strong = _regime(m, "weak"), _regime(m, "strong")
    if "power" not in weak or len(weak) < 2 or len(strong) < 2:
        raise KeyError("need weak/power, another weak profile and two strong profiles")
    target = weak["power"]["alpha"] - 1
    ci = mean_ci(_per_seed(weak["power"], "loss_exponent"))
    w_means = {p: f["loss_exponent"] for p, f in weak.items()}
    w_spread = max(w_means.values()) - min(w_means.values())
    s_spread = max(f["loss_exponent"] for f in strong.values()) - min(
        f["loss_exponent"] for f in strong.values())
    measured = (f"weak power (α={weak['power']['alpha']:g}) a = {ci.fmt(3)} vs α-1 = {target:.2f}; "
                + ", ".join(f"{p} {a:.2f}" for p, a in w_means.items() if p != "power")
                + f"; spread weak {w_spread:.2f} vs strong {s_spread:.2f}")
    tracks = _inside(ci, target, WEAK_TOL)
    depends = w_spread > 2 * s_spread and w_spread > 0.2
    if tracks and depends:
        return measured, REPRODUCED, (f"weak power exponent within {WEAK_TOL} of α-1 (interval) "
                                      "and weak exponents depend on the profile")
    if tracks or depends:
        return measured, PARTLY, ("weak power exponent matches α-1, but the profile dependence "
                                  "is not > 2x the strong spread" if tracks else
                                  f"profile-dependent, but the power exponent is not within "
                                  f"{WEAK_TOL} of α-1 (interval)")
    return measured, NOT_REPRODUCED, "weak exponent neither matches α-1 nor depends on the profile"


def check_overlap(m: Metrics) -> tuple[str, str, str]:
    """Squared overlaps ~ 1/m; and, since W starts from random directions whose overlaps are
    ~ 1/m too, evidence that training shaped them: frequent features overlap less than
    random rows do (frequency-weighted overlap below random, interval over seeds)."""
    fit = m["fits"]["strong/power"]
    b = mean_ci(_per_seed(fit, "overlap_exponent"))
    w = mean_ci(_per_seed(fit, "weighted_log_ratio"))
    measured = (f"overlap ~ m^-b, b = {b.fmt(3)}, {fit['overlap_over_welch']:.2f}x Welch "
                f"(random rows: b = {fit['random_overlap_exponent']:.2f}, "
                f"{fit['random_overlap_over_welch']:.2f}x); frequency-weighted overlap / random "
                f"= {_exp(w)}")
    if abs(b.mean - 1) > 2 * TOL:
        return measured, NOT_REPRODUCED, "overlaps do not scale like 1/m"
    shaped = w.below(0.0)
    if _inside(b, 1.0, TOL) and shaped:
        return measured, REPRODUCED, (f"b within 1 ± {TOL} (interval), and frequent features "
                                      "overlap less than random rows: training shaped the 1/m")
    if shaped:
        return measured, PARTLY, f"trained geometry beats random, but b not within 1 ± {TOL}"
    return measured, PARTLY, ("overlaps ~ 1/m, but no better than random directions (which "
                              "give the same 1/m): nothing here shows training shaped them")


def _exp(ci: MeanCI) -> str:
    if ci.n < 2:
        return f"{math.exp(ci.mean):.2f} (1 seed)"
    return f"{math.exp(ci.mean):.2f} [{math.exp(ci.lo):.2f}, {math.exp(ci.hi):.2f}]"


CLAIMS = (
    Claim(
        "strong-1/m",
        "Under strong superposition the loss scales inversely with model dimension.",
        "loss ∝ m^-1 (Fig. 1d, arXiv v4); fitted exponents 0.886-1.005 across profiles (as "
        "read in planning; the figure prints no numbers)",
        check_strong_exponent,
        bar=f"paper: |a - 1| <= {TOL}, the spread of the Fig. 1d fits across profiles; the "
            "95% interval over seeds must lie inside",
    ),
    Claim(
        "strong-robust",
        "The 1/m scaling holds across a broad class of feature-frequency distributions.",
        "exponents -1.005 (exponential), -0.984 (power 1.2), -0.886 (linear) (Fig. 1d); "
        "≈ 1 for α < 1.5 (Fig. 6e)",
        check_strong_robust,
        bar=f"paper: every profile within 1 ± {TOL} (Fig. 1d spread), 95% interval over seeds",
    ),
    Claim(
        "weak-unlearned",
        "Under weak superposition the loss is that of the features the model does not represent.",
        "loss ≈ Σ_unrepresented 4/3·p_i for γ > 0, not for γ < 0 (Fig. 5a)",
        check_weak_tracks_unlearned,
        bar="a priori: >= 80% of the weak loss from dropped features (interval), <= 20% of the "
            "strong loss",
    ),
    Claim(
        "weak-profile",
        "Under weak superposition the loss exponent depends on the data: α - 1 for p_i ∝ i^-α.",
        "weak exponent ≈ α - 1 (Fig. 5b); R² of weak fits 0.80-0.99 by profile (Fig. 4a)",
        check_weak_profile_dependent,
        bar=f"paper: weak power exponent within {WEAK_TOL} of α - 1 (Fig. 5b scatter); a priori: "
            "weak spread across profiles > 2x the strong spread",
    ),
    Claim(
        "overlap-1/m",
        "Squared overlaps between representation vectors scale like 1/m, and they are the "
        "model's doing, not the leftover of a random start.",
        "mean squared overlap ∝ 1/m for every α (Fig. 6d)",
        check_overlap,
        bar=f"paper: overlap exponent within 1 ± {TOL}; a priori: frequency-weighted overlap "
            "below random rows' (95% interval over seeds)",
    ),
    Claim(
        "llm-exponent",
        "Open LLMs are in the strong regime with loss ∝ width^-α, α ≈ 1.",
        "α = 0.91 ± 0.04 over four LLM families (abstract / LLM section)",
        not_measurable("needs pretrained LLM weights, which cannot be downloaded here; use "
                       "unembedding_overlap(W) on your own model's output embeddings"),
        bar="none: not measured here",
    ),
)
