"""Train several toy models of one seed and one feature profile together, on shared samples.

Why: the sweep's models are tiny (n x m with m <= 192), so a step is a handful of passes
over a (batch, n) array, and drawing that array is a quarter of the work. Runs of one seed
and one profile draw *the same* samples (their generator is seeded by the seed alone), so
``train_group`` draws them once for all widths, keeps every W^T in one (sum m, n) tensor and
computes the gradients by hand (fewer passes than autograd, and the sparse x is used as
sparse). The maths is that of ``train.train_toy``, model by model: the same init, samples,
loss gradient, Adam and decay; results agree to float rounding (tests/superposition).

Gradient of L = 1/B sum_b |relu(z_b) - x_b|^2 with z = x W W^T + b, for g = dL/dz:
dW = x^T (g W) + g^T (x W), db = sum_b g_b. With y = relu(z), g = 2/B (y - x) [y > 0];
where x = 0 (all but about one entry per row) that is simply 2/B y.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch

from neurips25.superposition.features import feature_probs, sample_features
from neurips25.superposition.model import decay_step, summed_loss
from neurips25.superposition.train import RunSpec, lr_at, measure


def group_key(spec: RunSpec) -> tuple:
    """Runs with equal keys draw identical samples, so they can share a group."""
    alpha = spec.alpha if spec.profile == "power" else None  # other profiles ignore alpha
    return (spec.seed, spec.n, spec.profile, alpha, spec.steps, spec.batch, spec.lr,
            spec.warmup, spec.eval_batches)


def sparse_features(probs: torch.Tensor, batch: int, generator: torch.Generator
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The draw of ``features.sample_features`` (same generator calls, same values) as
    (rows, cols, values) of its non-zero entries."""
    u = torch.rand(batch, probs.shape[0], generator=generator, device=probs.device)
    rows, cols = (u < probs).nonzero(as_tuple=True)
    return rows, cols, u[rows, cols] * (2.0 / probs[cols])


def _check(specs: Sequence[RunSpec]) -> None:
    if not specs:
        raise ValueError("a group needs at least one run")
    keys = {group_key(s) for s in specs}
    if len(keys) != 1:
        raise ValueError(f"runs of one group must share seed, profile and schedule: {keys}")
    if len({(s.m, s.gamma) for s in specs}) != len(specs):
        raise ValueError("a group holds each (m, gamma) once")


class _Group:
    """The stacked parameters: V (sum m, n) holds W^T of model k in rows rows[k] (the
    matrix products run several times faster on this layout than on W's); b (K, n)."""

    def __init__(self, specs: Sequence[RunSpec], device: str) -> None:
        self.specs = list(specs)
        self.rows: list[slice] = []
        blocks, start = [], 0
        for s in specs:
            torch.manual_seed(s.seed)  # as ToyModel(n, m) right after the seed in train_toy
            blocks.append(torch.randn(s.n, s.m) * (1.0 / s.m**0.5))
            self.rows.append(slice(start, start + s.m))
            start += s.m
        self.V = torch.cat(blocks, 1).T.contiguous().to(device)
        self.b = torch.zeros(len(specs), specs[0].n, device=device)

    def W(self, k: int) -> torch.Tensor:
        """Model k's W (n, m), a view."""
        return self.V[self.rows[k]].T

    def grads(self, rows: torch.Tensor, cols: torch.Tensor, vals: torch.Tensor,
              batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """dL_k/dV and dL_k/db of every model k on the sparse batch x = (rows, cols, vals)."""
        V = self.V
        h = torch.zeros(batch, V.shape[0], device=V.device)
        h.index_add_(0, rows, vals[:, None] * V[:, cols].T)  # x W of every model at once
        gW = torch.empty_like(h)
        dV = torch.empty_like(V)
        db = torch.empty_like(self.b)
        zero = torch.zeros((), device=V.device)
        for k, r in enumerate(self.rows):
            y = torch.addmm(self.b[k], h[:, r], V[r]).clamp_min_(0)
            at = y[rows, cols]
            y[rows, cols] = torch.where(at > 0, at - vals, zero)  # y is now g * B / 2
            gW[:, r] = y @ V[r].T
            dV[r] = h[:, r].T @ y
            db[k] = y.sum(0)
        dV.index_add_(1, cols, (vals[:, None] * gW[rows]).T)  # the x^T (g W) term
        scale = 2.0 / batch
        return dV.mul_(scale), db.mul_(scale)

    def decay(self, lr: float) -> None:
        for k, s in enumerate(self.specs):
            decay_step(self.W(k), lr, s.gamma)  # in place on the view


@torch.no_grad()
def _eval_losses(group: _Group, probs: torch.Tensor, spec: RunSpec, device: str) -> list[float]:
    """Each model's test loss on the batches ``train.evaluate_loss`` draws for it."""
    gen = torch.Generator(device=device).manual_seed(spec.seed + 10_000)
    xs = [sample_features(probs, spec.batch, gen) for _ in range(spec.eval_batches)]
    out = []
    for k in range(len(group.specs)):
        W, b = group.W(k).contiguous(), group.b[k]
        total = sum(float(summed_loss(torch.relu((x @ W) @ W.T + b), x)) for x in xs)
        out.append(total / len(xs))
    return out


@torch.no_grad()
def train_group(specs: Sequence[RunSpec], device: str = "cpu"
                ) -> list[dict[str, float | int | str]]:
    """Train and measure every run of ``specs`` (one ``group_key``); rows in their order,
    each as ``train.train_toy`` returns it."""
    _check(specs)
    first = specs[0]
    p_np = feature_probs(first.n, first.profile, first.alpha)
    probs = torch.tensor(p_np, dtype=torch.float32, device=device)
    group = _Group(specs, device)
    gen = torch.Generator(device=device).manual_seed(first.seed)
    opt = torch.optim.Adam([group.V, group.b], lr=first.lr)  # elementwise: as one per model
    for step in range(first.steps):
        lr = lr_at(step, first)
        for pg in opt.param_groups:
            pg["lr"] = lr
        rows, cols, vals = sparse_features(probs, first.batch, gen)
        group.V.grad, group.b.grad = group.grads(rows, cols, vals, first.batch)
        opt.step()
        group.decay(lr)
    losses = _eval_losses(group, probs, first, device)
    return [measure(s, group.W(k), p_np, loss) for k, (s, loss) in enumerate(zip(specs, losses,
                                                                              strict=True))]


def group_name(specs: Sequence[RunSpec]) -> str:
    """The executor's name for one group (its cache file under ``out_dir/arms``)."""
    s = specs[0]
    alpha = f"/alpha={s.alpha:g}" if s.profile == "power" else ""
    return f"{s.profile}{alpha}/seed={s.seed}"


def groups_of(specs: Sequence[RunSpec]) -> list[list[RunSpec]]:
    """``specs`` split into groups of shared samples, in order of first appearance."""
    out: dict[tuple, list[RunSpec]] = {}
    for s in specs:
        out.setdefault(group_key(s), []).append(s)
    return list(out.values())


__all__ = ["group_key", "group_name", "groups_of", "sparse_features", "train_group"]
