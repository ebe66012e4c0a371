"""The sweep's fast path (widths of one seed and profile trained together, gradients by
hand, sparse samples) against the readable reference ``train_toy`` (autograd, one model)."""
import math

import pytest
import torch

from neurips25.superposition import feature_probs, sample_features
from neurips25.superposition.batched import (
    group_key,
    group_name,
    groups_of,
    sparse_features,
    train_group,
)
from neurips25.superposition.experiment import Config
from neurips25.superposition.train import RunSpec, train_toy


def _close(a: dict, b: dict, rel: float) -> None:
    assert a.keys() == b.keys()
    for k, v in a.items():
        if isinstance(v, float) and not math.isnan(v):
            assert b[k] == pytest.approx(v, rel=rel, abs=1e-9), k
        elif isinstance(v, float):
            assert math.isnan(b[k]), k
        else:
            assert b[k] == v, k


@pytest.mark.parametrize("profile,alpha", [("power", 1.2), ("linear", 2.0)])
def test_group_equals_one_model_at_a_time(profile, alpha):
    # strong and weak decay, several widths, a non-power-of-two batch; a linear profile
    # ignores alpha, so strong (1.2) and weak (2.0) runs of it share samples
    specs = [RunSpec(n=256, m=m, gamma=g, profile=profile, alpha=alpha if g > 0 else 1.2,
                     steps=120, batch=48, seed=3) for m, g in [(2, -1.0), (5, -1.0), (8, 1.0)]]
    if profile == "power":
        specs = [RunSpec(**{**s.__dict__, "alpha": alpha}) for s in specs]
    assert len(groups_of(specs)) == 1
    got = train_group(specs)
    for spec, row in zip(specs, got, strict=True):
        _close(train_toy(spec), row, rel=1e-4)


def test_group_is_deterministic_and_order_free():
    specs = [RunSpec(n=128, m=m, gamma=-1.0, steps=30, batch=32, seed=1) for m in (2, 4)]
    a = train_group(specs)
    assert a == train_group(specs)
    assert train_group(specs[::-1]) == a[::-1]  # each model only sees its own parameters


def test_sparse_draw_is_the_dense_draw():
    probs = torch.tensor(feature_probs(300, "power", 1.2), dtype=torch.float32)
    dense = sample_features(probs, 64, torch.Generator().manual_seed(7))
    rows, cols, vals = sparse_features(probs, 64, torch.Generator().manual_seed(7))
    sparse = torch.zeros_like(dense)
    sparse[rows, cols] = vals
    assert torch.equal(sparse, dense)
    assert (vals > 0).all()


def test_groups_split_by_samples_they_draw():
    specs = Config.quick().specs()
    groups = groups_of(specs)
    # per seed: power at alpha 1.2 (strong) and 2.0 (weak), exponential, linear (both)
    assert len(groups) == 4 * Config.quick().seeds
    assert sum(len(g) for g in groups) == len(specs)
    assert len({group_name(g) for g in groups}) == len(groups)
    for g in groups:
        assert len({group_key(s) for s in g}) == 1


def test_group_guards():
    a = RunSpec(n=64, m=2, gamma=-1.0, seed=0)
    with pytest.raises(ValueError, match="share"):
        train_group([a, RunSpec(n=64, m=4, gamma=-1.0, seed=1)])
    with pytest.raises(ValueError, match="once"):
        train_group([a, a])
    with pytest.raises(ValueError, match="at least one"):
        train_group([])
