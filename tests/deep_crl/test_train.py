"""Training: a short seeded run beats a random policy; an interrupted run resumes to the same
result."""
import dataclasses

import pytest
import torch

from neurips25.deep_crl.envs.maze import MazeSpec
from neurips25.deep_crl.train import CRLConfig, evaluate, random_policy, train

TINY = CRLConfig(maze=MazeSpec(layout="u", episode_length=20), width=16, num_envs=8, iterations=4,
                 sgd_steps_per_iter=3, batch_size=32, eval_every=2, eval_repeats=1, seed=3)


@pytest.mark.slow
def test_smoke_run_beats_random_policy_on_near_goals():
    cfg = CRLConfig(maze=MazeSpec(layout="u", episode_length=50), width=32, critic_depth=4,
                    actor_depth=4, num_envs=32, iterations=12, sgd_steps_per_iter=25,
                    batch_size=128, gamma=0.97, lr=1e-3, eval_every=12, seed=0)
    agent, metrics = train(cfg)
    trained = metrics["final"]
    rand = evaluate(agent, policy=random_policy(torch.Generator().manual_seed(0)))
    assert trained["time_at_goal_near"] >= 2 * rand["time_at_goal_near"] + 5, (trained, rand)
    assert trained["success_near"] >= rand["success_near"]


class StopAfter:
    """A progress that interrupts training after ``n`` iterations (like Ctrl-C)."""

    def __init__(self, n):
        self.n = n

    def track(self, items, description, total=None):
        for i, item in enumerate(items):
            if i == self.n:
                raise KeyboardInterrupt
            yield item

    def log(self, message):
        pass


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path):
    _, straight = train(TINY)
    ckpt = tmp_path / "arm.pt"
    with pytest.raises(KeyboardInterrupt):
        train(TINY, progress=StopAfter(3), checkpoint=ckpt)
    assert ckpt.is_file()
    before = torch.load(ckpt, weights_only=False)["spent"]
    _, resumed = train(TINY, checkpoint=ckpt)
    assert resumed["history"] == straight["history"]
    # the time of the interrupted session counts too (the sweep reports CPU seconds per arm)
    assert resumed["resumed_at_iteration"] == 2 and resumed["seconds_cover_all_sessions"]
    assert resumed["cpu_seconds"] > before["cpu_seconds"] > 0
    assert straight["resumed_at_iteration"] == 0


def test_checkpoint_of_another_config_is_ignored(tmp_path):
    ckpt = tmp_path / "arm.pt"
    train(TINY, checkpoint=ckpt)
    other = dataclasses.replace(TINY, seed=4)
    _, m = train(other, checkpoint=ckpt)
    assert len(m["history"]) == 2  # trained from scratch, not resumed at the end


def test_bad_config_is_a_clear_error():
    with pytest.raises(ValueError, match="gamma"):
        CRLConfig(gamma=1.0)
    with pytest.raises(ValueError, match="iterations"):
        CRLConfig(iterations=0)


def test_device_is_threaded_through_and_checked():
    from neurips25.deep_crl.device import resolve_device
    from neurips25.deep_crl.train import make_agent

    agent = make_agent(dataclasses.replace(TINY, device="cpu"))
    params = [*agent.actor.parameters(), *agent.critic.parameters()]
    assert {p.device.type for p in params} == {"cpu"}
    assert agent.log_alpha.device.type == "cpu"
    # the device is not part of what defines a result: a checkpoint moves between devices
    assert TINY.identity() == dataclasses.replace(TINY, device="cuda").identity()
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA device"):
            make_agent(dataclasses.replace(TINY, device="cuda"))
