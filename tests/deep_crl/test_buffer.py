"""Relabelled goal offsets follow the truncated geometric law and never leave their episode."""
import numpy as np
import pytest
import torch

from neurips25.deep_crl.buffer import EpisodeBuffer, truncated_geometric


@pytest.mark.parametrize("gamma,n", [(0.9, 10), (0.5, 3), (0.99, 40)])
def test_truncated_geometric_matches_the_law(gamma, n):
    gen = torch.Generator().manual_seed(0)
    k = truncated_geometric(torch.full((200_000,), n), gamma, gen).numpy()
    assert k.min() >= 1 and k.max() <= n
    oracle = np.array([(1 - gamma) * gamma ** (j - 1) for j in range(1, n + 1)])
    oracle /= oracle.sum()
    freq = np.bincount(k, minlength=n + 1)[1:] / len(k)
    np.testing.assert_allclose(freq, oracle, atol=0.006)


def test_truncated_geometric_rejects_bad_input():
    with pytest.raises(ValueError, match="gamma"):
        truncated_geometric(torch.tensor([3]), 1.0)
    with pytest.raises(ValueError, match="n_max"):
        truncated_geometric(torch.tensor([0, 3]), 0.9)


def test_relabelled_goals_stay_in_their_episode_and_lie_in_the_future():
    T, n_eps = 12, 9
    buf = EpisodeBuffer(capacity=6, episode_length=T, obs_dim=2, goal_dim=2, action_dim=1)
    for start in (0, 5):  # wraps the ring buffer
        eps = torch.arange(start, start + 5 if start == 0 else n_eps).float()
        n = len(eps)
        t = torch.arange(T).float()
        # (episode id, time)
        tag = torch.stack([eps[:, None].expand(n, T), t[None, :].expand(n, T)], -1)
        buf.add(tag, tag, torch.zeros(n, T, 1))
    assert buf.size == 6
    b = buf.sample(5000, gamma=0.8, generator=torch.Generator().manual_seed(1))
    assert torch.equal(b.goal[:, 0], b.obs[:, 0])  # same episode
    assert torch.equal(b.goal[:, 1], b.obs[:, 1] + b.offset)  # goal is k steps ahead
    assert (b.offset >= 1).all() and (b.t + b.offset <= T - 1).all()
    assert set(b.obs[:, 0].long().tolist()) == {3, 4, 5, 6, 7, 8}  # the 6 newest episodes


def test_empty_buffer_and_shape_errors():
    buf = EpisodeBuffer(4, 5, 2, 2, 2)
    with pytest.raises(ValueError, match="empty"):
        buf.sample(3, 0.9)
    with pytest.raises(ValueError, match="episodes must be"):
        buf.add(torch.zeros(1, 4, 2), torch.zeros(1, 4, 2), torch.zeros(1, 4, 2))
