"""The paper's headline claims (Yue et al., arXiv 2504.13837v5) as checks on the toy's metrics.

Tables are numbered as in arXiv v5 (Nov 2025): Table 2 = coverage (AIME24 / MATH500),
Table 3 = RL algorithms on Omni-MATH, Table 4 = GRPO training steps. Every comparison is
judged on the mean over seeds with a 95% Student-t interval (``metrics["across"]``); each
seed's own paired bootstrap sits in ``metrics["per_seed"]``. A base model that solves
(nearly) every problem at k = 256 leaves no room for the coverage claims to fail, so those
checks report "not measurable here" then instead of passing.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from neurips25.common.stats import MeanCI
from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED, Claim, Metrics

Check = Callable[[Metrics], "tuple[str, str, str]"]
SATURATED = 0.99  # base pass@256 at or above this: every problem already solved by base
SUBSET_BAR = 0.02  # RL-only share of RL-solved problems (paper: 1.0% on MATH500, Table 2)
PPL_BAR = 1.05  # RL samples' median perplexity under base, relative to base's own samples


def ci(d: Mapping[str, Any]) -> MeanCI:
    """A ``MeanCI`` from its dict form (JSON turns infinite bounds into None)."""
    lo, hi = d.get("lo"), d.get("hi")
    return MeanCI(float(d["mean"]), -math.inf if lo is None else float(lo),
                  math.inf if hi is None else float(hi), int(d["n"]), float(d.get("level", 0.95)))


def _fmt(d: Mapping[str, Any]) -> str:
    c = ci(d)
    if c.n < 2:
        return f"{c.mean:+.3f} (1 seed)"
    return f"{c.mean:+.3f} [{c.lo:+.3f}, {c.hi:+.3f}]"


def _needs_base(check: Check) -> Check:
    """A base model still on the pretraining loss plateau knows no addition: nothing to measure."""
    def guarded(m: Metrics) -> tuple[str, str, str]:
        if not m.get("pretrain_converged", True):
            loss = max(m["pretrain_final_loss"]) if isinstance(m["pretrain_final_loss"], list) \
                else m["pretrain_final_loss"]
            return (f"pretraining loss {loss:.2f}", NOT_MEASURABLE,
                    "the base model did not learn the task (loss plateau); raise pretrain_steps")
        return check(m)
    return guarded


def _unsaturated(check: Check) -> Check:
    """Coverage claims need problems the base model does not solve at k = 256."""
    def guarded(m: Metrics) -> tuple[str, str, str]:
        base_k = ci(m["across"]["base_passK"]).mean
        if base_k >= SATURATED:
            return (f"base pass@{m['big_k']} {base_k:.3f}", NOT_MEASURABLE,
                    "the base model solves (nearly) every problem at large k, so nothing can be "
                    "solved beyond it: the toy is saturated and this claim cannot fail")
        return check(m)
    return _needs_base(guarded)


def _rl_wins_at_1(m: Metrics) -> tuple[str, str, str]:
    a = m["across"]
    d = ci(a["rl_minus_base_pass1"])
    measured = (f"pass@1 base {ci(a['base_pass1']).mean:.3f} vs RL {ci(a['rl_pass1']).mean:.3f}; "
                f"RL - base {_fmt(a['rl_minus_base_pass1'])} over {d.n} seeds")
    if d.lo > 0:
        return measured, REPRODUCED, "RL's pass@1 is higher; the interval over seeds excludes 0"
    if d.mean > 0:
        return measured, PARTLY, "RL's pass@1 is higher on average but the interval includes 0"
    return measured, NOT_REPRODUCED, "RL does not raise pass@1 here"


def _crossover(m: Metrics) -> tuple[str, str, str]:
    a, kk = m["across"], m["big_k"]
    d1, dk = ci(a["rl_minus_base_pass1"]), ci(a["rl_minus_base_passK"])
    stars = ", ".join("none" if k is None else str(k) for k in a["rl_k_star"])
    measured = (f"pass@{kk} base {ci(a['base_passK']).mean:.3f} vs RL {ci(a['rl_passK']).mean:.3f};"
                f" RL - base {_fmt(a['rl_minus_base_passK'])}; k* per seed: {stars}")
    if dk.hi < 0 and d1.mean > 0:
        return measured, REPRODUCED, (f"RL leads at k=1 and base leads at k={kk}, the interval "
                                      "over seeds excluding 0: the curves cross")
    if dk.mean < 0:
        return measured, PARTLY, (f"base is ahead at k={kk} on average, but the interval includes "
                                  "0 or RL does not lead at k=1")
    return measured, NOT_REPRODUCED, "no crossover: RL stays at or above base at large k"


def _subset(m: Metrics) -> tuple[str, str, str]:
    a = m["across"]
    share = ci(a["rl_only_share"])
    measured = (f"RL-only problems per seed {a['rl_only']} (of {m['n_problems']}); share of "
                f"RL-solved problems {_fmt(a['rl_only_share'])}; base pass@{m['big_k']} "
                f"{ci(a['base_passK']).mean:.3f}")
    if share.hi <= SUBSET_BAR:
        return measured, REPRODUCED, (f"nearly every problem RL solves, base solves too (upper "
                                      f"bound {max(share.hi, 0):.1%} <= {SUBSET_BAR:.0%})")
    if share.mean <= SUBSET_BAR:
        return measured, PARTLY, (f"RL-only share {share.mean:.1%} on average, but the interval "
                                  f"reaches past {SUBSET_BAR:.0%}")
    return measured, NOT_REPRODUCED, "RL solves a real share of problems the base never solves"


def _perplexity(m: Metrics) -> tuple[str, str, str]:
    a = m["across"]
    ratio = ci(a["ppl_log_ratio_rl_base"])
    share = ci(a["ppl_rl_share_below_base_q90"]).mean
    meds = [s["perplexity_under_base_median"] for s in m["per_seed"]]
    mean_of = lambda k: sum(x[k] for x in meds) / len(meds)  # noqa: E731
    upper = f"upper {math.exp(ratio.hi):.3f}x" if ratio.n > 1 else "1 seed"
    measured = (f"median PPL under base (mean over seeds): base samples {mean_of('base'):.3f}, "
                f"RL samples {mean_of('rl'):.3f}, distilled {mean_of('distill'):.3f}; RL/base "
                f"{math.exp(ratio.mean):.3f}x ({upper}); {1 - share:.0%} of RL samples above "
                "base's 90th percentile (base itself: 10%)")
    if ratio.hi <= math.log(PPL_BAR) and share >= 0.9:
        return measured, REPRODUCED, "RL outputs sit in the base model's high-likelihood region"
    if ratio.mean <= math.log(PPL_BAR):
        return measured, PARTLY, ("RL outputs are about as likely under base as base's own "
                                  "samples, but not clearly so over seeds or not concentrated "
                                  "in its low-perplexity part")
    return measured, NOT_REPRODUCED, "RL outputs are less likely under base than base's own samples"


def _distill(m: Metrics) -> tuple[str, str, str]:
    a, kk = m["across"], m["big_k"]
    d1, dk = ci(a["distill_minus_base_pass1"]), ci(a["distill_minus_base_passK"])
    measured = (f"distill - base: pass@1 {_fmt(a['distill_minus_base_pass1'])}, pass@{kk} "
                f"{_fmt(a['distill_minus_base_passK'])}; solved only by distill per seed "
                f"{a['distill_only']} (base pass@{kk} {ci(a['base_passK']).mean:.3f})")
    if d1.mean <= 0:
        return measured, NOT_REPRODUCED, "distillation does not raise pass@1 over base"
    if d1.lo > 0 and dk.lo > 0:
        return measured, REPRODUCED, f"distillation is above base at k=1 and at k={kk}"
    if dk.hi < 0:
        return measured, PARTLY, f"higher at small k but below base at k={kk}"
    return measured, PARTLY, f"above base on average, but an interval (k=1 or k={kk}) includes 0"


def _longer_rl(m: Metrics) -> tuple[str, str, str]:
    a, kk = m["across"], m["big_k"]
    steps = m["per_seed"][0]["rl_trajectory"]["steps"]
    traj = ", ".join(f"{s}: {p:.3f}/{q:.3f}" for s, p, q in
                     zip(steps, a["trajectory_pass1"], a["trajectory_passK"], strict=True))
    up, down = ci(a["longer_pass1"]), ci(a["longer_passK"])
    measured = (f"RL steps: pass@1/pass@{kk} (mean over seeds) = {traj}; last - first: pass@1 "
                f"{_fmt(a['longer_pass1'])}, pass@{kk} {_fmt(a['longer_passK'])}")
    if up.lo > 0 and down.hi < 0:
        return measured, REPRODUCED, "later checkpoints have higher pass@1 and lower pass@K"
    if down.hi < 0:
        return measured, PARTLY, "pass@K falls with longer RL, but the pass@1 rise includes 0"
    if up.lo > 0:
        return measured, PARTLY, "pass@1 rises with longer RL, but the pass@K fall includes 0"
    return measured, NOT_REPRODUCED, "longer RL does not trade pass@K for pass@1 here"


def _edge(m: Metrics) -> tuple[str, str, str]:
    a, kk = m["across"], m["big_k"]
    dk = ci(a["rl_edge_minus_base_passK"])
    c_share = [s["arms"]["rl_edge"]["tag_c_share"] for s in m["per_seed"]]
    b_share = [s["arms"]["base"]["tag_c_share"] for s in m["per_seed"]]
    measured = (f"edge-RL - base: pass@1 {_fmt(a['rl_edge_minus_base_pass1'])}, pass@{kk} "
                f"{_fmt(a['rl_edge_minus_base_passK'])}; solved only by edge-RL per seed "
                f"{a['rl_edge_only']}; C-strategy share {sum(b_share) / len(b_share):.2f} -> "
                f"{sum(c_share) / len(c_share):.2f}")
    new = sum(a["rl_edge_only"])
    if dk.lo > 0:
        return measured, NOT_REPRODUCED, "with edge-of-competence prompts RL does expand pass@K"
    if dk.hi < 0:
        return measured, REPRODUCED, "even edge-of-competence RL stays below base at large k"
    return measured, PARTLY, ("edge-of-competence RL matches base at large k (the interval over "
                              f"seeds includes 0); it solves {new} problem(s) base never did")


CLAIMS = (
    Claim("rl_wins_small_k", "RLVR-trained models outperform their base models at small k (k = 1).",
          "Omni-MATH train pass@1: base 9.9 vs GRPO 26.1 (arXiv v5, Table 3)",
          _needs_base(_rl_wins_at_1),
          bar="a priori: RL - base pass@1 > 0, its 95% t-interval over seeds above 0"),
    Claim("base_wins_large_k", "Base models match or beat RL models at large k: the curves cross.",
          "pass@256: base 67.2 vs GRPO 66.3 (arXiv v5, Table 3); base ahead at large k on every "
          "benchmark (Fig. 2)", _needs_base(_crossover),
          bar="a priori: the sign only (the paper's gap is 0.9 points): base - RL pass@256 > 0 "
              "with its t-interval over seeds above 0, and RL ahead at k = 1"),
    Claim("rl_solved_subset", "Problems solved by the RL model are (nearly) a subset of those the "
          "base model solves.", "RL-only solvable: 0.0% of AIME24, 1.0% of MATH500 problems "
          "(arXiv v5, Table 2)", _unsaturated(_subset),
          bar=f"paper: ~1% RL-only on MATH500 (Table 2); here the upper 95% bound of the RL-only "
              f"share of RL-solved problems must be <= {SUBSET_BAR:.0%}"),
    Claim("rl_low_perplexity", "RL outputs have low perplexity under the base model: they are "
          "already in its sampling distribution.", "PPL_Base(Y_RL) in the low part of "
          "PPL_Base(Y_Base) (arXiv v5, Fig. 6; histogram, no number)", _needs_base(_perplexity),
          bar=f"a priori: median PPL of RL samples under base <= {PPL_BAR}x that of base's own "
              "samples (upper t bound over seeds) and >= 90% of them below base's 90th percentile"),
    Claim("distill_expands", "Distillation from a teacher raises pass@k at every k (new knowledge, "
          "unlike RL).", "distilled model above base at every k (arXiv v5, Fig. 7; no number)",
          _unsaturated(_distill),
          bar="a priori: distilled - base > 0 at k = 1 and at k = 256, both t-intervals over "
              "seeds above 0"),
    Claim("longer_rl_narrows", "Longer RL raises pass@1 and lowers pass@256.",
          "GRPO steps 150/300/450: pass@1 26.1/33.6/42.5, pass@256 66.3/65.3/64.3 "
          "(arXiv v5, Table 4)", _needs_base(_longer_rl),
          bar="paper: direction of Table 4 (+16.4 / -2.0 points); here last - first checkpoint "
              "pass@1 > 0 and pass@256 < 0, both t-intervals over seeds excluding 0"),
    Claim("edge_prompts_boundary", "Counterpoint arm: RL with prompts at the edge of competence "
          "(carry problems) still does not push pass@k above base at large k.",
          "paper: every RL algorithm stays below base at pass@256 (arXiv v5, Table 3); "
          "ProRL-style work argues prolonged RL on hard prompts expands it",
          _unsaturated(_edge),
          bar="a priori: edge-RL - base pass@256 < 0 with its t-interval over seeds below 0 "
              "(above 0: not reproduced; straddling 0: partly)"),
)
