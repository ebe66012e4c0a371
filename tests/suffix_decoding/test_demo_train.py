"""Demo-model training: length-grouped batches and data-parallel workers."""
from __future__ import annotations

import random

import pytest
import torch

from neurips25.suffix_decoding.demo import model as demo
from neurips25.suffix_decoding.demo.train import length_grouped_batches, slice_loss, train_loop

TINY = demo.DemoModelConfig(vocab_size=300, hidden=32, layers=1, heads=2, intermediate=64,
                            train_requests=90, steps=4, batch=6, warmup=2)


def test_length_grouped_batches_cover_each_epoch_and_cut_padding():
    rng = random.Random(0)
    lengths = [rng.choice([30, 60, 80]) + rng.randrange(10) for _ in range(600)]
    it = length_grouped_batches(lengths, 12, random.Random(1), group=10)
    epoch = [next(it) for _ in range(50)]
    assert sorted(i for b in epoch for i in b) == list(range(600))
    pad = lambda b: sum(max(lengths[i] for i in b) - lengths[i] for i in b)  # noqa: E731
    grouped = sum(pad(b) for b in epoch)
    uniform = sum(pad(rng.sample(range(600), 12)) for _ in range(50))
    assert grouped < 0.2 * uniform
    with pytest.raises(ValueError, match="batch"):
        next(length_grouped_batches([3, 4], 12, rng))


def test_slice_losses_add_up_to_the_batch_loss():
    """Workers' slices sum to the loss HF computes on the whole right-padded batch."""
    torch.manual_seed(0)
    model = demo.build_model(TINY, 300, 0)
    pairs = [([5, 6, 7], [8, 9, 0]), ([5, 6], [10, 11, 12, 13, 0]), ([7, 7, 7, 7], [1, 0])]
    n = sum(len(r) for _, r in pairs)
    with torch.no_grad():
        parts = sum(float(slice_loss(model, pairs[k::2], 0, n)) for k in range(2))
    width = max(len(p) + len(r) for p, r in pairs)
    x = torch.zeros(3, width, dtype=torch.long)
    y = torch.full((3, width), -100)
    for i, (p, r) in enumerate(pairs):
        x[i, : len(p) + len(r)] = torch.tensor(p + r)
        y[i, len(p): len(p) + len(r)] = torch.tensor(r)
    with torch.no_grad():
        ref = float(model(input_ids=x, labels=y).loss)
    assert parts == pytest.approx(ref, rel=1e-5)


@pytest.mark.slow
def test_two_workers_train_the_same_model_as_one(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    one, tok, info1 = demo.train(TINY, workers=1)
    two, _, info2 = demo.train(TINY, workers=2)
    assert info2["train_workers"] == 2 and len(info2["loss_curve"]) == TINY.steps
    assert info2["loss_curve"] == pytest.approx(info1["loss_curve"], rel=1e-4)
    for a, b in zip(one.parameters(), two.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_train_loop_runs_on_one_worker():
    torch.manual_seed(0)
    model = demo.build_model(TINY, 300, 0)
    pairs = [([5, 6, 7], [8, 9, 0]), ([5, 6], [10, 11, 12, 13, 0])] * 4
    losses = train_loop(model, TINY, pairs, 0)
    assert len(losses) == TINY.steps and not model.training


def test_ensure_trained_trains_once_then_reads_the_cache(tmp_path, monkeypatch):
    """The first call trains and saves atomically; the next reads the info, trains nothing."""
    from neurips25.suffix_decoding.demo import model as demo_model

    class Saved:
        def save_pretrained(self, d):
            (d / "weights.bin").write_text("w")

    calls = []
    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    monkeypatch.setattr(demo_model, "train", lambda cfg, progress, workers: calls.append(1) or (
        Saved(), Saved(), {"train_cpu_s": 1.0}))
    cfg = demo_model.DemoModelConfig(steps=3)
    first = demo_model.ensure_trained(cfg)
    second = demo_model.ensure_trained(cfg)
    assert (first["cached"], second["cached"], len(calls)) == (False, True, 1)
    assert (demo_model.model_dir(cfg) / "weights.bin").is_file()
    assert second["train_cpu_s"] == 1.0 and second["config"]["steps"] == 3


def test_two_callers_at_once_train_the_model_once(tmp_path, monkeypatch):
    """The background training of ``reproduce`` and the study's own turn (or two runs side
    by side) overlap: the second caller waits on the lock, then reads the saved model."""
    import threading
    import time

    from neurips25.suffix_decoding.demo import model as demo_model

    class Saved:
        def save_pretrained(self, d):
            (d / "weights.bin").write_text("w")

    calls = []

    def slow_train(cfg, progress, workers):
        calls.append(workers)
        time.sleep(0.5)
        return Saved(), Saved(), {"train_cpu_s": 1.0}

    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    monkeypatch.setattr(demo_model, "train", slow_train)
    cfg = demo_model.DemoModelConfig(steps=3)
    infos = []
    first = threading.Thread(target=lambda: infos.append(demo_model.ensure_trained(cfg, None, 1)))
    first.start()
    while not calls:
        time.sleep(0.01)
    infos.append(demo_model.ensure_trained(cfg))  # arrives while the first one trains
    first.join()
    assert calls == [1] and sorted(i["cached"] for i in infos) == [False, True]


def test_prepare_trains_only_what_the_study_would(tmp_path, monkeypatch):
    """``prepare`` (background work for reproduce) targets the model the study itself loads
    (its seed follows the study's seed) and has nothing to do once it is cached or when
    part 2 is off."""
    import dataclasses

    from neurips25.suffix_decoding import experiment
    from neurips25.suffix_decoding.demo import model as demo_model

    monkeypatch.setenv("NEURIPS25_CACHE", str(tmp_path))
    cfg = dataclasses.replace(experiment.Config.quick(), seed=7)
    job = experiment.prepare(cfg)
    target = job.args[0]
    assert target == experiment._e2e_config(cfg).model_config() and target.seed == 7
    assert job.args[2] == 1  # one worker: the job runs beside other work
    assert experiment.prepare(dataclasses.replace(cfg, e2e=None)) is None
    path = demo_model.model_dir(target)
    path.mkdir(parents=True)
    (path / "neurips25_train_info.json").write_text("{}")
    assert experiment.prepare(cfg) is None
