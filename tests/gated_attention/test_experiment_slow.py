"""Seeded short run of the experiment: the direction of the paper's sink finding."""
from __future__ import annotations

import pytest

from neurips25.common.progress import NullProgress
from neurips25.gated_attention import STUDY
from neurips25.gated_attention.experiment import Config, arm_specs, run
from neurips25.gated_attention.model import TinyLM, n_params


@pytest.mark.slow
def test_short_run_baseline_sinks_and_g1_does_not(tmp_path) -> None:
    cfg = Config(n_head=1, sink_steps=750, arms=("baseline", "g1_elementwise"), h2_arms=(),
                 act_steps=0, eval_every=0, workers=2)
    m = run(cfg, tmp_path, NullProgress())
    u = m["uniform_share"]
    base, g1 = m["arms"]["baseline"], m["arms"]["g1_elementwise"]
    assert base["first_token_share"] >= 3 * u, (base["first_token_share"], u)
    assert g1["first_token_share"] <= 1.5 * u, (g1["first_token_share"], u)
    assert g1["gate_mean"] < 0.5  # gates closed from their 0.5 start
    assert g1["loss"] <= base["loss"] + 0.02
    assert (tmp_path / "attention_heatmaps.png").is_file() and (tmp_path / "baseline.pt").is_file()
    rows = {r["id"]: r for r in STUDY.check_claims(m)}
    assert rows["sink_free"]["verdict"] == "reproduced"
    assert rows["massive_activations"]["verdict"] == "not measurable here"


def test_presets_and_equal_parameters() -> None:
    quick, full = Config.quick(), Config.full()
    assert set(quick.arms) <= set(full.arms) and full.text_steps > 0 and quick.text_steps == 0
    assert "head_shared" in quick.h2_arms and "head_shared" not in quick.arms
    specs = {s.name: s for s in arm_specs(quick)}
    base = n_params(TinyLM(specs["act_baseline"].model))
    gated = n_params(TinyLM(specs["act_g1"].model))
    assert abs(gated - base) <= 3 * quick.d_model * quick.act_layers  # FFN shrunk to match
    with pytest.raises(ValueError, match="unknown arm"):
        arm_specs(Config(arms=("baseline", "g9")))


def test_every_part_runs_end_to_end(tmp_path) -> None:
    """A few steps of every part (sink, 2-head, FFN, text): files, metrics, claims."""
    cfg = Config(d_model=16, seq_len=16, text_seq_len=16, batch=4, sink_steps=3, act_steps=3,
                 text_steps=3, eval_every=2, workers=1,
                 arms=("baseline", "g1_elementwise", "g2_value"))
    m = run(cfg, tmp_path, NullProgress())
    assert set(m) >= {"arms", "h2", "act", "text", "uniform_share"}
    assert set(m["h2"]["arms"]) == set(cfg.h2_arms)
    assert len(m["arms"]["baseline"]["history"]) == 2  # step 2 and the final step 3
    for png in ("attention_heatmaps", "first_token_share", "gate_histogram", "max_activation",
                "h2_first_token_share", "first_token_share_training"):
        assert (tmp_path / f"{png}.png").stat().st_size > 1000
    rows = STUDY.check_claims(m)
    assert not any("check failed" in r["reason"] for r in rows)
    assert {r["id"]: r for r in rows}["text_sink_free"]["verdict"] != "not measurable here"
