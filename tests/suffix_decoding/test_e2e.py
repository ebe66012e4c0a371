"""A tiny seeded end-to-end run: trains a micro demo model into a temp cache, evaluates."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from neurips25.common.progress import NullProgress
from neurips25.common.threads import threads
from neurips25.study import REPRODUCED, VERDICTS
from neurips25.suffix_decoding.claims import E2E_CLAIMS
from neurips25.suffix_decoding.demo.model import DemoModelConfig, model_dir
from neurips25.suffix_decoding.demo.tasks import KINDS, held_out, make_requests
from neurips25.suffix_decoding.e2e import METHODS, E2EConfig, run_end_to_end


def test_splits_are_disjoint_and_deterministic():
    for kind in KINDS:
        a = make_requests(kind, 50, 3, "eval")
        assert a == make_requests(kind, 50, 3, "eval")
        train = {q.prompt for q in make_requests(kind, 500, 3, "train")}
        assert len(held_out(a, train)) >= 45  # distinct streams rarely collide
        assert all(q.output.endswith("<|end|>") for q in a)
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
    with threads(3):  # the caller's setting; training and evaluation must leave it alone
        m = run_end_to_end(cfg, tmp_path / "out", NullProgress())
        assert torch.get_num_threads() == 3
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
