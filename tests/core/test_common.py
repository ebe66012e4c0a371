import json
import os

import numpy as np
import pytest

from neurips25.common.errors import UserError
from neurips25.common.io import atomic_write, atomic_write_json
from neurips25.common.jsonl import read_jsonl
from neurips25.common.seeding import seed_everything


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "r.json"
    atomic_write_json(target, {"a": 1})

    def explode(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, explode)
    assert json.loads(target.read_text()) == {"a": 1}
    assert os.listdir(tmp_path) == ["r.json"]


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    path = atomic_write_json(tmp_path / "r.json", {})
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_json_encoding_of_numpy_and_nan(tmp_path):
    atomic_write_json(
        tmp_path / "x.json", {"a": np.float32(1.5), "b": np.arange(3), "c": float("nan")}
    )
    assert json.loads((tmp_path / "x.json").read_text()) == {"a": 1.5, "b": [0, 1, 2], "c": None}


def test_read_jsonl_errors(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"a": 1}\n\n{"a": 2\n')
    with pytest.raises(UserError, match=r"x.jsonl:3: malformed JSON"):
        read_jsonl(f)
    f.write_text('{"a": 1}\n[1]\n')
    with pytest.raises(UserError, match=r":2: expected a JSON object"):
        read_jsonl(f)
    f.write_text('{"a": 1}\n{"b": 1}\n')
    with pytest.raises(UserError, match=r":2: missing field\(s\) a"):
        read_jsonl(f, required=("a",))
    with pytest.raises(UserError, match="no such file"):
        read_jsonl(tmp_path / "none.jsonl")


def test_seed_everything_is_deterministic():
    import torch

    a = seed_everything(5).normal(size=3), torch.rand(2)
    b = seed_everything(5).normal(size=3), torch.rand(2)
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_tiny_gpt_shapes_and_sampling():
    import torch

    from neurips25.common.tiny_gpt import GPTConfig, TinyGPT

    model = TinyGPT(GPTConfig(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=16))
    idx = torch.randint(0, 11, (3, 5))
    assert model(idx).shape == (3, 5, 11)
    g = torch.Generator().manual_seed(0)
    toks, lps = model.sample(idx, 6, temperature=1.0, top_p=0.9, generator=g, eos_id=0)
    assert toks.shape[0] == 3 and toks.shape == lps.shape and (lps <= 0).all()
    greedy, _ = model.sample(idx, 3, temperature=0)
    full = torch.cat([idx, greedy], 1)  # 8 tokens = block_size, so positions line up
    # greedy tokens are the argmax of the model's own logits at each step
    assert torch.equal(model(full)[:, 4:7].argmax(-1), full[:, 5:8])
    with pytest.raises(ValueError, match="block_size"):
        model(torch.zeros(1, 9, dtype=torch.long))


def test_median_seconds_counts_calls_and_rejects_zero_repeats():
    from neurips25.common.timing import median_seconds

    calls = []
    ticks = iter(range(100))
    t = median_seconds(lambda: calls.append(1), repeats=3, warmup=2, clock=lambda: next(ticks))
    assert len(calls) == 5 and t == 1
    with pytest.raises(ValueError):
        median_seconds(lambda: None, repeats=0)
