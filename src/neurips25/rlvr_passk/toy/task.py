"""The toy task: 3-digit addition with reversed digits and a strategy tag.

A trace is ``a0 a1 a2 + b0 b1 b2 = T r0 r1 r2 r3`` (least significant digit first). The
tag T names the strategy the trace follows: ``S`` = the common carry-ignoring shortcut
(r_i = (a_i + b_i) mod 10, r3 = 0), ``C`` = the correct one (true sum). On prompts with no
carry both strategies give the true answer; on prompts with a carry only ``C`` does.

What the base model can know is set by its pretraining traces: most follow S, a few follow
C, and the C traces come only from *textbook* problems with at most ``textbook_carries``
carries. A problem with more carries (a carry rippling on, or carries at several places)
was never shown worked out, so the base model solves it rarely or never: its pass@256 is
well below 1 there. This is the toy analogue of the paper's setting: the base model holds
a correct strategy it rarely samples, and its reach ends somewhere (Sec. 3, Fig. 1).
"""
from __future__ import annotations

import numpy as np
import torch

N_DIGITS = 3
PLUS, EQ, TAG_S, TAG_C = 10, 11, 12, 13
VOCAB_SIZE = 14
PROMPT_LEN = 2 * N_DIGITS + 2  # a0 a1 a2 + b0 b1 b2 =
GEN_LEN = N_DIGITS + 2  # tag + 4 answer digits
SEQ_LEN = PROMPT_LEN + GEN_LEN
MAX_OPERAND = 10**N_DIGITS
_ITOS = [str(d) for d in range(10)] + ["+", "=", "S", "C"]


def digits(x: np.ndarray, n: int) -> np.ndarray:
    """Reversed base-10 digits of each x: shape (len(x), n), least significant first."""
    return (np.asarray(x)[:, None] // 10 ** np.arange(n)) % 10


def carries(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of digit positions of a + b that carry out (0 = the shortcut is right)."""
    da, db = digits(a, N_DIGITS), digits(b, N_DIGITS)
    carry = np.zeros(len(da), dtype=np.int64)
    count = np.zeros(len(da), dtype=np.int64)
    for i in range(N_DIGITS):
        carry = (da[:, i] + db[:, i] + carry >= 10).astype(np.int64)
        count += carry
    return count


def has_carry(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where a + b carries in at least one digit (shortcut answer is then wrong)."""
    return carries(a, b) > 0


def prompts(a: np.ndarray, b: np.ndarray) -> torch.Tensor:
    """Token ids (P, PROMPT_LEN) for problems a + b."""
    p = len(a)
    row = np.concatenate([digits(a, N_DIGITS), np.full((p, 1), PLUS), digits(b, N_DIGITS),
                          np.full((p, 1), EQ)], axis=1)
    return torch.as_tensor(row, dtype=torch.long)


def answers(a: np.ndarray, b: np.ndarray, strategy: str) -> np.ndarray:
    """Answer digits (P, N_DIGITS + 1) under a strategy: "C" the true sum, "S" the
    carry-ignoring one."""
    if strategy == "C":
        return digits(np.asarray(a) + np.asarray(b), N_DIGITS + 1)
    if strategy == "S":
        out = np.zeros((len(a), N_DIGITS + 1), dtype=np.int64)
        out[:, :N_DIGITS] = (digits(a, N_DIGITS) + digits(b, N_DIGITS)) % 10
        return out
    raise ValueError(f"unknown strategy {strategy!r}")


def traces(a: np.ndarray, b: np.ndarray, p_correct: float, digit_noise: float,
           rng: np.random.Generator, textbook_carries: int | None = None) -> torch.Tensor:
    """Training traces (P, SEQ_LEN).

    Strategy C with probability ``p_correct`` on problems with at most ``textbook_carries``
    carries, else S; with probability ``digit_noise`` one answer digit is replaced by a
    uniform random digit (sloppy traces). ``textbook_carries = N_DIGITS`` and
    ``p_correct = 1`` give a teacher's clean, complete traces.
    """
    p = len(a)
    limit = N_DIGITS if textbook_carries is None else textbook_carries
    use_c = (rng.random(p) < p_correct) & (carries(a, b) <= limit)
    ans = np.where(use_c[:, None], answers(a, b, "C"), answers(a, b, "S"))
    noisy = rng.random(p) < digit_noise
    pos = rng.integers(0, N_DIGITS + 1, p)
    ans[noisy, pos[noisy]] = rng.integers(0, 10, int(noisy.sum()))
    tag = np.where(use_c, TAG_C, TAG_S)[:, None]
    gen = torch.as_tensor(np.concatenate([tag, ans], axis=1), dtype=torch.long)
    return torch.cat([prompts(a, b), gen], dim=1)


def reward(a: np.ndarray, b: np.ndarray, gen: torch.Tensor) -> torch.Tensor:
    """Verifiable reward: 1.0 where the generated answer digits equal the true sum.

    ``gen`` has shape (P, m, GEN_LEN); the tag is not checked (only the answer counts).
    """
    truth = torch.as_tensor(answers(a, b, "C"), device=gen.device)[:, None, :]
    return (gen[..., 1:] == truth).all(-1).float()


def random_problems(rng: np.random.Generator, size: int, min_carries: int = 0,
                    max_carries: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``size`` problems a + b (a, b < 10^N_DIGITS) whose carry count lies in [min, max]."""
    max_carries = N_DIGITS if max_carries is None else max_carries
    if not 0 <= min_carries <= max_carries <= N_DIGITS:
        raise ValueError(f"need 0 <= min_carries <= max_carries <= {N_DIGITS}, "
                         f"got {min_carries}, {max_carries}")
    a_out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    b_out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    have = 0
    while have < size:
        a = rng.integers(0, MAX_OPERAND, 4 * size + 16)
        b = rng.integers(0, MAX_OPERAND, 4 * size + 16)
        if (min_carries, max_carries) != (0, N_DIGITS):
            k = carries(a, b)
            keep = (k >= min_carries) & (k <= max_carries)
            a, b = a[keep], b[keep]
        a_out.append(a)
        b_out.append(b)
        have += len(a)
    return np.concatenate(a_out)[:size], np.concatenate(b_out)[:size]


def decode(tokens: torch.Tensor | list[int]) -> str:
    """Readable text of a token row, e.g. '321+654=C9750'."""
    return "".join(_ITOS[int(t)] for t in tokens)
