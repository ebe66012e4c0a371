"""A seeded small run of the experiment: the direction of each finding, and the claims."""
from __future__ import annotations

import pytest

from neurips25.common.progress import NullProgress
from neurips25.study import NOT_MEASURABLE, PARTLY, REPRODUCED
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
        assert tps[w]["suffix"] > max(tps[w]["prompt-lookup-k4"], tps[w]["prompt-lookup-k8"]), w
    assert tps["sql_tools"]["suffix"] > 1.5 * tps["sql_tools"]["suffix-no-global"]
    sweep = [r["tokens_per_step"] for r in m["cached_sweep"]["sql_tools"]]
    assert sweep[-1] > sweep[0]
    alpha = m["alpha_sweep"]["code_edit"]
    assert alpha[-1]["drafted_per_step"] > alpha[0]["drafted_per_step"]
    assert tps["open_ended"]["suffix"] < 0.5 * tps["code_edit"]["suffix"]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(m["figures"])
    got = {r["id"]: r["verdict"] for r in STUDY.check_claims(m)}
    assert got == {
        "suffix_beats_prompt_lookup": PARTLY,  # at an equal cap of 24, prompt lookup k=24 wins
        "global_tree_cross_request": REPRODUCED, "more_cached_more_acceptance": REPRODUCED,
        "alpha_tradeoff": REPRODUCED, "open_ended_control": REPRODUCED,
        "vs_eagle": NOT_MEASURABLE, "vs_token_recycling": NOT_MEASURABLE,
        **{c: NOT_MEASURABLE for c in ("e2e-lossless", "e2e-speedup-vs-greedy",
                                       "e2e-speedup-vs-prompt-lookup", "e2e-open-ended-control",
                                       "e2e-speculation-overhead")}}
    assert tps["code_edit"]["prompt-lookup-k24"] > tps["code_edit"]["suffix"]


def test_presets_and_bad_workload():
    assert Config.quick().seed == 0 and Config.full().n_eval > Config.quick().n_eval
    with pytest.raises(ValueError, match="unknown workloads"):
        Config(workloads=("nope",))


def test_demo_model_trains_before_part_one_starts(tmp_path, monkeypatch):
    """The demo model's barrier-synced workers get every core: part 1 starts after it."""
    import neurips25.suffix_decoding.experiment as ex

    events: list[str] = []
    monkeypatch.setattr(ex, "cpu_count", lambda: 2)
    monkeypatch.setattr(ex, "default_backend", lambda: "local")
    monkeypatch.setattr(ex, "_ensure_demo_model", lambda cfg, p: events.append("train") or True)

    def beside(arm, work):
        events.append("part 1 + part 2")
        return {"main": {}}, {"demo_model": {"cached": True}}

    monkeypatch.setattr(ex, "run_beside", beside)
    monkeypatch.setattr("neurips25.suffix_decoding.plots.save_figures", lambda m, d: [])
    m = ex.run(Config.quick(), tmp_path, NullProgress())
    assert events == ["train", "part 1 + part 2"]
    assert m["e2e"]["demo_model"]["cached"] is False  # it trained in this run
