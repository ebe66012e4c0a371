"""Train the demo model: data parallel over one-thread processes, logits on targets only.

Why it looks like this (quick preset, 2-core CPU, SFT loss on the response only):

- ``group_by_length`` (off by default) draws batches of similar length (HF Trainer's
  trick): padding fell from 28% of the trained tokens to ~0 and a step cost ~20% less,
  but the batches are then one task kind each and the model learned far less per step
  (held-out response loss after 400 steps: tool 0.83 vs 0.35, edit 1.26 vs 0.78), a loss
  at equal CPU time. Kept for measuring; the default samples batches uniformly.
- Logits are computed only where there is a target (the response): the LM head and the
  softmax skip the prompt and the padding.
- Packing (default): the batch's pairs are packed into rows as wide as its longest pair
  (first-fit decreasing), each pair with positions from 0 and a block-diagonal causal
  mask, and the rows are dealt to the workers (``worker_rows``). Right-padding each
  worker's slice trained on 1.35x the real tokens (28% padding); packing on 1.10x. The
  loss is the padded one up to float rounding (tested with gradients against
  ``slice_loss_padded``, kept as the plain version and behind ``packed=False``).
- Several workers each take a slice of every batch and sum their gradients through a
  shared-memory buffer, one thread each. Two torch threads in one process scaled ~1.5x
  on two idle cores and collapsed on a loaded one (threads spin waiting for a busy core);
  processes that meet at a blocking barrier share a loaded machine fairly and scale
  ~1.8x (a 6-pair slice costs ~55% of a 12-pair batch; the gradient sum ~10 ms a step).
  The loss is a sum over the slice divided by the whole batch's target count, so the
  summed gradient is the same function of the batch for any worker count (only float
  summation order differs) and the model cache needs no worker count in its key.
"""
from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

from neurips25.common.progress import NullProgress, Progress
from neurips25.common.threads import cpu_count

Pair = tuple[list[int], list[int]]  # (prompt ids, response ids)
MAX_WORKERS = 4  # a batch of 12 split further leaves slices too small to be efficient
BARRIER_TIMEOUT_S = 600.0  # a worker that died leaves the others waiting at most this long


def training_workers() -> int:
    """One process per core, up to ``MAX_WORKERS``."""
    return max(1, min(cpu_count(), MAX_WORKERS))


def length_grouped_batches(lengths: list[int], batch: int, rng: random.Random,
                           group: int = 50) -> Iterator[list[int]]:
    """Endless batches of indices of similar length, every index once per epoch.

    Each epoch is shuffled, cut into mega-batches of ``group`` batches, each sorted by
    length and cut into batches; the batch order is shuffled again, so a step sees one
    length range but the ranges come in random order (HF's LengthGroupedSampler)."""
    if batch < 1 or len(lengths) < batch:
        raise ValueError(f"need at least batch={batch} examples, got {len(lengths)}")
    while True:
        order = list(range(len(lengths)))
        rng.shuffle(order)
        batches = []
        for start in range(0, len(order), batch * group):
            mega = sorted(order[start: start + batch * group], key=lambda i: lengths[i])
            batches += [mega[k: k + batch] for k in range(0, len(mega) - batch + 1, batch)]
        rng.shuffle(batches)
        yield from batches


def pack_rows(lengths: list[int], width: int) -> list[list[int]]:
    """First-fit decreasing: indices of ``lengths`` grouped into rows of <= ``width`` tokens.

    Longest first, each into the first row with room (a new row when none has). With
    ``width`` = the longest length no row is wider than a padded batch's rows, so the
    attention cost per token does not grow; only the number of rows falls. Deterministic
    (stable sort), so every worker computes the same rows."""
    if lengths and max(lengths) > width:
        raise ValueError(f"a length exceeds the row width {width}: {max(lengths)}")
    rows: list[list[int]] = []
    room: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        row = next((k for k, free in enumerate(room) if free >= lengths[i]), None)
        if row is None:
            rows.append([])
            room.append(width)
            row = len(rows) - 1
        rows[row].append(i)
        room[row] -= lengths[i]
    return rows


def split_rows(fills: list[int], workers: int) -> list[tuple[int, int]]:
    """Cut rows sorted by fill (widest first) into ``workers`` contiguous [start, end) runs.

    A worker pays (its rows) x (its widest row), so runs of similar fill waste little;
    the cut minimises the dearest worker (they meet at a barrier), then the total."""
    n = len(fills)
    best: tuple[tuple[int, int], list[int]] | None = None
    for cuts in itertools.combinations(range(1, n), min(workers, n) - 1):
        bounds = [0, *cuts, n]
        costs = [(e - b) * fills[b] for b, e in itertools.pairwise(bounds)]
        key = (max(costs), sum(costs))
        if best is None or key < best[0]:
            best = key, bounds
    bounds = best[1] if best else [0, n]
    runs = list(itertools.pairwise(bounds))
    return runs + [(n, n)] * (workers - len(runs))  # more workers than rows: idle ones


def worker_rows(pairs: list[Pair], rank: int, workers: int) -> list[list[Pair]]:
    """This worker's packed rows of the batch ``pairs`` (pairs of a row share it).

    The whole batch is packed (``pack_rows``, width = its longest pair) and the rows are
    dealt out by ``split_rows``: each pair lands on exactly one worker, so the summed
    loss is the batch's whatever the deal. On the demo data (12-pair batches, 2 workers)
    this trains on 1.10x the real tokens vs 1.35x padded and 1.21x packing each
    worker's fixed slice (which has too few short pairs to fill its rows)."""
    lengths = [len(p) + len(r) for p, r in pairs]
    rows = pack_rows(lengths, max(lengths))
    rows.sort(key=lambda row: -sum(lengths[i] for i in row))  # stable: same on every worker
    start, end = split_rows([sum(lengths[i] for i in row) for row in rows], workers)[rank]
    return [[pairs[i] for i in row] for row in rows[start:end]]


def packed_inputs(rows: list[list[Pair]], pad_id: int, dtype: Any) -> dict[str, Any]:
    """Tensors for ``rows_loss``: ids, per-pair positions, a block-diagonal causal mask.

    Each pair keeps positions 0.. (the rotary embedding sees what it sees when padded)
    and may attend only to earlier tokens of its own pair. The mask is additive (0 or
    the dtype's min) with shape (rows, 1, width, width): transformers hands a 4-D mask
    to the attention as it is (``masking_utils._preprocess_mask_arguments``) and both
    the sdpa and the eager attention add a float mask. A pad attends only to itself (a
    query with no key at all is ill-defined); pads are never targets and, being at
    the end of a row, never keys of a real token. Also returns the (row, column)
    positions that predict each target and the targets."""
    import torch

    width = max(sum(len(p) + len(r) for p, r in row) for row in rows)
    x = torch.full((len(rows), width), pad_id, dtype=torch.long)
    pos = torch.zeros((len(rows), width), dtype=torch.long)
    seg = -1 - torch.arange(width).repeat(len(rows), 1)  # every pad its own segment
    at_row: list[int] = []
    at_col: list[int] = []
    targets: list[int] = []
    for k, row in enumerate(rows):
        start = 0
        for j, (p, r) in enumerate(row):
            end = start + len(p) + len(r)
            x[k, start:end] = torch.tensor(p + r)
            pos[k, start:end] = torch.arange(end - start)
            seg[k, start:end] = j
            at_row += [k] * len(r)
            at_col += range(start + len(p) - 1, end - 1)  # position t predicts token t + 1
            targets += r
            start = end
    allowed = (seg[:, :, None] == seg[:, None, :]) & torch.ones(width, width).bool().tril()
    mask = torch.zeros(allowed.shape, dtype=dtype).masked_fill_(~allowed, torch.finfo(dtype).min)
    return {"input_ids": x, "position_ids": pos, "attention_mask": mask[:, None],
            "at": (torch.tensor(at_row), torch.tensor(at_col)), "targets": torch.tensor(targets)}


def rows_loss(model: Any, rows: list[list[Pair]], pad_id: int, n_targets: int) -> Any:
    """Summed next-token loss on the responses in packed ``rows`` / ``n_targets``.

    Equal to ``slice_loss_padded`` on the same pairs up to float rounding (tested, with
    gradients). A worker with no rows returns a zero that still reaches every parameter,
    so its (zero) gradients exist for the gradient sum."""
    import torch.nn.functional as F

    if not rows:
        return sum(p.sum() for p in model.parameters()) * 0.0
    inp = packed_inputs(rows, pad_id, model.model.embed_tokens.weight.dtype)
    hidden = model.model(input_ids=inp["input_ids"], position_ids=inp["position_ids"],
                         attention_mask=inp["attention_mask"], use_cache=False).last_hidden_state
    logits = model.lm_head(hidden[inp["at"]])
    return F.cross_entropy(logits, inp["targets"], reduction="sum") / n_targets


def slice_loss(model: Any, pairs: list[Pair], pad_id: int, n_targets: int,
               packed: bool = True) -> Any:
    """Summed next-token loss on the responses of ``pairs`` / ``n_targets`` (whole batch).

    ``packed`` (default): the pairs packed into rows (``pack_rows``, ``rows_loss``); else
    one right-padded row per pair (``slice_loss_padded``). Same function of the batch."""
    if not packed:
        return slice_loss_padded(model, pairs, pad_id, n_targets)
    lengths = [len(p) + len(r) for p, r in pairs]
    rows = pack_rows(lengths, max(lengths))
    return rows_loss(model, [[pairs[i] for i in row] for row in rows], pad_id, n_targets)


def slice_loss_padded(model: Any, pairs: list[Pair], pad_id: int, n_targets: int) -> Any:
    """Summed next-token loss on the responses of ``pairs`` / ``n_targets`` (whole batch).

    The plain version: one right-padded row per pair, the causal mask alone (kept as the
    reference the packed loss is tested against)."""
    import torch
    import torch.nn.functional as F

    width = max(len(p) + len(r) for p, r in pairs)
    x = torch.full((len(pairs), width), pad_id, dtype=torch.long)
    rows, cols, targets = [], [], []
    for i, (p, r) in enumerate(pairs):  # right padding: pads never precede real tokens
        x[i, : len(p) + len(r)] = torch.tensor(p + r)
        rows += [i] * len(r)
        cols += range(len(p) - 1, len(p) + len(r) - 1)  # position t predicts token t + 1
        targets += r
    hidden = model.model(input_ids=x, use_cache=False).last_hidden_state
    logits = model.lm_head(hidden[torch.tensor(rows), torch.tensor(cols)])
    return F.cross_entropy(logits, torch.tensor(targets), reduction="sum") / n_targets


class GradientSum:
    """Sum gradients (and the loss) over workers through a shared (2, workers, n) buffer.

    Step s writes row ``rank`` of half s % 2, waits at the barrier, and sums that half.
    A worker can only write the same half again two steps later, after the barrier of
    step s + 1, which every worker reaches only after it has read half s % 2."""

    def __init__(self, params: list[Any], rank: int, buf: Any, barrier: Any) -> None:
        self.params, self.rank, self.buf, self.barrier = params, rank, buf, barrier

    def __call__(self, step: int, loss: Any) -> float:
        import torch

        half = self.buf[step % 2]
        flat = torch.cat([p.grad.reshape(-1) for p in self.params] + [loss.detach().reshape(1)])
        half[self.rank].copy_(flat)
        self.barrier.wait(BARRIER_TIMEOUT_S)
        total = half.sum(0)
        at = 0
        for p in self.params:
            p.grad.copy_(total[at: at + p.numel()].view_as(p))
            at += p.numel()
        return float(total[-1])


def train_loop(model: Any, cfg: Any, pairs: list[Pair], pad_id: int, rank: int = 0,
               workers: int = 1, sync: GradientSum | None = None,
               progress: Progress | None = None, packed: bool = True) -> list[float]:
    """AdamW with warmup and linear decay; every worker runs this on its share of each batch.

    All workers draw the same batches (same seed) and apply the same summed gradient, so
    their weights stay identical without ever being sent. ``packed``: the share is packed
    rows (``worker_rows``); else the plain padded slice ``batch[rank::workers]``."""
    import torch

    progress = progress or NullProgress()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01, betas=(0.9, 0.95))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / cfg.warmup)
                                              * max(0.05, 1 - s / cfg.steps))
    rng = random.Random(cfg.seed)
    if cfg.group_by_length:  # normalise by a fixed count: every token weighs the same
        batches = length_grouped_batches([len(p) + len(r) for p, r in pairs], cfg.batch, rng)
        fixed = cfg.batch * sum(len(r) for _, r in pairs) / len(pairs)
    else:
        batches = (rng.choices(range(len(pairs)), k=cfg.batch) for _ in iter(int, 1))
        fixed = None
    steps = range(cfg.steps)
    if rank == 0:
        steps = progress.track(steps, "training demo model", total=cfg.steps)
    losses = []
    for step in steps:
        batch = [pairs[i] for i in next(batches)]
        n_targets = fixed or sum(len(r) for _, r in batch)
        if packed:
            loss = rows_loss(model, worker_rows(batch, rank, workers), pad_id, n_targets)
        else:
            loss = slice_loss_padded(model, batch[rank::workers], pad_id, n_targets)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        losses.append(sync(step, loss) if sync is not None else float(loss.detach()))
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    model.eval()
    return losses


def _worker(cfg: Any, pairs: list[Pair], vocab: int, pad_id: int, rank: int, workers: int,
            buf: Any, barrier: Any, results: Any, packed: bool = True) -> None:
    """A helper process (rank >= 1): train its slices, report a weight checksum and CPU s."""
    from neurips25.common.threads import pin_process_threads

    pin_process_threads(1)
    import torch

    from neurips25.suffix_decoding.demo.model import build_model

    try:
        torch.manual_seed(cfg.seed)
        model = build_model(cfg, vocab, pad_id)
        train_loop(model, cfg, pairs, pad_id, rank, workers,
                   GradientSum(list(model.parameters()), rank, buf, barrier), packed=packed)
        checksum = float(sum(p.detach().double().sum() for p in model.parameters()))
        results.put((rank, checksum, time.process_time()))
    except BaseException:
        barrier.abort()  # wake the others instead of leaving them at the barrier
        raise


def _watch(procs: list[Any], barrier: Any, done: threading.Event) -> None:
    """Break the barrier as soon as a helper exits with an error (even one that failed
    before it could reach its own ``barrier.abort()``, e.g. while starting up)."""
    from multiprocessing.connection import wait

    while not done.is_set():
        wait([p.sentinel for p in procs], timeout=1.0)
        if any(p.exitcode not in (None, 0) for p in procs):
            barrier.abort()
            return


def train_parallel(model: Any, cfg: Any, pairs: list[Pair], pad_id: int, workers: int,
                   progress: Progress | None = None,
                   packed: bool = True) -> tuple[list[float], float]:
    """Train ``model`` in this process (rank 0) with ``workers - 1`` helper processes.

    Returns (loss curve, CPU seconds of the helpers). Helpers start with ``spawn``: a
    fork after torch has started threads can hang."""
    if workers <= 1:
        return train_loop(model, cfg, pairs, pad_id, progress=progress, packed=packed), 0.0
    import torch
    import torch.multiprocessing as tmp

    ctx = tmp.get_context("spawn")
    params = list(model.parameters())
    buf = torch.zeros(2, workers, sum(p.numel() for p in params) + 1).share_memory_()
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_worker, daemon=True, args=(
        cfg, pairs, model.config.vocab_size, pad_id, rank, workers, buf, barrier, results,
        packed))
        for rank in range(1, workers)]
    for p in procs:
        p.start()
    done = threading.Event()
    watch = threading.Thread(target=_watch, args=(procs, barrier, done), daemon=True)
    watch.start()
    try:
        losses = train_loop(model, cfg, pairs, pad_id, 0, workers,
                            GradientSum(params, 0, buf, barrier), progress, packed)
        reports = [results.get(timeout=BARRIER_TIMEOUT_S) for _ in procs]
    except BaseException:
        barrier.abort()
        for p in procs:
            p.terminate()
        raise
    finally:
        done.set()
        for p in procs:
            p.join(timeout=60)
    mine = float(sum(p.detach().double().sum() for p in model.parameters()))
    if any(abs(c - mine) > 1e-6 * max(1.0, abs(mine)) for _, c, _ in reports):
        raise RuntimeError(f"demo-model workers diverged: checksums {mine} vs {reports}")
    return losses, sum(cpu for _, _, cpu in reports)
