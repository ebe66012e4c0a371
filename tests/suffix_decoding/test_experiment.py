"""A seeded small run of the experiment: the direction of each finding, and the claims."""
from __future__ import annotations

import pytest

from neurips25.common.progress import NullProgress
from neurips25.study import VERDICTS
from neurips25.suffix_decoding import STUDY, Config
from neurips25.suffix_decoding.experiment import run


@pytest.mark.slow
def test_small_run_shows_the_findings(tmp_path):
    cfg = Config(n_history=40, n_eval=5, cached_sweep=(0, 10, 60), max_output_tokens=200,
                 alphas=(1.0, 4.0), taus=(0.1,), alpha_workloads=("code_edit",), e2e=None)
    m = run(cfg, tmp_path, NullProgress())
    main = m["main"]
    tps = {w: {k: v["tokens_per_step"] for k, v in r.items()} for w, r in main.items()}
    for w in ("code_edit", "sql_tools", "self_refine"):
        assert tps[w]["suffix_path"] > max(tps[w]["prompt_lookup_k4"], tps[w]["prompt_lookup_k8"]), w
    assert tps["sql_tools"]["suffix_path"] > 1.5 * tps["sql_tools"]["suffix_path_no_global"]
    sweep = [r["tokens_per_step"] for r in m["cached_sweep"]["sql_tools"]]
    assert sweep[-1] > sweep[0]
    alpha = m["alpha_sweep"]["code_edit"]
    assert alpha[-1]["drafted_per_step"] > alpha[0]["drafted_per_step"]
    assert tps["open_ended"]["suffix_path"] < 0.5 * tps["code_edit"]["suffix_path"]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(m["figures"])
    rows = STUDY.check_claims(m)
    assert {r["verdict"] for r in rows} <= set(VERDICTS)
    assert not any(r["reason"].startswith("check failed") for r in rows)


def test_claims_can_fail():
    flat = {"tokens_per_step": 1.0, "drafted_per_step": 1.0, "acceptance_rate": 0.5}
    main = {w: {"suffix": flat, "suffix-no-global": flat, "prompt-lookup-k4": flat}
            for w in ("code_edit", "sql_tools", "self_refine", "open_ended")}
    m = {"main": main, "cached_sweep": {"sql_tools": [{"cached": 0, **flat}, {"cached": 9, **flat}]},
         "alpha_sweep": {"code_edit": [{"alpha": 1.0, "tau": 0.1, **flat}, {"alpha": 4.0, "tau": 0.1, **flat}]}}
    verdicts = {r["id"]: r["verdict"] for r in STUDY.check_claims(m)}
    assert all(verdicts[c] == "not reproduced" for c in (
        "suffix_beats_prompt_lookup", "global_tree_cross_request", "more_cached_more_acceptance",
        "alpha_tradeoff", "open_ended_control"))


def test_presets_and_bad_workload():
    assert Config.quick().seed == 0 and Config.full().n_eval > Config.quick().n_eval
    with pytest.raises(ValueError, match="unknown workloads"):
        Config(workloads=("nope",))
