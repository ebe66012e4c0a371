import numpy as np
import pytest
import torch

from neurips25.diffusion_memorization.monitor import MemorizationMonitor, log_spaced_steps


class FakeTraining:
    """Samples are fresh points until ``switch``, then copies of training points."""

    def __init__(self, train, switch):
        self.train, self.switch, self.step = train, switch, 0
        self.rng = np.random.default_rng(0)

    def sample(self, n):
        if self.step >= self.switch:
            return self.train[self.rng.integers(0, len(self.train), n)]
        return self.rng.normal(size=(n, self.train.shape[1]))


def test_monitor_flags_tau_mem_and_keeps_last_clean_state():
    rng = np.random.default_rng(1)
    train, held = rng.normal(size=(64, 16)), rng.normal(size=(200, 16))
    fake = FakeTraining(train, switch=400)
    model = torch.nn.Linear(1, 1)
    mon = MemorizationMonitor(train, sampler=fake.sample, every=[100, 200, 300, 400, 500, 600, 700],
                              n_samples=128, patience=2, held_out=held, n_boot=200)
    assert mon.baseline == 0.0
    for step in range(1, 701):
        fake.step = step
        with torch.no_grad():
            model.weight.fill_(step)
        if mon.due(step):
            mon.check(step, model)
            if mon.should_stop:
                break
    assert mon.tau_mem == 400 and step == 500
    assert mon.clean_step == 300 and mon.clean_state["weight"].item() == 300
    d = mon.as_dict()
    assert d["f_mem"][:3] == [0.0, 0.0, 0.0] and d["f_mem"][3:] == [1.0, 1.0]


def test_record_without_sampler_and_errors():
    train = np.random.default_rng(0).normal(size=(10, 3))
    mon = MemorizationMonitor(train, patience=1)
    c = mon.record(5, train)
    assert c.flagged and mon.tau_mem == 5 and mon.should_stop
    with pytest.raises(ValueError, match="sampler"):
        mon.check(6)
    with pytest.raises(ValueError):
        MemorizationMonitor(train, patience=0)


def test_log_spaced_steps():
    s = log_spaced_steps(10, 10_000, 13)
    assert s[0] == 10 and s[-1] == 10_000 and s == sorted(set(s))
    ratios = np.diff(np.log(s))
    assert ratios.max() < 1.5 * ratios.min()
