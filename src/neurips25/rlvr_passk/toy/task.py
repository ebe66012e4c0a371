"""The toy task: 3-digit addition with reversed digits and a strategy tag.

A trace is ``a0 a1 a2 + b0 b1 b2 = T r0 r1 r2 r3`` (least significant digit first). The tag
T names the strategy the trace follows: ``S`` = the common carry-ignoring shortcut
(r_i = (a_i + b_i) mod 10, r3 = 0), ``C`` = the rare correct one (true sum). On prompts with
no carry both strategies give the true answer; on prompts with a carry only ``C`` does.
This is the toy analogue of the paper's setting: the base model already holds a correct
strategy (rarely sampled); RL on easy prompts sharpens what it samples most (Sec. 3, Fig. 1).
"""
from __future__ import annotations

import numpy as np
import torch

PLUS, EQ, TAG_S, TAG_C = 10, 11, 12, 13
VOCAB_SIZE = 14
PROMPT_LEN = 8  # a0 a1 a2 + b0 b1 b2 =
GEN_LEN = 5  # tag + 4 answer digits
SEQ_LEN = PROMPT_LEN + GEN_LEN
_ITOS = [str(d) for d in range(10)] + ["+", "=", "S", "C"]


def digits(x: np.ndarray, n: int) -> np.ndarray:
    """Reversed base-10 digits of each x: shape (len(x), n), least significant first."""
    return (np.asarray(x)[:, None] // 10 ** np.arange(n)) % 10


def has_carry(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where a + b carries in at least one digit (shortcut answer is then wrong)."""
    return ((digits(a, 3) + digits(b, 3)) >= 10).any(axis=1)


def prompts(a: np.ndarray, b: np.ndarray) -> torch.Tensor:
    """Token ids (P, PROMPT_LEN) for problems a + b."""
    p = len(a)
    row = np.concatenate(
        [digits(a, 3), np.full((p, 1), PLUS), digits(b, 3), np.full((p, 1), EQ)], axis=1
    )
    return torch.as_tensor(row, dtype=torch.long)


def answers(a: np.ndarray, b: np.ndarray, strategy: str) -> np.ndarray:
    """Answer digits (P, 4) under a strategy: "C" the true sum, "S" the carry-ignoring one."""
    if strategy == "C":
        return digits(np.asarray(a) + np.asarray(b), 4)
    if strategy == "S":
        out = np.zeros((len(a), 4), dtype=np.int64)
        out[:, :3] = (digits(a, 3) + digits(b, 3)) % 10
        return out
    raise ValueError(f"unknown strategy {strategy!r}")


def traces(
    a: np.ndarray, b: np.ndarray, p_correct: float, digit_noise: float, rng: np.random.Generator
) -> torch.Tensor:
    """Pretraining traces (P, SEQ_LEN): strategy C with prob ``p_correct`` else S; with prob
    ``digit_noise`` one answer digit is replaced by a uniform random digit (sloppy traces)."""
    p = len(a)
    use_c = rng.random(p) < p_correct
    ans = np.where(use_c[:, None], answers(a, b, "C"), answers(a, b, "S"))
    noisy = rng.random(p) < digit_noise
    pos = rng.integers(0, 4, p)
    ans[noisy, pos[noisy]] = rng.integers(0, 10, int(noisy.sum()))
    tag = np.where(use_c, TAG_C, TAG_S)[:, None]
    gen = torch.as_tensor(np.concatenate([tag, ans], axis=1), dtype=torch.long)
    return torch.cat([prompts(a, b), gen], dim=1)


def reward(a: np.ndarray, b: np.ndarray, gen: torch.Tensor) -> torch.Tensor:
    """Verifiable reward: 1.0 where the 4 generated answer digits equal the true sum.

    ``gen`` has shape (P, m, GEN_LEN); the tag is not checked (only the answer counts).
    """
    truth = torch.as_tensor(answers(a, b, "C"))[:, None, :]
    return (gen[..., 1:] == truth).all(-1).float()


def random_problems(
    rng: np.random.Generator, size: int, carry: bool | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``size`` problems a + b (a, b in 0..999); ``carry`` restricts to carry/no-carry ones."""
    a_out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    b_out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    have = 0
    while have < size:
        a = rng.integers(0, 1000, 4 * size + 16)
        b = rng.integers(0, 1000, 4 * size + 16)
        if carry is not None:
            keep = has_carry(a, b) == carry
            a, b = a[keep], b[keep]
        a_out.append(a)
        b_out.append(b)
        have += len(a)
    return np.concatenate(a_out)[:size], np.concatenate(b_out)[:size]


def decode(tokens: torch.Tensor | list[int]) -> str:
    """Readable text of a token row, e.g. '123+456=C9750'."""
    return "".join(_ITOS[int(t)] for t in tokens)
