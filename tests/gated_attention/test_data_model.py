"""Bigram-Backcopy data, TinyLM, the equal-parameter helper and checkpoints."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from neurips25.common.errors import UserError
from neurips25.gated_attention.data import BOS, BackcopyTask
from neurips25.gated_attention.diagnostics import diagnose_tinylm
from neurips25.gated_attention.gates import GateConfig
from neurips25.gated_attention.model import (
    TinyLM,
    TinyLMConfig,
    equal_param_config,
    load_checkpoint,
    n_params,
    save_checkpoint,
)


def test_backcopy_rules() -> None:
    task = BackcopyTask(n_symbols=10, n_triggers=2, seq_len=40, alpha=1.0)
    x = task.sample(64, np.random.default_rng(0)).numpy()
    trig = set(task.triggers.tolist())
    assert (x[:, 0] == BOS).all() and (x[:, 1:] != BOS).all()
    n_copies = 0
    for row in x:
        for t in range(1, len(row) - 1):
            if row[t] in trig:
                assert row[t - 1] not in trig  # never two triggers in a row
                assert row[t + 1] == row[t - 1]  # the copy rule
                n_copies += 1
    assert n_copies > 50
    assert task.copy_mask(torch.from_numpy(x)).sum() >= n_copies
    np.testing.assert_allclose(task.transition().sum(1), np.ones(task.vocab_size))
    y = task.sample(64, np.random.default_rng(0)).numpy()
    np.testing.assert_array_equal(x, y)


def _reference_sample(task: BackcopyTask, batch: int, rng: np.random.Generator) -> np.ndarray:
    """The sampler as first written: the table rebuilt and one uniform draw per position."""
    cum = np.cumsum(task.transition(), axis=1)
    is_trig = np.isin(np.arange(task.vocab_size), task.triggers)
    out = np.zeros((batch, task.seq_len), dtype=np.int64)
    for t in range(1, task.seq_len):
        cur = out[:, t - 1]
        nxt = np.minimum((cum[cur] < rng.random(batch)[:, None]).sum(1), task.vocab_size - 1)
        out[:, t] = np.where(is_trig[cur], out[:, t - 2], nxt) if t >= 2 else nxt
    return out


def test_sampler_draws_the_same_stream_as_the_per_position_reference() -> None:
    """The cached-table sampler must keep every seeded run's data (and results) unchanged."""
    for task in (BackcopyTask(), BackcopyTask(n_symbols=10, n_triggers=2, seq_len=40, seed=3)):
        a, b = np.random.default_rng(7), np.random.default_rng(7)
        for batch in (1, 32, 5):
            np.testing.assert_array_equal(task.sample(batch, a).numpy(),
                                          _reference_sample(task, batch, b))


def test_tinylm_fast_and_explicit_paths_agree() -> None:
    torch.manual_seed(0)
    cfg = TinyLMConfig(vocab_size=20, max_len=16, n_layer=2, d_model=32, n_head=4, n_kv_head=2,
                       qk_norm=True, gate=GateConfig())
    model = TinyLM(cfg).eval()
    idx = torch.randint(0, 20, (2, 16))
    logits, internals = model(idx, return_internals=True)
    torch.testing.assert_close(model(idx), logits, rtol=1e-5, atol=1e-5)
    assert len(internals.hidden) == 2 and internals.attn[0].probs.shape == (2, 4, 16, 16)
    d = diagnose_tinylm(model, idx)
    assert d.gate_mean == pytest.approx(0.5, abs=0.05)  # default init: gates start near 0.5
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(1, 17, dtype=torch.long))


@pytest.mark.parametrize("gate", [GateConfig(), GateConfig(granularity="headwise"),
                                  GateConfig(position="g2"), GateConfig(head_specific=False)])
def test_equal_param_config(gate: GateConfig) -> None:
    base = TinyLMConfig(vocab_size=68, max_len=64, n_layer=2, d_model=64, n_head=2)
    gated = equal_param_config(base, gate)
    diff = n_params(TinyLM(gated)) - n_params(TinyLM(base))
    assert abs(diff) <= 3 * 64 // 2 * base.n_layer
    assert gated.gate == gate and equal_param_config(base, None).gate is None


def test_checkpoint_roundtrip(tmp_path) -> None:
    torch.manual_seed(1)
    model = TinyLM(TinyLMConfig(vocab_size=12, max_len=8, n_layer=1, d_model=16, n_head=2,
                                gate=GateConfig(granularity="headwise")))
    path = save_checkpoint(model, tmp_path / "m.pt", {"example_ids": [[0, 1, 2]]})
    loaded, extra = load_checkpoint(path)
    idx = torch.randint(0, 12, (1, 8))
    assert torch.equal(loaded(idx), model.eval()(idx))
    assert loaded.cfg == model.cfg and extra == {"example_ids": [[0, 1, 2]]}
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="bad.pt"):
        load_checkpoint(tmp_path / "bad.pt")


def test_text_arm_trains_on_stdlib_bytes() -> None:
    from neurips25.gated_attention.text import STDLIB, VOCAB_SIZE, encode, load_bytes
    from neurips25.gated_attention.train import ArmSpec, train_arm

    data = load_bytes(STDLIB)
    assert data.dtype == np.uint8 and len(data) > 100_000
    assert encode("ab") == [0, ord("a") + 1, ord("b") + 1]
    cfg = TinyLMConfig(vocab_size=VOCAB_SIZE, max_len=16, n_layer=1, d_model=16, n_head=2)
    res = train_arm(ArmSpec("t", cfg, None, steps=3, batch=2, lr=1e-3, seed=0, eval_batch=2,
                            warmup=1, text_source=STDLIB))
    assert res["final"]["loss"] < np.log(VOCAB_SIZE) + 0.5 and "copy_accuracy" not in res["final"]
    assert len(res["heatmaps"]) == 1 and np.shape(res["heatmaps"][0]) == (2, 16, 16)


def test_missing_text_file_is_a_user_error(tmp_path) -> None:
    from neurips25.gated_attention.text import load_bytes

    with pytest.raises(UserError, match="no such file"):
        load_bytes(str(tmp_path / "none.txt"))
