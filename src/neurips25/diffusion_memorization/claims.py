"""The paper's headline claims as checks on the experiment's metrics (arXiv 2505.17638v2).

Thresholds are fixed a priori (each claim's ``bar`` says so) and are deliberately plain:
"flat" means the max/min ratio of tau_gen over the sweep stays below 1.5 (reproduced) or 2
(partly) while n varies at least 4x; "linear" means a log-log slope of tau_mem on n in
[0.75, 1.25] (reproduced) or > 0.4 (partly), with a positive fitted c at > 2 standard
errors and R^2 >= 0.9. Digits claims judge the per-seed values with 95% t intervals.
"""
from __future__ import annotations

import math
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

Metrics = dict[str, Any]


def _flat(ratio: float, span: float, what: str) -> tuple[str, str, str]:
    measured = f"tau_gen max/min = {ratio:.2f} over a {span:.0f}x range of n"
    if not math.isfinite(ratio):
        return measured, NOT_MEASURABLE, f"{what}: tau_gen not found on every curve"
    if span < 4:
        return measured, NOT_MEASURABLE, "the sweep spans less than 4x in n"
    if ratio <= 1.5:
        return measured, REPRODUCED, "tau_gen changes by <= 1.5x"
    if ratio <= 2.0:
        return measured, PARTLY, "tau_gen changes by 1.5-2x"
    return measured, NOT_REPRODUCED, "tau_gen changes by > 2x"


def check_rf_gen(m: Metrics) -> tuple[str, str, str]:
    rf = m["rf"]
    return _flat(rf["tau_gen_ratio"], max(rf["psi_n"]) / min(rf["psi_n"]), "random features")


def check_rf_mem(m: Metrics) -> tuple[str, str, str]:
    rf = m["rf"]
    slope = rf["tau_mem_loglog_slope"]
    per = ", ".join(f"{v:.0f}" for v in rf["tau_mem_over_psi_n"])
    measured = f"log-log slope {slope:.2f}; tau_mem/psi_n = {per} (psi_n = {rf['psi_n']})"
    if not math.isfinite(slope):
        return measured, NOT_MEASURABLE, "tau_mem not reached on enough curves"
    if 0.75 <= slope <= 1.25:
        return measured, REPRODUCED, "tau_mem proportional to psi_n within the slope band"
    if slope > 0.4:
        return measured, PARTLY, "tau_mem grows with psi_n, but sub/super-linearly"
    return measured, NOT_REPRODUCED, "tau_mem does not grow with psi_n"


def check_rf_spectrum(m: Metrics) -> tuple[str, str, str]:
    """The spectrum of U from a dense eigensolver, in its three parts. The p - n - d
    eigenvalues at s_t^2 hold by construction of the Gaussian-equivalent U (a rank n + d
    part plus s_t^2 I), so their count only confirms the matrix and the solver; what is
    measured is the split (the d spikes above the n-bulk, gap > 1) and the bulk's scale
    ~ psi_p/psi_n (paper Sec. 4), i.e. bulk median x psi_n the same for every psi_n (max/min
    <= 1.5, a priori): the slow bulk directions are what set tau_mem ~ psi_n."""
    rf = m["rf"]
    got, want, gaps = rf["n_at_s2"], rf["expected_at_s2"], rf["spike_gap"]
    scaled = [b * p for b, p in zip(rf["bulk_median"], rf["psi_n"], strict=True)]
    spread = max(scaled) / min(scaled) if min(scaled) > 0 else math.inf
    measured = (f"dense eigvalsh, p = {rf['spectrum_p'][0]}: at s_t^2 {got} vs p-n-d = {want}; "
                "smallest spike / largest bulk eigenvalue "
                + ", ".join(f"{g:.0f}" for g in gaps)
                + "; bulk median x psi_n = " + ", ".join(f"{v:.2f}" for v in scaled)
                + f" (max/min {spread:.2f})")
    if got != want:
        return measured, NOT_REPRODUCED, ("the count at s_t^2 differs from p - n - d, which the "
                                          "construction guarantees: matrix or solver broken")
    split = all(g > 1 for g in gaps)
    bulk = spread <= 1.5
    if split and bulk:
        return measured, REPRODUCED, ("d spikes above the n-bulk, whose scale falls as 1/psi_n "
                                      "(count at s_t^2 by construction)")
    if split or bulk:
        return measured, PARTLY, ("spikes separate, but the bulk does not scale as 1/psi_n"
                                  if split else "bulk scales as 1/psi_n, but spikes merge with it")
    return measured, NOT_REPRODUCED, "no spike/bulk split and no 1/psi_n bulk scale"


def _per_seed(dg: dict[str, Any], key: str) -> list[float]:
    return [p[key] for p in dg.get("per_seed", [dg])]


def _seeds_note(dg: dict[str, Any]) -> str:
    return f" ({len(dg.get('per_seed', [dg]))} seeds)"


def check_digits_gen(m: Metrics) -> tuple[str, str, str]:
    """Flatness at a common FD bar, per seed (the interval's upper end must be flat); if the
    time to approach each run's own best FD is not also flat (larger n keep improving at this
    scale), the verdict drops to partly."""
    dg = m["digits"]
    ratios = _per_seed(dg, "tau_gen_ratio")
    span = max(dg["ns"]) / min(dg["ns"])
    if not all(math.isfinite(r) for r in ratios):
        return "tau_gen not found on every curve", NOT_MEASURABLE, "digits: tau_gen missing"
    ci = mean_ci(ratios)
    own = mean_ci(_per_seed(dg, "tau_gen_own_ratio"))
    measured = (f"tau_gen max/min = {ci.fmt(3)} over a {span:.0f}x range of n (FD bar "
                f"{dg['fd_bar']:.2f}); time to 90% of own best FD: max/min {own.mean:.2f}")
    if span < 4:
        return measured, NOT_MEASURABLE, "the sweep spans less than 4x in n"
    if ci.hi <= 1.5 or (ci.n < 2 and ci.mean <= 1.5):
        if own.mean > 1.5:
            return measured, PARTLY, ("flat at a common quality bar, but larger n keep improving "
                                      "longer, so the time to each run's own best grows with n")
        return measured, REPRODUCED, "tau_gen changes by <= 1.5x (interval)"
    if ci.mean <= 2.0:
        return measured, PARTLY, "tau_gen changes by 1.5-2x (or its interval reaches past 1.5)"
    return measured, NOT_REPRODUCED, "tau_gen changes by > 2x"


def check_digits_mem(m: Metrics) -> tuple[str, str, str]:
    dg = m["digits"]
    pts = [(n, t) for n, t in zip(dg["ns"], dg["tau_mem"], strict=True) if math.isfinite(t)]
    missing = [n for n, ok in zip(dg["ns"], dg["reached"], strict=True) if not ok]
    note = f"; not reached by {dg['steps']} steps for n = {missing}" if missing else ""
    if len(pts) < 2 or dg["fit"] is None:
        return (f"tau_mem reached for {len(pts)} n" + note, NOT_MEASURABLE,
                "fewer than 2 sizes memorized within the step budget")
    fit = dg["fit"]
    slopes = [s for s in _per_seed(dg, "tau_mem_loglog_slope") if math.isfinite(s)]
    slope = mean_ci(slopes) if slopes else None
    taus = ", ".join(f"n={n}: {t:.0f}" for n, t in pts)
    measured = (f"tau_mem (seed mean) {taus}; fit {fit['tau0']:.0f} + {fit['c']:.1f}*n "
                f"(R^2 {fit['r2']:.2f}), log-log slope {slope.fmt(2) if slope else 'n/a'}" + note)
    increasing = all(b[1] > a[1] for a, b in zip(pts, pts[1:], strict=False))
    se_ok = math.isfinite(fit["c_stderr"]) and fit["c"] > 2 * fit["c_stderr"]
    if len(pts) >= 3 and increasing and fit["c"] > 0 and se_ok and fit["r2"] >= 0.9:
        if slope is not None and slope.lo >= 0.75 and slope.hi <= 1.25:
            return measured, REPRODUCED, ("linear in n, near-proportional (slope interval in "
                                          "[0.75, 1.25])")
        return measured, PARTLY, "linear in n with a large intercept tau0 (slope off 1)"
    if increasing and fit["c"] > 0:
        return measured, PARTLY, "tau_mem increases with n but too few points or a weak fit"
    return measured, NOT_REPRODUCED, "tau_mem does not increase with n"


def check_window(m: Metrics) -> tuple[str, str, str]:
    """Seed-mean windows must grow with n, and the per-seed widening from the smallest to
    the largest n must have its interval above 0. An unreached tau_mem makes the window a
    lower bound (steps - tau_gen)."""
    dg = m["digits"]
    seeds = dg.get("per_seed", [dg])
    wins = [[(w if math.isfinite(w) else dg["steps"] - g)
             for w, g in zip(p["window"], p["tau_gen"], strict=True)] for p in seeds]
    mean = [sum(w[i] for w in wins) / len(wins) for i in range(len(dg["ns"]))]
    measured = "window tau_mem - tau_gen (seed mean) = " + ", ".join(
        f"n={n}: {'>=' if not ok else ''}{w:.0f}"
        for n, w, ok in zip(dg["ns"], mean, dg["reached"], strict=True))
    if not any(dg["reached"]) or not all(math.isfinite(g) for g in dg["tau_gen"]):
        return measured, NOT_MEASURABLE, "no tau_mem or tau_gen to form a window"
    widen = paired_diff_ci([w[-1] for w in wins], [w[0] for w in wins])
    measured += f"; largest - smallest n: {widen.fmt(3)}"
    mono = all(b > a for a, b in zip(mean, mean[1:], strict=False))
    if mono and widen.above(0.0):
        return measured, REPRODUCED, "the window widens with n (interval above 0)"
    if widen.mean > 0:
        return measured, PARTLY, "widens on average, not monotonically or not beyond noise"
    return measured, NOT_REPRODUCED, "the window does not widen with n"


def check_collapse(m: Metrics) -> tuple[str, str, str]:
    """f_mem(tau/n) collapses iff tau_mem/n is the same for every n: its max/min per seed,
    against the max/min of tau_mem itself (what no rescaling gives)."""
    dg = m["digits"]
    scaled, raw = _per_seed(dg, "tau_mem_over_n_ratio"), _per_seed(dg, "tau_mem_ratio")
    if not all(math.isfinite(x) for x in scaled + raw):
        return "n/a", NOT_MEASURABLE, "tau_mem not reached for every n on every seed"
    per_n = ", ".join(f"{v:.0f}" for v in dg["tau_mem_over_n"])
    ci = mean_ci(scaled)
    tighter = paired_diff_ci([math.log(x) for x in scaled], [math.log(x) for x in raw])
    measured = (f"tau_mem/n = {per_n} (n = {dg['ns']}): max/min {ci.fmt(3)} vs tau_mem "
                f"max/min {sum(raw) / len(raw):.2f}")
    if ci.hi <= 1.5:
        return measured, REPRODUCED, "tau_mem/n constant within 1.5x (interval): curves collapse"
    if tighter.below(0.0):
        return measured, PARTLY, ("dividing by n tightens the spread of tau_mem (interval), but "
                                  "tau_mem/n still varies by more than 1.5x")
    return measured, NOT_REPRODUCED, "rescaling by n does not tighten the memorization times"


FLAT = "a priori: tau_gen max/min <= 1.5 over >= 4x in n (partly <= 2)"
CLAIMS = (
    Claim("rf_tau_gen_flat", "Random features: tau_gen does not depend on n",
          "tau_gen ~ 1/Delta_t, independent of psi_n (Sec. 4, RF train/test loss figure; arXiv v2)",
          check_rf_gen, bar=FLAT + "; closed form, one instance per psi_n"),
    Claim("rf_tau_mem_linear", "Random features: tau_mem grows linearly with n",
          "tau_mem ~ psi_n/Delta_t (Sec. 4, arXiv v2)", check_rf_mem,
          bar="a priori: log-log slope of tau_mem on psi_n in [0.75, 1.25] (partly > 0.4)"),
    Claim("rf_spectrum", "U splits into p - n - d eigenvalues at s_t^2, d spikes and an n-bulk "
          "whose scale falls as 1/psi_n",
          "delta peak of weight 1 - (psi_n + 1)/psi_p at s_t^2, spikes ~ psi_p, bulk ~ "
          "psi_p/psi_n (Sec. 4, spectrum of U; arXiv v2)",
          check_rf_spectrum,
          bar="paper: the count p - n - d (holds by construction; checks the matrix) and the "
              "bulk ~ psi_p/psi_n; a priori: bulk median x psi_n max/min <= 1.5, spikes above "
              "the bulk"),
    Claim("tau_gen_flat", "Digits: tau_gen is independent of n",
          "CelebA U-Net: tau_gen constant in n (abstract; Sec. 3; arXiv v2)", check_digits_gen,
          bar=FLAT + ", upper end of the interval over seeds"),
    Claim("tau_mem_linear", "Digits: tau_mem grows linearly with n",
          "CelebA U-Net: tau_mem proportional to n (abstract; Sec. 3; arXiv v2)", check_digits_mem,
          bar="a priori: linear fit c > 2 s.e. with R^2 >= 0.9 and the log-log slope's interval "
              "over seeds in [0.75, 1.25]"),
    Claim("window_widens", "The window [tau_gen, tau_mem] of good generalization widens with n",
          "window grows ~ n (abstract; Sec. 3; arXiv v2)", check_window,
          bar="a priori: seed-mean windows increase with n; largest - smallest n window, paired "
              "over seeds, interval above 0"),
    Claim("collapse", "f_mem curves collapse when training time is divided by n",
          "CelebA f_mem(tau/n) collapse (Sec. 3; arXiv v2)", check_collapse,
          bar="a priori: tau_mem/n max/min <= 1.5 over n (interval over seeds); partly if "
              "dividing by n tightens tau_mem's spread (paired interval)"),
    Claim("width", "Larger models memorize sooner (tau_mem ~ 1/width)",
          "tau_mem decreases with U-Net width (Sec. 3; arXiv v2)",
          not_measurable("no width sweep in this CPU budget"), bar="none: not measured here"),
)
