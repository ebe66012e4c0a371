"""Seeded short runs of the experiment: the direction of the paper's sink finding per seed,
and every part of the run reported by the claims."""
from __future__ import annotations

import pytest

from neurips25.common.progress import NullProgress
from neurips25.gated_attention import STUDY
from neurips25.gated_attention.experiment import Config, arm_specs, run
from neurips25.gated_attention.model import TinyLM, n_params


@pytest.mark.slow
def test_short_run_baseline_sinks_and_g1_does_not(tmp_path) -> None:
    # the quick preset's 1-head budget (1000 steps), two of its seeds; at 750 steps seed 0's
    # baseline had not formed its sink yet (1.7x uniform)
    cfg = Config(n_head=1, sink_steps=1000, arms=("baseline", "g1_elementwise"), mh_arms=(),
                 act_steps=0, text_steps=0, eval_every=0, seeds=2)
    m = run(cfg, tmp_path, NullProgress())
    u = m["uniform_share"]
    base, g1 = m["arms"]["baseline"], m["arms"]["g1_elementwise"]
    shares = base["per_seed"]["first_token_share"]
    for b, g in zip(shares, g1["per_seed"]["first_token_share"], strict=True):
        assert b > g and g <= 1.5 * u, (b, g, u)  # on every seed: G1 near uniform, below base
    assert sum(shares) / len(shares) >= 3 * u, (shares, u)  # the baseline sinks on average
    assert max(g1["per_seed"]["gate_mean"]) < 0.5  # gates closed from their 0.5 start
    assert (tmp_path / "attention_heatmaps.png").is_file() and (tmp_path / "baseline.pt").is_file()
    rows = {r["id"]: r for r in STUDY.check_claims(m)}
    # two seeds give a wide t interval on G1's share, so "removed" may only be "partly"
    assert rows["sink_free"]["verdict"] in ("reproduced", "partly"), rows["sink_free"]
    assert rows["massive_activations"]["verdict"] == "not measurable here"
    assert rows["variant_ordering"]["verdict"] == "not measurable here"


def test_presets_and_equal_parameters() -> None:
    quick, full = Config.quick(), Config.full()
    assert set(quick.arms) <= set(full.arms) and full.text_steps > 0
    assert quick.seeds >= 3 and full.seeds >= 3 and full.text_seeds >= 3
    assert quick.mh_heads == 4 and "head_shared" in quick.mh_arms
    specs = {s.name: s for s in arm_specs(quick)}
    n_arms = len(quick.arms) + len(quick.mh_arms) + 2
    assert len(specs) == quick.seeds * n_arms + 2 * quick.text_seeds
    base = n_params(TinyLM(specs["act/act_baseline/seed=0"].model))
    gated = n_params(TinyLM(specs["act/act_g1/seed=0"].model))
    assert abs(gated - base) <= 3 * quick.d_model * quick.act_layers  # FFN shrunk to match
    with pytest.raises(ValueError, match="unknown arm"):
        arm_specs(Config(arms=("baseline", "g9")))
    with pytest.raises(ValueError, match="seeds"):
        arm_specs(Config(seeds=0))


def test_every_part_runs_end_to_end(tmp_path) -> None:
    """A few steps of every part (sink, 4-head, FFN, text) for two seeds: files, per-seed
    metrics, and claims that report every part."""
    cfg = Config(d_model=16, seq_len=16, text_seq_len=16, batch=4, sink_steps=3, act_steps=3,
                 text_steps=3, eval_every=2, seeds=2,
                 arms=("baseline", "g1_elementwise", "g2_value"))
    m = run(cfg, tmp_path, NullProgress())
    assert set(m) >= {"arms", "mh", "act", "text", "uniform_share", "seeds"}
    assert set(m["mh"]["arms"]) == set(cfg.mh_arms) and m["mh"]["heads"] == 4
    assert len(m["arms"]["baseline"]["history"]) == 2  # step 2 and the final step 3
    for block in (m, m["mh"], m["act"]):
        for arm in block["arms"].values():
            assert len(arm["per_seed"]["loss"]) == 2
            assert arm["loss"] == pytest.approx(sum(arm["per_seed"]["loss"]) / 2)
    assert len(m["text"]["arms"]["text_g1"]["per_seed"]["loss"]) == 1  # text_seeds = 1
    for png in ("attention_heatmaps", "first_token_share", "gate_histogram", "max_activation",
                "mh_first_token_share", "text_first_token_share", "first_token_share_training"):
        assert (tmp_path / f"{png}.png").stat().st_size > 1000
    rows = {r["id"]: r for r in STUDY.check_claims(m)}
    assert not any(r["verdict"] == "check failed" for r in rows.values()), rows
    for part in ("1 head", "4 heads", "2-layer FFN"):
        assert part in rows["sink_free"]["measured"]
        assert part in rows["loss_improves"]["measured"]
    assert "text" in rows["loss_improves"]["measured"]
    assert rows["text_sink_free"]["measured"].startswith("text:")
    assert rows["text_sink_free"]["verdict"] != "not measurable here"


def test_serial_and_local_pool_agree_and_a_resumed_run_reuses_finished_arms(tmp_path) -> None:
    import torch

    from neurips25.common.executor import use_executor
    from neurips25.gated_attention.model import load_checkpoint

    cfg = Config(d_model=16, seq_len=16, batch=4, sink_steps=3, mh_arms=(), act_steps=0,
                 text_steps=0, eval_every=0, seeds=2)
    assert STUDY.takes_device and cfg.device == "cpu"
    before = torch.get_num_threads()
    with use_executor("serial"):
        a = run(cfg, tmp_path / "a", NullProgress())
    assert torch.get_num_threads() == before
    with use_executor("local"):
        b = run(cfg, tmp_path / "b", NullProgress())
    assert a == b
    cached = sorted((tmp_path / "a" / "arms").rglob("*.json"))
    assert len(cached) == 4  # 2 arms x 2 seeds
    stamps = {p: p.stat().st_mtime_ns for p in cached}
    cached[0].unlink()
    with use_executor("serial"):
        again = run(cfg, tmp_path / "a", NullProgress())
    assert again == a and cached[0].exists()
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items() if p != cached[0])
    model, _ = load_checkpoint(tmp_path / "a" / "baseline.pt")  # weights survive the cache
    assert sum(p.numel() for p in model.parameters()) == a["arms"]["baseline"]["n_params"]


def test_device_reaches_the_model() -> None:
    import torch

    from neurips25.gated_attention.train import train_arm

    spec = arm_specs(Config(d_model=16, seq_len=16, batch=2, sink_steps=1, mh_arms=(),
                            act_steps=0, text_steps=0, eval_every=0, seeds=1,
                            device="cuda"))[0]
    assert spec.device == "cuda"
    if not torch.cuda.is_available():
        with pytest.raises((RuntimeError, AssertionError)):  # torch built without CUDA
            train_arm(spec)
