"""Option models: exact by a linear solve, learned by intra-option TD (the "M" of STOMP).

The model of option o from state s is a reward part and a discounted next-feature part
(Sutton, Precup & Singh 1999, Eq. 6-7; STOMP paper, option-model section):

    r_o(s)  = E[ R_{t+1} + gamma R_{t+2} + ... + gamma^{T-t-1} R_T ],
    M_o(s)  = E[ gamma^{T-t} x(S_T) ]          (x one-hot, so a discounted distribution).

Both satisfy Bellman equations in which the option continues from s' with probability
1 - beta(s'):  r_o = r_pi + gamma P_pi (1 - beta) r_o  and
M_o = gamma P_pi diag(beta) + gamma P_pi diag(1 - beta) M_o, so one solve gives them
exactly. ``learn_models`` applies the same equations as TD targets to every option whose
policy agrees with the behaviour action (intra-option learning, SPS99 Sec. 6), using the
main-task reward, from the same behaviour stream the options were learned from.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neurips25.common.errors import UserError
from neurips25.oak.experience import Stream
from neurips25.oak.gridworld import GridWorld
from neurips25.oak.options import Option


@dataclass(frozen=True)
class Models:
    """Models of O options: rewards ``r`` (O, n) and discounted next-state ``M`` (O, n, n)."""

    names: tuple[str, ...]
    r: np.ndarray
    M: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def subset(self, keep: list[int]) -> Models:
        return Models(tuple(self.names[i] for i in keep), self.r[keep], self.M[keep])

    def __add__(self, other: Models) -> Models:
        return Models(
            self.names + other.names,
            np.concatenate([self.r, other.r]),
            np.concatenate([self.M, other.M]),
        )


def exact_models(env: GridWorld, options: list[Option]) -> Models:
    """Exact reward and discounted-transition models of ``options`` (one solve each)."""
    n, g = env.n_states, env.gamma
    states = np.arange(n)
    rs, Ms = [], []
    for o in options:
        P_pi = env.P[o.policy, states]  # (n, n), terminal goal dropped
        A = np.eye(n) - g * P_pi * (1.0 - o.stop)[None, :]
        rs.append(np.linalg.solve(A, env.R[o.policy, states]))
        Ms.append(np.linalg.solve(A, g * P_pi * o.stop[None, :]))
    return Models(tuple(o.name for o in options), np.array(rs), np.array(Ms))


def learn_models(
    env: GridWorld,
    options: list[Option],
    stream: Stream,
    alpha: float = 0.1,
    every: int = 0,
    on_checkpoint: Callable[[int, Models], None] | None = None,
) -> Models:
    """Intra-option TD learning of all option models from one stream.

    ``on_checkpoint(t, models)`` is called every ``every`` steps (and at the end) so the
    caller can trace the model error as experience grows.
    """
    if not 0.0 < alpha <= 1.0:
        raise UserError(f"model step size must be in (0, 1], got {alpha}")
    n, O, g = env.n_states, len(options), env.gamma
    policies = np.stack([o.policy for o in options])  # (O, n)
    stops = np.stack([o.stop for o in options])  # (O, n)
    agree = [[np.flatnonzero(policies[:, s] == a) for a in range(4)] for s in range(n)]
    r_hat = np.zeros((O, n))
    M_hat = np.zeros((O, n, n))
    names = tuple(o.name for o in options)
    for t, (s, a, r, s2, done) in enumerate(
        zip(
            stream.s.tolist(), stream.a.tolist(), stream.r.tolist(), stream.s2.tolist(),
            stream.done.tolist(), strict=True,
        ),
        start=1,
    ):
        idx = agree[s][a]
        if len(idx):
            if done:
                r_hat[idx, s] += alpha * (r - r_hat[idx, s])
                M_hat[idx, s] *= 1.0 - alpha
            else:
                b = stops[idx, s2]
                r_hat[idx, s] += alpha * (r + g * (1.0 - b) * r_hat[idx, s2] - r_hat[idx, s])
                target = (g * (1.0 - b))[:, None] * M_hat[idx, s2]
                target[:, s2] += g * b
                M_hat[idx, s] += alpha * (target - M_hat[idx, s])
        if on_checkpoint is not None and every and t % every == 0 and t != len(stream):
            on_checkpoint(t, Models(names, r_hat.copy(), M_hat.copy()))
    models = Models(names, r_hat, M_hat)
    if on_checkpoint is not None:
        on_checkpoint(len(stream), models)
    return models


def model_error(learned: Models, exact: Models, weights: np.ndarray | None = None) -> dict:
    """RMS errors of the reward and transition parts (over options and states)."""
    w = np.ones(learned.r.shape[1]) if weights is None else weights
    w = w / w.sum()
    r_err = float(np.sqrt(np.mean((learned.r - exact.r) ** 2 @ w)))
    m_err = float(np.sqrt(np.mean(((learned.M - exact.M) ** 2).sum(-1) @ w)))
    return {"reward_rmse": r_err, "transition_rmse": m_err}
