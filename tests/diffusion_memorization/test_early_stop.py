"""A memorized member leaving the stack must not change the members that train on."""
import math

import pytest
import torch

from neurips25.diffusion_memorization import train_digits
from neurips25.diffusion_memorization.train_digits import DigitsArm, train_group

ARM = DigitsArm(ns=(4, 8, 8), reps=(0, 0, 1), steps=60, first_check=10, n_checks=4,
                n_samples=16, ddim_steps=5, width=16, blocks=1, n_eval=32, lr=3e-3)


def test_a_stopped_member_leaves_the_others_unchanged(monkeypatch):
    full = train_group(ARM)
    # stop the n = 4 member after its second check (what f_mem >= stop_f_mem would do)
    monkeypatch.setattr(train_digits, "_finished",
                        lambda m, arm: len(m.train_set) == 4 and len(m.history) >= 2)
    cut = train_group(ARM)
    steps = full["runs"]["4@0"]["steps"]
    assert cut["runs"]["4@0"]["trained_steps"] == steps[1]
    assert cut["runs"]["4@0"]["steps"] == steps[:2]
    for key, run in full["runs"].items():
        other = cut["runs"][key]
        n = len(other["steps"])
        assert key == "4@0" or (n == len(steps) and other["trained_steps"] == ARM.steps)
        for name in ("f_mem", "quality", "train_loss", "test_loss"):
            torch.testing.assert_close(torch.tensor(other[name]), torch.tensor(run[name][:n]),
                                       rtol=1e-4, atol=1e-6)


def test_the_real_rule_stops_at_the_first_check_at_the_threshold():
    class M:
        def __init__(self, f):
            self.history = [type("C", (), {"f_mem": x})() for x in f]

    arm = DigitsArm(ns=(4,), steps=10, stop_f_mem=0.05)
    assert not train_digits._finished(M([0.0, 0.04]), arm)
    assert train_digits._finished(M([0.0, 0.05]), arm)
    assert not train_digits._finished(M([0.0, 0.5]), DigitsArm(ns=(4,), steps=10))  # off


def test_keep_members_equals_the_kept_rows(random_mlp):
    torch.manual_seed(0)
    m = random_mlp(3)
    x, t = torch.randn(3, 7, 5), torch.randint(0, 1000, (3, 7))
    before = m(x, t)
    m.keep_members([2, 0])
    assert m.members == 2 and all(p.shape[0] == 2 for p in m.parameters())
    torch.testing.assert_close(m(x[[2, 0]], t[[2, 0]]), before[[2, 0]])
    with pytest.raises(ValueError):
        m.keep_members([0, 0])
    assert not math.isnan(float(before.detach().sum()))
