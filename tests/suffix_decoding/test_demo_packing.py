"""Packed demo-model training: the same loss and gradient as the plain padded one."""
from __future__ import annotations

import dataclasses
import random

import pytest
import torch

from neurips25.suffix_decoding.demo import model as demo
from neurips25.suffix_decoding.demo.train import (
    pack_rows,
    packed_inputs,
    rows_loss,
    slice_loss,
    slice_loss_padded,
    split_rows,
    worker_rows,
)

TINY = demo.DemoModelConfig(vocab_size=300, hidden=32, layers=2, heads=2, intermediate=64,
                            max_positions=128, train_requests=90, steps=4, batch=6, warmup=2)


def _model(attn: str = "sdpa") -> torch.nn.Module:
    torch.manual_seed(0)
    model = demo.build_model(TINY, 300, 0)
    model.config._attn_implementation = attn
    return model.train()


def _pairs(n: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """Pairs from 3 to 90 tokens: very different lengths, as in the demo data."""
    rng = random.Random(seed)
    lengths = [(1, 1), (2, 1), (40, 50), (3, 30), (20, 5), (1, 60), (10, 10), (5, 2)]
    out = []
    for k in range(n):
        lp, lr = lengths[k % len(lengths)]
        out.append(([rng.randrange(1, 300) for _ in range(lp)],
                    [rng.randrange(0, 300) for _ in range(lr)]))
    return out


def _loss_and_grads(model, fn) -> tuple[float, list[torch.Tensor]]:
    model.zero_grad(set_to_none=True)
    loss = fn()
    loss.backward()
    return float(loss.detach()), [p.grad.clone() for p in model.parameters()]


def _assert_same(a, b) -> None:
    assert a[0] == pytest.approx(b[0], rel=1e-5)
    for ga, gb in zip(a[1], b[1], strict=True):
        torch.testing.assert_close(ga, gb, rtol=1e-4, atol=1e-6)


def test_pack_rows_is_first_fit_decreasing():
    assert pack_rows([5, 9, 4, 1, 6], 10) == [[1, 3], [4, 2], [0]]
    rng = random.Random(0)
    for _ in range(50):
        lengths = [rng.randrange(1, 91) for _ in range(rng.randrange(1, 13))]
        rows = pack_rows(lengths, max(lengths))
        assert sorted(i for row in rows for i in row) == list(range(len(lengths)))
        assert all(sum(lengths[i] for i in row) <= max(lengths) for row in rows)
    with pytest.raises(ValueError, match="width"):
        pack_rows([3, 11], 10)


def test_split_rows_covers_the_rows_in_order():
    assert split_rows([90, 80, 30, 30], 2) == [(0, 2), (2, 4)]
    assert split_rows([90, 90, 90], 1) == [(0, 3)]
    assert split_rows([90], 3) == [(0, 1), (1, 1), (1, 1)]  # idle workers get no rows
    for workers in (2, 3, 4):
        runs = split_rows([90, 85, 70, 60, 50, 31, 30], workers)
        assert runs[0][0] == 0 and runs[-1][1] == 7
        assert all(a[1] == b[0] for a, b in zip(runs, runs[1:], strict=False))


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_loss_and_gradients_equal_the_padded_ones(attn):
    model = _model(attn)
    pairs = _pairs(8, seed=1)
    n = sum(len(r) for _, r in pairs) + 7  # part of a larger batch
    padded = _loss_and_grads(model, lambda: slice_loss_padded(model, pairs, 0, n))
    packed = _loss_and_grads(model, lambda: slice_loss(model, pairs, 0, n))
    assert len(pack_rows([len(p) + len(r) for p, r in pairs], 90)) < len(pairs)  # it packs
    _assert_same(packed, padded)


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_worker_rows_deal_each_pair_once_and_sum_to_the_padded_batch(workers):
    model = _model()
    batch = _pairs(8, seed=2)
    n = sum(len(r) for _, r in batch)
    shares = [worker_rows(batch, rank, workers) for rank in range(workers)]
    dealt = sorted(map(repr, (pair for share in shares for row in share for pair in row)))
    assert dealt == sorted(map(repr, batch))
    padded = _loss_and_grads(model, lambda: slice_loss_padded(model, batch, 0, n))
    parts = [_loss_and_grads(model, lambda s=share: rows_loss(model, s, 0, n))
             for share in shares]
    summed = (sum(loss for loss, _ in parts),
              [sum(gs) for gs in zip(*(g for _, g in parts), strict=True)])
    _assert_same(summed, padded)


def test_a_worker_without_rows_gets_zero_gradients():
    model = _model()
    loss, grads = _loss_and_grads(model, lambda: rows_loss(model, [], 0, 5))
    assert loss == 0.0 and all(not g.any() for g in grads)


def test_packed_pairs_cannot_see_each_other():
    """Change one pair's tokens: the hidden states of the others in its row stay put."""
    model = _model().eval()
    rows = [_pairs(3, seed=3)[:1] + [([7, 8, 9], [10, 11])] + _pairs(2, seed=4)[:1]]
    spans, start = [], 0
    for p, r in rows[0]:
        spans.append((start, start + len(p) + len(r)))
        start = spans[-1][1]

    def hidden(rows_):
        inp = packed_inputs(rows_, 0, torch.float32)
        with torch.no_grad():
            return model.model(input_ids=inp["input_ids"], position_ids=inp["position_ids"],
                               attention_mask=inp["attention_mask"]).last_hidden_state[0]

    base = hidden(rows)
    for k in (0, 2):  # the pair before and the pair after the middle one
        changed = [list(rows[0])]
        p, r = changed[0][k]
        changed[0][k] = ([(t + 1) % 300 for t in p], [(t + 1) % 300 for t in r])
        out = hidden(changed)
        a, b = spans[k]
        assert not torch.allclose(out[a:b], base[a:b])  # the change itself shows
        for j, (a, b) in enumerate(spans):
            if j != k:
                torch.testing.assert_close(out[a:b], base[a:b], rtol=0, atol=1e-6)
    # and the middle pair's states are those it has alone, at positions 0..
    alone = model.model(input_ids=torch.tensor([[7, 8, 9, 10, 11]])).last_hidden_state[0]
    torch.testing.assert_close(base[spans[1][0]: spans[1][1]], alone.detach(),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_packed_training_matches_padded_training(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    cfg = dataclasses.replace(TINY, layers=1)
    plain, _, info1 = demo.train(cfg, workers=2, packed=False)
    packed, _, info2 = demo.train(cfg, workers=2)
    assert info2["train_packed"] and not info1["train_packed"]
    assert info2["loss_curve"] == pytest.approx(info1["loss_curve"], rel=1e-4)
    for a, b in zip(plain.parameters(), packed.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
