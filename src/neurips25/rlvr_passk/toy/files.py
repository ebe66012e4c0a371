"""Per-sample and per-problem JSONL of the toy's arms, in the formats ``neurips25 passk`` reads."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from neurips25.common.io import atomic_write_text
from neurips25.rlvr_passk.toy import task


def write_samples(path: Path, model: str, ids: Sequence[str], tokens: np.ndarray,
                  counts: np.ndarray, a: np.ndarray, b: np.ndarray, seed: int) -> None:
    """One line per sample (problem_id, model, seed, correct, sample text), written atomically.

    ``correct`` is re-derived from the tokens by the verifier and must agree with ``counts``.
    """
    toks = torch.as_tensor(tokens, dtype=torch.long)
    correct = task.reward(a, b, toks).bool().numpy()
    if not np.array_equal(correct.sum(1), np.asarray(counts)):
        raise RuntimeError(f"{model}: sample tokens disagree with the sampled counts")
    lines = [json.dumps({"problem_id": pid, "model": model, "seed": seed,
                         "correct": bool(correct[i, j]), "sample": task.decode(toks[i, j])})
             for i, pid in enumerate(ids) for j in range(toks.shape[1])]
    atomic_write_text(path, "\n".join(lines) + "\n")


def write_counts(path: Path, model: str, ids: Sequence[str], c: Sequence[int], n: int) -> None:
    """One line per problem: problem_id, model, n, c (atomic)."""
    atomic_write_text(path, "".join(
        json.dumps({"problem_id": p, "model": model, "n": n, "c": int(ci)}) + "\n"
        for p, ci in zip(ids, c, strict=True)))
