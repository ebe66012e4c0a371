"""Small word-level LMs trained here, sampled like the paper (top-p 0.9, T = 1.0), and
reward-tuned with a group-normalised policy gradient (GRPO-style, no KL).

These stand in for the paper's 70+ chat models: what we can measure honestly at CPU
scale is how shared training data and reward tuning move the diversity of real samples.
A model is trained on ``device`` (cpu by default); sampling and tuning follow the model's
device, and a ``torch.Generator`` given to them must live there too.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from neurips25.common.progress import NullProgress, Progress
from neurips25.common.tiny_gpt import GPTConfig, TinyGPT, draw_next

PAD, EOS, SEP = "<pad>", "<eos>", ":"


class WordTokenizer:
    """Whitespace words to ids; ``<pad>`` = 0, ``<eos>`` = 1."""

    def __init__(self, words: Sequence[str]) -> None:
        self.itos = [PAD, EOS, *[w for w in dict.fromkeys(words) if w not in (PAD, EOS)]]
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id, self.eos_id, self.sep_id = 0, 1, self.stoi[SEP]

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        try:
            return [self.stoi[w] for w in text.split()]
        except KeyError as exc:
            raise ValueError(f"word {exc.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids: Sequence[int]) -> str:
        words = []
        for i in ids:
            if int(i) in (self.eos_id, self.pad_id):
                break
            words.append(self.itos[int(i)])
        return " ".join(words)

    def prompt_ids(self, prompt: str) -> list[int]:
        return [*self.encode(prompt), self.sep_id]


@dataclass(frozen=True)
class LMSpec:
    """Size and training budget of one LM."""

    n_layer: int = 2
    n_embd: int = 64
    n_head: int = 4
    steps: int = 600
    batch: int = 64
    lr: float = 3e-3
    block_size: int = 40


def model_device(model: torch.nn.Module) -> torch.device:
    """Where ``model``'s parameters live (inputs are made there)."""
    return next(model.parameters()).device


def generator(seed: int, device: str | torch.device = "cpu") -> torch.Generator:
    """A seeded random stream on ``device``: sampling draws where the model lives."""
    return torch.Generator(device=device).manual_seed(seed)


def make_batch(tok: WordTokenizer, pairs: Sequence[tuple[str, str]],
               block: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets for (prompt, response) pairs; only response + EOS are scored."""
    x = torch.full((len(pairs), block), tok.pad_id, dtype=torch.long)
    y = torch.full((len(pairs), block), -100, dtype=torch.long)
    for r, (prompt, response) in enumerate(pairs):
        p = tok.prompt_ids(prompt)
        seq = [*p, *tok.encode(response), tok.eos_id][: block + 1]
        t = torch.tensor(seq)
        x[r, : len(seq) - 1] = t[:-1]
        y[r, len(p) - 1 : len(seq) - 1] = t[len(p) :]
    return x, y


def _fast_step(model: torch.nn.Module) -> dict[str, bool]:
    """Optimizer options that step all parameters in one kernel where torch has one: a
    tiny model's step is otherwise a loop of small ops (a tenth of a training step)."""
    return {"fused": True} if model_device(model).type in ("cpu", "cuda") else {}


def train_lm(
    tok: WordTokenizer,
    pairs: Sequence[tuple[str, str]],
    spec: LMSpec,
    seed: int,
    progress: Progress | None = None,
    desc: str = "train",
    device: str | torch.device = "cpu",
) -> TinyGPT:
    """Next-token training on the response part of (prompt, response) pairs, on ``device``
    (batch indices come from a CPU generator, so the data order is the same everywhere).

    Each batch is cut after its last scored position: the columns after it hold only
    padding, which a causal model never lets influence earlier positions and the loss
    ignores, so the cut changes nothing but the cost (a third of it: answers are ~19
    of the 32 positions)."""
    progress = progress or NullProgress()
    torch.manual_seed(seed)
    cfg = GPTConfig(len(tok), spec.block_size, spec.n_layer, spec.n_head, spec.n_embd)
    model = TinyGPT(cfg).to(device)
    x_cpu, y_cpu = make_batch(tok, pairs, spec.block_size)
    ends = ((y_cpu != -100) * torch.arange(1, y_cpu.shape[1] + 1)).amax(1)  # per row, CPU
    x_all, y_all = x_cpu.to(device), y_cpu.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=spec.lr, weight_decay=0.01,
                            **_fast_step(model))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, spec.steps)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in progress.track(range(spec.steps), desc, total=spec.steps):
        idx = torch.randint(0, len(pairs), (spec.batch,), generator=gen)
        cut = max(1, int(ends[idx].max()))
        idx = idx.to(x_all.device)
        loss = model.loss(x_all[idx, :cut], y_all[idx, :cut])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        opt.step()
        sched.step()
    model.eval()
    return model


def sample_responses(
    model: TinyGPT,
    tok: WordTokenizer,
    prompt: str,
    n: int,
    top_p: float = 0.9,
    temperature: float = 1.0,
    max_new: int = 24,
    generator: torch.Generator | None = None,
) -> tuple[list[str], torch.Tensor]:
    """``n`` samples for one prompt (the paper: top-p 0.9, T = 1.0); also the raw ids."""
    prompt_t = torch.tensor([tok.prompt_ids(prompt)] * n, dtype=torch.long,
                            device=model_device(model))
    max_new = min(max_new, model.cfg.block_size - prompt_t.shape[1])
    ids = cached_sample(model, prompt_t, max_new, temperature, top_p, generator, tok.eos_id)
    return [tok.decode(row) for row in ids.tolist()], ids


@torch.no_grad()
def cached_sample(model: TinyGPT, prompt: torch.Tensor, max_new: int, temperature: float,
                  top_p: float, generator: torch.Generator | None,
                  eos_id: int) -> torch.Tensor:
    """``TinyGPT.sample``'s tokens (same draws from ``generator``, same top-p and EOS
    rule) with keys and values cached: each step runs the model on one new position, not
    on the whole prefix again. Sampling is most of an arm's time after training, and a
    prefix of ~20 positions made it ~20 times the work. Needs prompt + max_new <=
    block_size (``sample_responses`` caps it), as positions never slide."""
    if prompt.shape[1] + max_new > model.cfg.block_size:
        raise ValueError("prompt + max_new exceeds the model's block size")
    cache = None
    x_new, start = prompt, 0
    done = torch.zeros(prompt.shape[0], dtype=torch.bool, device=prompt.device)
    out = []
    for _ in range(max_new):
        logits, cache = model.forward_cached(x_new, start, cache)
        nxt = draw_next(logits, temperature, top_p, generator)
        nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)
        done = done | (nxt == eos_id)
        out.append(nxt)
        start, x_new = start + x_new.shape[1], nxt[:, None]
        if bool(done.all()):
            break
    return torch.stack(out, 1)


def _response_logprob(model: TinyGPT, prompt_ids: torch.Tensor, ids: torch.Tensor,
                      eos_id: int) -> torch.Tensor:
    """Sum of log-probs of each sampled row up to and including its first EOS; row r of
    ``ids`` continues row r of ``prompt_ids`` (rows, prompt length: one length for all)."""
    full = torch.cat([prompt_ids, ids], 1)
    logits = model(full[:, :-1])[:, prompt_ids.shape[1] - 1 :]
    lp = torch.log_softmax(logits.float(), -1).gather(-1, ids[..., None]).squeeze(-1)
    is_eos = (ids == eos_id).long()
    before_eos = (is_eos.cumsum(1) - is_eos) == 0  # tokens up to and including first EOS
    return (lp * before_eos).sum(1)


def _by_length(tok: WordTokenizer, prompts: Sequence[str],
               chosen: Sequence[int]) -> list[list[int]]:
    """The chosen prompt indices grouped by token length (first-seen order): prompts of one
    length share one sampling call and one forward pass, as their positions line up."""
    groups: dict[int, list[int]] = {}
    for i in chosen:
        groups.setdefault(len(tok.prompt_ids(prompts[int(i)])), []).append(int(i))
    return list(groups.values())


def _group_loss(policy: TinyGPT, tok: WordTokenizer, prompts: Sequence[str], idx: list[int],
                reward: Callable[[str, str, bool], float], group: int,
                gen: torch.Generator) -> torch.Tensor:
    """Sum over the prompts ``idx`` (one token length) of -mean(advantage * log-prob) of
    ``group`` on-policy samples each (T = 1, top-p = 1), advantages normalised per prompt.
    One batched sampling call and one forward pass serve them all: a tiny model's
    step costs about the same for 16 rows as for 64."""
    device = model_device(policy)
    p_ids = torch.tensor([tok.prompt_ids(prompts[i]) for i in idx for _ in range(group)],
                         dtype=torch.long, device=device)
    policy.eval()
    ids = cached_sample(policy, p_ids, min(64, policy.cfg.block_size - p_ids.shape[1]), 1.0,
                        1.0, gen, tok.eos_id)
    texts = [tok.decode(row) for row in ids.tolist()]
    finished = (ids == tok.eos_id).any(1).tolist()
    r = torch.tensor([reward(prompts[idx[k // group]], t, f)
                      for k, (t, f) in enumerate(zip(texts, finished, strict=True))],
                     device=device).view(len(idx), group)
    adv = ((r - r.mean(1, keepdim=True)) / (r.std(1, keepdim=True) + 1e-6)).flatten()
    policy.train()
    lp = _response_logprob(policy, p_ids, ids, tok.eos_id)
    return -(adv * lp).view(len(idx), group).mean(1).sum()


def reward_tune(
    model: TinyGPT,
    tok: WordTokenizer,
    prompts: Sequence[str],
    reward: Callable[[str, str, bool], float],
    steps: int,
    group: int = 16,
    prompts_per_step: int = 4,
    lr: float = 1e-3,
    seed: int = 0,
    progress: Progress | None = None,
    desc: str = "reward tuning",
) -> TinyGPT:
    """Policy gradient with group-normalised advantages (GRPO without KL) on a copy.

    ``reward(prompt, text, finished)`` scores one sample; ``finished`` is False when it
    hit the length limit without EOS. Sampling uses T = 1, top-p = 1 (on-policy), on the
    model's device.
    """
    progress = progress or NullProgress()
    policy = copy.deepcopy(model)
    opt = torch.optim.Adam(policy.parameters(), lr=lr, **_fast_step(policy))
    device = model_device(policy)
    gen = generator(seed, device)
    rng = np.random.default_rng(seed)
    for _ in progress.track(range(steps), desc, total=steps):
        chosen = rng.choice(len(prompts), size=min(prompts_per_step, len(prompts)), replace=False)
        loss = torch.zeros((), device=device)
        for idx in _by_length(tok, prompts, chosen):
            loss = loss + _group_loss(policy, tok, prompts, idx, reward, group, gen) / len(chosen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
    policy.eval()
    return policy
