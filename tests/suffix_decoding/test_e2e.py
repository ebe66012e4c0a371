"""A tiny seeded end-to-end run: trains a micro demo model into a temp cache, evaluates."""
from __future__ import annotations

import dataclasses

import pytest

from neurips25.common.progress import NullProgress
from neurips25.study import NOT_REPRODUCED, PARTLY, REPRODUCED, VERDICTS
from neurips25.suffix_decoding.demo.model import DemoModelConfig, model_dir
from neurips25.suffix_decoding.demo.tasks import KINDS, held_out, make_requests
from neurips25.suffix_decoding.e2e import E2E_CLAIMS, METHODS, E2EConfig, run_end_to_end


def test_splits_are_disjoint_and_deterministic():
    for kind in KINDS:
        a = make_requests(kind, 50, 3, "eval")
        assert a == make_requests(kind, 50, 3, "eval")
        train = {q.prompt for q in make_requests(kind, 500, 3, "train")}
        assert len(held_out(a, train)) >= 45  # distinct streams rarely collide
        assert all(q.response.endswith("<|end|>") for q in a)
    with pytest.raises(ValueError, match="kind"):
        make_requests("poem", 1, 0, "eval")


def test_model_cache_key_and_location(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    a, b = DemoModelConfig(), DemoModelConfig(steps=7)
    assert model_dir(a) != model_dir(b) and model_dir(a) == model_dir(DemoModelConfig())
    assert model_dir(a).is_relative_to(tmp_path)


@pytest.mark.slow
def test_tiny_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path / "cache"))
    cfg = dataclasses.replace(E2EConfig.quick(), train_steps=12, train_requests=300,
                              history_requests=3, eval_requests=2, max_new_tokens=24,
                              cost_sizes=(0, 2, 8), cost_repeats=2, ref_hidden=64)
    m = run_end_to_end(cfg, tmp_path / "out", NullProgress())
    for name in ("e2e_throughput.png", "e2e_cost_curve.png", "e2e_training_loss.png"):
        assert (tmp_path / "out" / name).stat().st_size > 1000
    assert m["demo_model"]["cached"] is False
    assert set(m["agentic"]) == set(METHODS)
    for meth in ("prompt-lookup", "suffix", "suffix-tree"):
        assert m["agentic"][meth]["identical_to_greedy"] == m["agentic"][meth]["requests"] == 4
        assert m["agentic"][meth]["tokens_per_step"] >= 1.0
    assert m["agentic"]["greedy"]["tokens_per_step"] == 1.0
    assert len(m["cost_curve"]["forward_cpu_ms"]) == 3
    assert set(m["reference_cost_curve"]["predicted_speedup_vs_greedy"]) == {
        "prompt-lookup", "suffix", "suffix-tree"}
    verdicts = {c.id: c.evaluate(m) for c in E2E_CLAIMS}
    assert verdicts["e2e-lossless"]["verdict"] == REPRODUCED
    assert all(v["verdict"] in VERDICTS and "check failed" not in v["reason"]
               for v in verdicts.values())
    assert [c.evaluate({"e2e": m}) for c in E2E_CLAIMS] == list(verdicts.values())
    # second run loads the cached weights instead of training
    again = run_end_to_end(dataclasses.replace(cfg, eval_requests=1), tmp_path / "out2",
                           NullProgress())
    assert again["demo_model"]["cached"] is True


def _fake_metrics(speed: dict[str, float], same: int = 4, spec: float = 0.01) -> dict:
    """Metrics shaped like run_end_to_end's, with chosen tokens/CPU-s per method."""
    def block(tps):
        return {m: {"requests": 4, "identical_to_greedy": same if m != "greedy" else 4,
                    "tokens_per_cpu_s": tps[m], "tokens_per_wall_s": tps[m],
                    "tokens_per_step": tps[m] / 100, "spec_fraction": spec,
                    "index_fraction": spec / 2, "distinct_outputs": 4} for m in METHODS}
    from neurips25.suffix_decoding.e2e import _speedups

    ag, ch = block(speed), block({m: 100.0 for m in METHODS})
    return {"config": {"pld_k": 8}, "agentic": ag,
            "per_kind": {"tool": ag, "edit": ag, "chat": ch}, "speedup": _speedups(ag, ch)}


def test_claims_can_fail_and_pass():
    by_id = {c.id: c for c in E2E_CLAIMS}
    good = _fake_metrics({"greedy": 100, "hf-prompt-lookup": 120, "prompt-lookup": 130,
                          "suffix": 300, "suffix-tree": 250})
    assert all(c.evaluate(good)["verdict"] == REPRODUCED for c in E2E_CLAIMS)
    bad = _fake_metrics({m: 100.0 for m in METHODS}, same=3, spec=0.3)
    assert all(c.evaluate(bad)["verdict"] == NOT_REPRODUCED for c in E2E_CLAIMS)
    mid = _fake_metrics({"greedy": 100, "hf-prompt-lookup": 120, "prompt-lookup": 140,
                         "suffix": 150, "suffix-tree": 140}, spec=0.1)
    for cid in ("e2e-speedup-vs-greedy", "e2e-speedup-vs-prompt-lookup", "e2e-speculation-overhead"):
        assert by_id[cid].evaluate(mid)["verdict"] == PARTLY
