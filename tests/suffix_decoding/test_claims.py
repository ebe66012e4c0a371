"""Every claim can fail: its check on the null case gives a verdict other than `reproduced`.

Each claim gets a counterfactual measurement (suffix no better than prompt lookup, a
global tree that adds nothing, a flat sweep, a reversed trade-off, an open-ended
workload as repetitive as agentic work, speculative outputs that differ from greedy,
no speedup, a heavy drafter) and must not come out `reproduced`; a good measurement
of the same shape must (so the null is not failing for a shape reason).
"""
from __future__ import annotations

import pytest

from neurips25.study import NOT_MEASURABLE, NOT_REPRODUCED, PARTLY, REPRODUCED
from neurips25.suffix_decoding import STUDY
from neurips25.suffix_decoding.claims import CLAIMS, E2E_CLAIMS
from neurips25.suffix_decoding.e2e import METHODS, _speedups

WORKLOADS = ("code_edit", "sql_tools", "self_refine", "open_ended")


def row(tps: float, drafted: float = 1.0, acc: float = 0.5) -> dict:
    return {"tokens_per_step": tps, "drafted_per_step": drafted, "acceptance_rate": acc}


def sim_metrics(suffix: float = 8.0, pld: float = 2.0, no_global: float = 2.0,
                open_ended: float = 1.5, sweep=(2.0, 5.0, 8.0),
                alpha=((1.0, 6.0, 7.0, 0.8), (4.0, 9.0, 14.0, 0.6))) -> dict:
    main = {}
    for w in WORKLOADS:
        s = open_ended if w == "open_ended" else suffix
        main[w] = {"suffix": row(s), "suffix-tree": row(s), "suffix-cap8": row(s),
                   "suffix-no-global": row(no_global if w == "sql_tools" else s),
                   "prompt-lookup-k4": row(pld), "prompt-lookup-k8": row(pld),
                   "prompt-lookup-k24": row(pld)}
    return {"main": main,
            "config_caps": {"suffix": 24, "pld_ks": [4, 8], "equal": 8},
            "cached_sweep": {"sql_tools": [{"cached": c, **row(y)}
                                           for c, y in zip((0, 10, 100), sweep, strict=True)]},
            "alpha_sweep": {"code_edit": [{"alpha": a, "tau": 0.1, **row(t, d, r)}
                                          for a, t, d, r in alpha]}}


NULLS = {
    "suffix_beats_prompt_lookup": dict(suffix=2.0, pld=2.0),
    "global_tree_cross_request": dict(no_global=8.0),
    "more_cached_more_acceptance": dict(sweep=(5.0, 5.0, 5.0)),
    "alpha_tradeoff": dict(alpha=((1.0, 9.0, 14.0, 0.6), (4.0, 6.0, 7.0, 0.8))),  # reversed
    "open_ended_control": dict(open_ended=8.0),
}


def verdicts(metrics: dict) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in STUDY.check_claims(metrics)}


@pytest.mark.parametrize("claim", sorted(NULLS))
def test_simulation_claims_fail_on_their_null(claim):
    assert verdicts(sim_metrics())[claim] == REPRODUCED
    assert verdicts(sim_metrics(**NULLS[claim]))[claim] == NOT_REPRODUCED


def test_equal_caps_decide_between_reproduced_and_partly():
    m = sim_metrics()
    m["main"]["code_edit"]["prompt-lookup-k24"] = row(11.0)  # a long fixed draft wins there
    v = {r["id"]: r for r in STUDY.check_claims(m)}["suffix_beats_prompt_lookup"]
    assert v["verdict"] == PARTLY and "code_edit" in v["reason"]
    assert "equal cap 24: 0.73x" in v["measured"] and "equal cap 8: 4.00x" in v["measured"]


def test_unmeasured_claims_say_so():
    v = verdicts(sim_metrics())
    assert v["vs_eagle"] == v["vs_token_recycling"] == NOT_MEASURABLE
    assert all(v[c.id] == NOT_MEASURABLE for c in E2E_CLAIMS)  # no "e2e" part in the metrics


def test_every_claim_states_where_its_bar_comes_from():
    for c in CLAIMS + E2E_CLAIMS:
        assert c.bar.split(":")[0] in ("paper", "a priori", "project target", "none"), c.id
    assert all("2411.04975v3" in c.paper_figure or "ArcticInference" in c.paper_figure
               or "NeurIPS" in c.paper_figure for c in CLAIMS + E2E_CLAIMS)


def e2e_metrics(speed: dict[str, float], same: int = 4, spec: float = 0.01,
                chat_speed: dict[str, float] | None = None) -> dict:
    """Metrics shaped like run_end_to_end's, with chosen tokens/CPU-s per method."""
    def block(tps):
        return {m: {"requests": 4, "identical_to_greedy": same if m != "greedy" else 4,
                    "tokens_per_cpu_s": tps[m], "tokens_per_wall_s": tps[m],
                    "tokens_per_step": tps[m] / 100, "spec_fraction": spec,
                    "index_fraction": spec / 2, "distinct_outputs": 4} for m in METHODS}

    ag, ch = block(speed), block(chat_speed or {m: 100.0 for m in METHODS})
    return {"e2e": {"config": {"pld_k": 8}, "agentic": ag,
                    "per_kind": {"tool": ag, "edit": ag, "chat": ch},
                    "speedup": _speedups(ag, ch)}}


GOOD = {"greedy": 100, "hf-prompt-lookup": 120, "prompt-lookup": 130, "suffix": 300,
        "suffix-tree": 250}


def e2e_verdicts(metrics: dict) -> dict[str, str]:
    return {c.id: c.evaluate(metrics)["verdict"] for c in E2E_CLAIMS}


def test_end_to_end_claims_pass_and_fail_on_their_null():
    assert set(e2e_verdicts(e2e_metrics(GOOD)).values()) == {REPRODUCED}
    nulls = {
        "e2e-lossless": e2e_metrics(GOOD, same=3),
        "e2e-speedup-vs-greedy": e2e_metrics({m: 100.0 for m in METHODS}),
        "e2e-speedup-vs-prompt-lookup": e2e_metrics({**GOOD, "prompt-lookup": 300}),
        "e2e-open-ended-control": e2e_metrics(GOOD, chat_speed=GOOD),
        "e2e-speculation-overhead": e2e_metrics(GOOD, spec=0.3),
    }
    for claim, m in nulls.items():
        assert e2e_verdicts(m)[claim] == NOT_REPRODUCED, claim
    mid = e2e_metrics({"greedy": 100, "hf-prompt-lookup": 120, "prompt-lookup": 140,
                       "suffix": 150, "suffix-tree": 140}, spec=0.1)
    for cid in ("e2e-speedup-vs-greedy", "e2e-speedup-vs-prompt-lookup",
                "e2e-speculation-overhead"):
        assert e2e_verdicts(mid)[cid] == PARTLY
