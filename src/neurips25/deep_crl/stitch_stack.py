"""Several stitching critics that differ only by seed, trained as one stacked program.

Why: at width 64 a stitching step is many small matmuls and LayerNorms, where per-op
overhead is a large part of the cost; stacking the seeds' weights on a leading dimension
turns each layer of S critics into one batched matmul (``baddbmm``) and one LayerNorm. Each
member keeps its own initialisation (its ``Critic`` is built after ``torch.manual_seed(seed)``
exactly as in ``stitch_train.fit``) and its own batch draws (its own generator, seed + 1), and
Adam is elementwise, so every member follows the per-seed path up to float rounding
(``tests/deep_crl/test_stitch_stack.py`` checks losses and weights against ``fit``). A member
whose loss turns non-finite is marked diverged and keeps the weights it had before that step;
the others train on (no op mixes members, so its NaNs cannot reach them).
"""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from neurips25.deep_crl.networks import Critic, ResidualMLP
from neurips25.deep_crl.stitch_data import Pairs


def _stack(mlps: list[ResidualMLP]) -> dict[str, list[torch.Tensor]]:
    """Leaf tensors (S, ...) of the members' layers, in forward order."""
    def cat(get) -> torch.Tensor:
        return torch.stack([get(m).detach() for m in mlps]).clone().requires_grad_(True)

    m0 = mlps[0]
    ln = not isinstance(m0.inp_norm, torch.nn.Identity)
    out: dict[str, list[torch.Tensor]] = {"w": [], "b": [], "g": [], "beta": []}
    layers = [lambda m: m.inp, *[(lambda m, i=i: m.layers[i]) for i in range(m0.depth)],
              lambda m: m.head]
    norms = [lambda m: m.inp_norm, *[(lambda m, i=i: m.norms[i]) for i in range(m0.depth)]]
    for get in layers:
        out["w"].append(cat(lambda m, get=get: get(m).weight))
        out["b"].append(cat(lambda m, get=get: get(m).bias))
    if ln:
        for get in norms:
            out["g"].append(cat(lambda m, get=get: get(m).weight))
            out["beta"].append(cat(lambda m, get=get: get(m).bias))
    return out


class StackedMLP:
    """S ``ResidualMLP``s of one shape as stacked tensors; ``__call__`` maps (S, B, in)."""

    def __init__(self, mlps: list[ResidualMLP]) -> None:
        self.depth, self.residual = mlps[0].depth, mlps[0].residual
        self.p = _stack(mlps)

    def params(self) -> list[torch.Tensor]:
        return [t for ts in self.p.values() for t in ts]

    def _dense(self, x: torch.Tensor, i: int) -> torch.Tensor:
        return torch.baddbmm(self.p["b"][i].unsqueeze(1), x, self.p["w"][i].transpose(1, 2))

    def _act(self, x: torch.Tensor, i: int) -> torch.Tensor:
        if self.p["g"]:
            x = F.layer_norm(x, x.shape[-1:])
            x = torch.addcmul(self.p["beta"][i].unsqueeze(1), x, self.p["g"][i].unsqueeze(1))
        return F.silu(x)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        x = self._act(self._dense(x, 0), 0)
        for blk in range(self.depth // 4):
            skip = x
            for i in range(4 * blk + 1, 4 * blk + 5):
                x = self._act(self._dense(x, i), i)
            if self.residual:
                x = x + skip
        return self._dense(x, self.depth + 1)

    @torch.no_grad()
    def write_back(self, mlp: ResidualMLP, s: int) -> None:
        """Copy member ``s``'s weights into ``mlp`` (a module of the same shape)."""
        layers = [mlp.inp, *mlp.layers, mlp.head]
        for i, layer in enumerate(layers):
            layer.weight.copy_(self.p["w"][i][s])
            layer.bias.copy_(self.p["b"][i][s])
        if self.p["g"]:
            for i, norm in enumerate([mlp.inp_norm, *mlp.norms]):
                norm.weight.copy_(self.p["g"][i][s])
                norm.bias.copy_(self.p["beta"][i][s])


def stacked_losses(sa: StackedMLP, g: StackedMLP, obs: torch.Tensor, action: torch.Tensor,
                   goal: torch.Tensor, penalty: float, eps: float) -> torch.Tensor:
    """Per-member forward InfoNCE + penalty * logsumexp^2 (``losses.critic_loss``), shape (S,)."""
    phi = sa(torch.cat([obs, action], dim=-1))
    psi = g(goal)
    sq = (phi.pow(2).sum(-1)[:, :, None] + psi.pow(2).sum(-1)[:, None, :]
          - 2 * torch.bmm(phi, psi.transpose(1, 2)))
    logits = -(sq.clamp(min=0) + eps).sqrt()
    lse = torch.logsumexp(logits, dim=2)
    diag = logits.diagonal(dim1=1, dim2=2)
    return (lse - diag).mean(1) + penalty * lse.pow(2).mean(1)


def check_group(arms: list[Any]) -> None:
    """A group's arms must differ only by seed (one shape, one lr, one data law, one device)."""
    def rest(a: Any) -> dict[str, Any]:
        d = dataclasses.asdict(a)
        d.pop("seed")
        return d

    if not arms or any(rest(a) != rest(arms[0]) for a in arms):
        raise ValueError("a stacked group needs >= 1 arms that differ only by seed")
    if len({a.seed for a in arms}) != len(arms):
        raise ValueError("a stacked group's seeds must be distinct")


def fit_stacked(arms: list[Any], pairs: list[Pairs], dev: torch.device
                ) -> list[tuple[Critic, list[float], bool]]:
    """``stitch_train.fit`` for every arm at once: [(critic, loss curve, diverged)], arm order."""
    check_group(arms)
    a0 = arms[0]
    critics = []
    for arm, pr in zip(arms, pairs, strict=True):
        torch.manual_seed(arm.seed)  # the same init draws as the per-seed path
        critics.append(Critic(pr.obs.shape[1], 2, 2, arm.width, arm.depth, arm.residual,
                              arm.layer_norm, init=arm.init).to(dev))
    sa = StackedMLP([c.sa_encoder for c in critics])
    g = StackedMLP([c.g_encoder for c in critics])
    opt = torch.optim.Adam([*sa.params(), *g.params()], lr=a0.lr, fused=True)
    gens = [torch.Generator().manual_seed(arm.seed + 1) for arm in arms]
    chunk = max(1, a0.steps // 10)
    S = len(arms)
    curves: list[list[float]] = [[] for _ in range(S)]
    accs: list[list[float]] = [[] for _ in range(S)]
    diverged = [False] * S
    for step in range(a0.steps):
        idx = [torch.randint(len(pr), (a0.batch_size,), generator=gen)
               for pr, gen in zip(pairs, gens, strict=True)]
        obs, action, goal = (torch.stack([getattr(pr, k)[i] for pr, i in zip(pairs, idx,
                                                                               strict=True)]).to(dev)
                             for k in ("obs", "action", "goal"))
        losses = stacked_losses(sa, g, obs, action, goal, a0.logsumexp_penalty, critics[0].eps)
        vals = losses.tolist()
        for s, v in enumerate(vals):
            if not diverged[s] and not math.isfinite(v):
                diverged[s] = True  # keep this member's weights from before the step
                sa.write_back(critics[s].sa_encoder, s)
                g.write_back(critics[s].g_encoder, s)
        if all(diverged):
            break
        opt.zero_grad(set_to_none=True)
        losses.sum().backward()
        opt.step()
        for s, v in enumerate(vals):
            if diverged[s]:
                continue
            accs[s].append(v)
            if (step + 1) % chunk == 0 or step + 1 == a0.steps:
                curves[s].append(float(np.mean(accs[s])))
                accs[s] = []
    for s in range(S):
        if not diverged[s]:
            sa.write_back(critics[s].sa_encoder, s)
            g.write_back(critics[s].g_encoder, s)
    return [(critics[s], curves[s], diverged[s]) for s in range(S)]


def train_stitch_group(arms: list[Any]) -> list[dict[str, Any]]:
    """``stitch_train.train_stitch`` for arms that differ only by seed, trained stacked.

    Each result's ``cpu_seconds``/``wall_seconds`` is its own data and scoring time plus an
    equal share of the stacked training; ``stacked`` says how many members shared it.
    """
    from neurips25.deep_crl.device import resolve_device
    from neurips25.deep_crl.stitch_train import prepare, score

    check_group(arms)
    dev = resolve_device(arms[0].device)
    t0, c0 = time.perf_counter(), time.process_time()
    data = [prepare(a) for a in arms]
    t1, c1 = time.perf_counter(), time.process_time()
    fitted = fit_stacked(arms, [pr for pr, _, _ in data], dev)
    share = ((time.perf_counter() - t1) / len(arms), (time.process_time() - c1) / len(arms))
    prep = ((t1 - t0) / len(arms), (c1 - c0) / len(arms))
    out = []
    for arm, (_, val, stats), (critic, curve, div) in zip(arms, data, fitted, strict=True):
        t2, c2 = time.perf_counter(), time.process_time()
        r = score(arm, critic, curve, div, val, stats, dev)
        r["wall_seconds"] = prep[0] + share[0] + time.perf_counter() - t2
        r["cpu_seconds"] = prep[1] + share[1] + time.process_time() - c2
        r["stacked"] = len(arms)
        out.append(r)
    return out
