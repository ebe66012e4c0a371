"""Exact ancestral sampling of many completions per prompt, sharing work between equal prefixes.

Sampling n = 256 completions per problem is the cost of a pass@k evaluation. All samples of
one prompt start from the same prefix and a peaked model keeps few distinct prefixes, so each
step runs the model once per *distinct* prefix (``torch.unique``) and draws every sample's
next token from its own prefix's distribution: the same distribution as naive sampling, a
fraction of the compute.

Everything runs on the model's device; the caller's ``torch.Generator`` must live there too
(``torch.Generator(device=...)``), so a GPU run draws on the GPU.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def model_device(model: torch.nn.Module) -> torch.device:
    """Where ``model``'s parameters live (inputs are moved there)."""
    return next(model.parameters()).device


@torch.no_grad()
def _last_logprobs(model: torch.nn.Module, seqs: torch.Tensor, chunk: int) -> torch.Tensor:
    outs = [model(seqs[i : i + chunk])[:, -1, :] for i in range(0, len(seqs), chunk)]
    return F.log_softmax(torch.cat(outs).float(), dim=-1)


@torch.no_grad()
def sample_completions(
    model: torch.nn.Module,
    prompts: torch.Tensor,
    n: int,
    gen_len: int,
    generator: torch.Generator,
    temperature: float = 1.0,
    chunk: int = 8192,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``n`` completions of ``gen_len`` tokens for each prompt row.

    Returns tokens (P, n, gen_len) and their log-probs under the model at temperature 1
    (P, n, gen_len), the quantity perplexity and policy gradients use.
    """
    was_training = model.training
    model.eval()
    p = prompts.shape[0]
    seqs = prompts.to(model_device(model)).repeat_interleave(n, dim=0)
    toks, lps = [], []
    for _ in range(gen_len):
        uniq, inv = torch.unique(seqs, dim=0, return_inverse=True)
        logp = _last_logprobs(model, uniq, chunk)
        draw_logp = logp if temperature == 1.0 else F.log_softmax(logp / temperature, dim=-1)
        nxt = torch.multinomial(draw_logp.exp()[inv], 1, generator=generator).squeeze(-1)
        toks.append(nxt)
        lps.append(logp[inv, nxt])
        seqs = torch.cat([seqs, nxt[:, None]], dim=1)
    model.train(was_training)
    shape = (p, n, gen_len)
    return torch.stack(toks, 1).view(shape), torch.stack(lps, 1).view(shape)


def sequence_logprobs(model: torch.nn.Module, seqs: torch.Tensor, prompt_len: int) -> torch.Tensor:
    """Per-token log-probs (B, T - prompt_len) of the generated part of full sequences."""
    seqs = seqs.to(model_device(model))
    logp = F.log_softmax(model(seqs[:, :-1]).float(), dim=-1)
    tgt = seqs[:, 1:]
    tok_lp = logp.gather(-1, tgt[..., None]).squeeze(-1)
    return tok_lp[:, prompt_len - 1 :]
