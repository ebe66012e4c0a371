"""The paper's headline claims as checks on the sweep's fitted exponents.

Tolerances are fixed from the paper's own spread, not from our runs: the paper's strong-
regime exponents span 0.886..1.005 across profiles and LLMs give 0.91 +- 0.04, so an
exponent within 0.25 of 1 counts as "about 1/m".
"""
from __future__ import annotations

from typing import Any

from neurips25.study import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Claim,
    not_measurable,
)

TOL = 0.25


def _fit(metrics: dict[str, Any], key: str) -> dict[str, Any]:
    fit = metrics["fits"].get(key)
    if fit is None:
        raise KeyError(f"no fit for {key}")
    return fit


def check_strong_exponent(metrics: dict[str, Any]) -> tuple[str, str, str]:
    fit = _fit(metrics, "strong/power")
    a, r2 = fit["loss_exponent"], fit["loss_r2"]
    measured = f"a = {a:.2f} (R² {r2:.3f}), power α={metrics['alpha']}, m={fit['m'][0]:g}..{fit['m'][-1]:g}"
    if abs(a - 1) <= TOL and r2 >= 0.95:
        return measured, REPRODUCED, f"|a-1| <= {TOL} and a clean power law"
    if abs(a - 1) <= 2 * TOL:
        return measured, PARTLY, f"a within {2 * TOL} of 1 but not within {TOL} (or R² < 0.95)"
    return measured, NOT_REPRODUCED, f"a differs from 1 by more than {2 * TOL}"


def check_strong_robust(metrics: dict[str, Any]) -> tuple[str, str, str]:
    exps = {k.split("/")[1]: v["loss_exponent"] for k, v in metrics["fits"].items()
            if k.startswith("strong/")}
    if len(exps) < 2:
        raise KeyError("need at least two profiles")
    measured = ", ".join(f"{p} {a:.2f}" for p, a in exps.items())
    spread = max(exps.values()) - min(exps.values())
    inside = all(abs(a - 1) <= TOL for a in exps.values())
    if inside:
        return measured, REPRODUCED, f"every profile within {TOL} of 1 (spread {spread:.2f})"
    if spread <= 2 * TOL:
        return measured, PARTLY, f"exponents agree across profiles (spread {spread:.2f}) but not all within {TOL} of 1"
    return measured, NOT_REPRODUCED, f"exponents spread by {spread:.2f} across profiles"


def check_weak_tracks_unlearned(metrics: dict[str, Any]) -> tuple[str, str, str]:
    shares = {k.split("/")[1]: v["unlearned_share"] for k, v in metrics["fits"].items()
              if k.startswith("weak/")}
    measured = "unlearned/total loss: " + ", ".join(f"{p} {s:.2f}" for p, s in shares.items())
    low = min(shares.values())
    if low >= 0.8:
        return measured, REPRODUCED, "dropped features account for >= 80% of the weak-regime loss"
    if low >= 0.5:
        return measured, PARTLY, "dropped features account for most, not >= 80%, of the loss"
    return measured, NOT_REPRODUCED, "the weak-regime loss is not mainly from dropped features"


def check_weak_profile_dependent(metrics: dict[str, Any]) -> tuple[str, str, str]:
    fits = metrics["fits"]
    weak = {k.split("/")[1]: v["loss_exponent"] for k, v in fits.items() if k.startswith("weak/")}
    strong = {k.split("/")[1]: v["loss_exponent"] for k, v in fits.items() if k.startswith("strong/")}
    weak_spread = max(weak.values()) - min(weak.values())
    strong_spread = max(strong.values()) - min(strong.values())
    measured = ("weak a: " + ", ".join(f"{p} {a:.2f}" for p, a in weak.items())
                + f" (spread {weak_spread:.2f} vs strong {strong_spread:.2f}); "
                + f"α-1 = {metrics['alpha'] - 1:.2f}")
    if weak_spread > 2 * strong_spread and weak_spread > 0.2:
        return measured, REPRODUCED, "weak exponents depend on the profile far more than strong ones"
    if weak_spread > strong_spread:
        return measured, PARTLY, "weak exponents vary more than strong ones, but not by 2x"
    return measured, NOT_REPRODUCED, "weak exponents are no more profile-dependent than strong ones"


def check_overlap(metrics: dict[str, Any]) -> tuple[str, str, str]:
    fit = _fit(metrics, "strong/power")
    b, ratio = fit["overlap_exponent"], fit["overlap_over_welch"]
    measured = f"overlap ~ m^-{b:.2f}, {ratio:.2f}x Welch bound"
    if abs(b - 1) <= 0.15 and ratio <= 1.5:
        return measured, REPRODUCED, "squared overlaps fall like 1/m, near the Welch bound"
    if abs(b - 1) <= 0.3:
        return measured, PARTLY, "overlap exponent within 0.3 of 1"
    return measured, NOT_REPRODUCED, "overlaps do not scale like 1/m"


CLAIMS = (
    Claim(
        "strong-1/m",
        "Under strong superposition the loss scales inversely with model dimension.",
        "loss ∝ m^-1 (Fig. 1); power α=1.2 fit: -0.984",
        check_strong_exponent,
    ),
    Claim(
        "strong-robust",
        "The 1/m scaling holds across a broad class of feature-frequency distributions.",
        "exponents -1.005 (exponential), -0.984 (power 1.2), -0.886 (linear)",
        check_strong_robust,
    ),
    Claim(
        "weak-unlearned",
        "Under weak superposition the loss is that of the features the model does not represent.",
        "loss ≈ Σ_unrepresented 4/3·p_i (weak regime)",
        check_weak_tracks_unlearned,
    ),
    Claim(
        "weak-profile",
        "Under weak superposition the loss follows a power law only for power-law frequencies; "
        "the exponent depends on the data.",
        "weak exponent α-1 for p_i ∝ i^-α",
        check_weak_profile_dependent,
    ),
    Claim(
        "overlap-1/m",
        "Squared overlaps between representation vectors scale like 1/m (Welch bound).",
        "mean squared overlap ∝ 1/m",
        check_overlap,
    ),
    Claim(
        "llm-exponent",
        "Open LLMs are in the strong regime with loss ∝ width^-α, α ≈ 1.",
        "α = 0.91 ± 0.04 over four LLM families",
        not_measurable("needs pretrained LLM weights, which cannot be downloaded here; "
                       "use unembedding_overlap(W) on your own model's output embeddings"),
    ),
)
