"""Exact ancestral sampling of many completions per prompt, sharing work between equal prefixes.

Sampling n = 256 completions per problem is the cost of a pass@k evaluation. All samples of
one prompt start from the same prefix and a peaked model keeps few distinct prefixes, so each
step runs the model once per *distinct* prefix and draws every sample's next token from its
own prefix's distribution: the same distribution as naive sampling, a fraction of the compute.

For the package's ``TinyGPT`` the distinct prefixes form a tree: a prefix of step t + 1 is a
prefix of step t plus one token, found by ``torch.unique`` on (parent, token) codes. Each new
node runs only its last token through the model, attending to its parent's cached keys and
values (a KV cache over the prefix tree), so a step costs one token per distinct prefix, not
a whole sequence. Any other model takes the plain path: the whole distinct prefixes, re-run.

Everything runs on the model's device; the caller's ``torch.Generator`` must live there too
(``torch.Generator(device=...)``), so a GPU run draws on the GPU.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from neurips25.common.tiny_gpt import KVCache, TinyGPT


def model_device(model: torch.nn.Module) -> torch.device:
    """Where ``model``'s parameters live (inputs are moved there)."""
    return next(model.parameters()).device


@torch.no_grad()
def _last_logprobs(model: torch.nn.Module, seqs: torch.Tensor, chunk: int) -> torch.Tensor:
    outs = [model(seqs[i : i + chunk])[:, -1, :] for i in range(0, len(seqs), chunk)]
    return F.log_softmax(torch.cat(outs).float(), dim=-1)


def _next_logprobs(model: TinyGPT, idx: torch.Tensor, start: int, cache: KVCache | None
                   ) -> tuple[torch.Tensor, KVCache]:
    """``TinyGPT.forward_cached`` as float log-probs."""
    logits, cache = model.forward_cached(idx, start, cache)
    return F.log_softmax(logits.float(), dim=-1), cache


@torch.no_grad()
def _sample_tree(model: TinyGPT, prompts: torch.Tensor, n: int, gen_len: int,
                 generator: torch.Generator, temperature: float) -> tuple[torch.Tensor, ...]:
    """The prefix-tree sampler: rows are the n samples of each prompt, in prompt order."""
    vocab = model.cfg.vocab_size
    logp, cache = _next_logprobs(model, prompts, 0, None)
    node = torch.arange(len(prompts), device=prompts.device).repeat_interleave(n)
    toks, lps = [], []
    for step in range(gen_len):
        draw = logp if temperature == 1.0 else F.log_softmax(logp / temperature, dim=-1)
        nxt = torch.multinomial(draw.exp()[node], 1, generator=generator).squeeze(-1)
        toks.append(nxt)
        lps.append(logp[node, nxt])
        if step + 1 == gen_len:
            break
        codes, node = torch.unique(node * vocab + nxt, return_inverse=True)
        parent = codes // vocab
        cache = [(k[parent], v[parent]) for k, v in cache]
        logp, cache = _next_logprobs(model, (codes % vocab)[:, None],
                                     prompts.shape[1] + step, cache)
    return torch.stack(toks, 1), torch.stack(lps, 1)


@torch.no_grad()
def _sample_plain(model: torch.nn.Module, prompts: torch.Tensor, n: int, gen_len: int,
                  generator: torch.Generator, temperature: float, chunk: int
                  ) -> tuple[torch.Tensor, ...]:
    """Any causal LM: each step re-runs every distinct full prefix (``torch.unique``)."""
    seqs = prompts.repeat_interleave(n, dim=0)
    toks, lps = [], []
    for _ in range(gen_len):
        uniq, inv = torch.unique(seqs, dim=0, return_inverse=True)
        logp = _last_logprobs(model, uniq, chunk)
        draw_logp = logp if temperature == 1.0 else F.log_softmax(logp / temperature, dim=-1)
        nxt = torch.multinomial(draw_logp.exp()[inv], 1, generator=generator).squeeze(-1)
        toks.append(nxt)
        lps.append(logp[inv, nxt])
        seqs = torch.cat([seqs, nxt[:, None]], dim=1)
    return torch.stack(toks, 1), torch.stack(lps, 1)


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
    (P, n, gen_len), the quantity perplexity and policy gradients use. A ``TinyGPT`` takes
    the KV-cached prefix tree; the draws (one per sample and step, in row order) are the same
    as the plain path's up to float rounding of the log-probs.
    """
    was_training = model.training
    model.eval()
    prompts = prompts.to(model_device(model))
    if isinstance(model, TinyGPT) and model.cfg.dropout == 0.0:
        toks, lps = _sample_tree(model, prompts, n, gen_len, generator, temperature)
    else:
        toks, lps = _sample_plain(model, prompts, n, gen_len, generator, temperature, chunk)
    model.train(was_training)
    shape = (prompts.shape[0], n, gen_len)
    return toks.view(shape), lps.view(shape)


def sequence_logprobs_reference(model: torch.nn.Module, seqs: torch.Tensor, prompt_len: int
                                ) -> torch.Tensor:
    """Per-token log-probs (B, T - prompt_len) of the generated part: every position run
    through every layer (any causal LM). ``sequence_logprobs`` is tested equal to it."""
    seqs = seqs.to(model_device(model))
    logp = F.log_softmax(model(seqs[:, :-1]).float(), dim=-1)
    tgt = seqs[:, 1:]
    tok_lp = logp.gather(-1, tgt[..., None]).squeeze(-1)
    return tok_lp[:, prompt_len - 1 :]


def _tail_logits(model: TinyGPT, idx: torch.Tensor, start: int) -> torch.Tensor:
    """``model(idx)[:, start:]`` without the work no scored position needs: the last block
    reads keys and values of every position but runs its queries, output projection, MLP and
    the head only from ``start`` on (a third of a training step on the toy's 12 positions)."""
    t = idx.shape[1]
    x = model.tok(idx) + model.pos(torch.arange(t, device=idx.device))
    for block in model.blocks[:-1]:
        x = block(x)
    last, (b, _, c) = model.blocks[-1], x.shape
    heads = last.attn.n_head
    q, k, v = last.attn.qkv(last.ln1(x)).split(c, dim=2)
    q = q[:, start:].reshape(b, t - start, heads, c // heads).transpose(1, 2)
    k, v = (z.reshape(b, t, heads, c // heads).transpose(1, 2) for z in (k, v))
    # query i sits at position start + i and sees keys 0 .. start + i
    keep = torch.ones(t - start, t, dtype=torch.bool, device=idx.device).tril(start)
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    x = x[:, start:] + last.attn.proj(y.transpose(1, 2).reshape(b, t - start, c))
    x = x + last.mlp(last.ln2(x))
    return model.head(model.ln_f(x))


def sequence_logprobs(model: torch.nn.Module, seqs: torch.Tensor, prompt_len: int) -> torch.Tensor:
    """Per-token log-probs (B, T - prompt_len) of the generated part of full sequences. A
    ``TinyGPT`` without dropout computes only the scored positions in its last block
    (``_tail_logits``); any other model runs the whole sequence (the reference path)."""
    if not isinstance(model, TinyGPT) or model.cfg.dropout != 0.0:
        return sequence_logprobs_reference(model, seqs, prompt_len)
    seqs = seqs.to(model_device(model))
    logp = F.log_softmax(_tail_logits(model, seqs[:, :-1], prompt_len - 1).float(), dim=-1)
    return logp.gather(-1, seqs[:, prompt_len:, None]).squeeze(-1)
