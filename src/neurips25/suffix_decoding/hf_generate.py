"""``model.generate(custom_generate=suffix_generate, ...)``: suffix decoding inside transformers.

transformers 5 takes a callable as ``custom_generate``: ``generate`` prepares
everything (generation config, logits processors incl. the sampling warpers, stopping
criteria, attention mask) and then calls it in place of its decoding loop, like
``GenerationMixin._sample``; keywords our signature adds (``suffix_cache`` ...) are
passed through from the ``generate`` call. Rows of a batch run in turn through one
shared cache (left padding is stripped per row; the logits processors and stopping
criteria still see the padded row, as in plain ``generate``).

transformers 5.24 does not pass ``streamer`` to a callable ``custom_generate`` (it keeps
only the callable's own extra keywords) although it already fed the prompt to it; so
when ``streamer`` arrives as None we take it from the calling ``generate`` frame, or a
``TextIteratorStreamer`` consumer would wait for ever.
"""
from __future__ import annotations

import sys
from typing import Any

import torch

from neurips25.suffix_decoding.acceptance import GreedyRule, SamplingRule
from neurips25.suffix_decoding.decoder import SpeculativeDecoder, StopFn
from neurips25.suffix_decoding.proposers import make_proposer

__all__ = ["suffix_generate"]

_MODEL_KWARGS_OK = {"attention_mask", "position_ids", "cache", "past_key_values", "use_cache",
                    "logits_to_keep", "cache_position"}


def _streamer_of_caller(streamer: Any) -> Any:
    if streamer is not None:
        return streamer
    frame = sys._getframe(2)
    for _ in range(4):
        if frame is None:
            break
        loc = frame.f_locals
        if frame.f_code.co_name == "generate" and "custom_generate" in loc:
            return loc.get("streamer")
        frame = frame.f_back
    return None


def _check_options(model: Any, generation_config: Any, synced_gpus: bool,
                   model_kwargs: dict[str, Any]) -> None:
    """ValueError naming every option suffix decoding cannot honour (before any work)."""
    bad = []
    if getattr(model.config, "is_encoder_decoder", False):
        bad.append("an encoder-decoder model")
    if (generation_config.num_beams or 1) > 1:
        bad.append(f"num_beams={generation_config.num_beams}")
    for name in ("output_scores", "output_logits", "output_attentions", "output_hidden_states"):
        if getattr(generation_config, name, False):
            bad.append(f"{name}=True")
    if getattr(generation_config, "prompt_lookup_num_tokens", None):
        bad.append("prompt_lookup_num_tokens (suffix decoding drafts itself)")
    if synced_gpus:
        bad.append("synced_gpus=True")
    extra = sorted(k for k, v in model_kwargs.items()
                   if k not in _MODEL_KWARGS_OK and v is not None)
    bad += [f"model input {k!r}" for k in extra]
    for key in ("cache", "past_key_values"):
        c = model_kwargs.get(key)
        if c is not None and hasattr(c, "get_seq_length") and c.get_seq_length() > 0:
            bad.append(f"a pre-filled {key}")
    if bad:
        raise ValueError("suffix_generate cannot honour: " + ", ".join(bad))


def _criteria(stopping_criteria: Any, row: list[int],
              device: Any) -> tuple[int | None, set[int], StopFn | None]:
    """(max_length, EOS ids, stop function for the other criteria) of generate's criteria."""
    from transformers.generation.stopping_criteria import EosTokenCriteria, MaxLengthCriteria

    max_len, eos, others = None, set(), []
    for c in stopping_criteria or ():
        if isinstance(c, MaxLengthCriteria):
            max_len = c.max_length if max_len is None else min(max_len, c.max_length)
        elif isinstance(c, EosTokenCriteria):
            eos |= {int(e) for e in c.eos_token_id.reshape(-1).tolist()}
        else:
            others.append(c)
    if not others:
        return max_len, eos, None

    def stop(out: list[int], step: list[int]) -> int | None:
        base = row + out
        for j in range(1, len(step) + 1):
            ids = torch.tensor([base + step[:j]], dtype=torch.long, device=device)
            if any(bool(torch.as_tensor(c(ids, None)).reshape(-1)[0]) for c in others):
                return j
        return None

    return max_len, eos, stop


def _rows(input_ids: torch.Tensor,
          attention_mask: torch.Tensor | None) -> list[tuple[list[int], list[int]]]:
    """Per row: (left padding, prompt). Right padding or holes are refused."""
    out = []
    for b in range(input_ids.shape[0]):
        ids = input_ids[b].tolist()
        if attention_mask is None:
            out.append(([], ids))
            continue
        m = attention_mask[b].tolist()
        n_pad = len(m) - sum(1 for v in m if v)
        if any(m[:n_pad]) or not all(m[n_pad:]):
            raise ValueError("suffix_generate needs left padding "
                             "(attention_mask 0...0 1...1 per row)")
        if n_pad == len(m):
            raise ValueError(f"row {b} of the batch is all padding")
        out.append((ids[:n_pad], ids[n_pad:]))
    return out


def suffix_generate(model: Any, input_ids: torch.Tensor, logits_processor: Any = None,
                    stopping_criteria: Any = None, generation_config: Any = None,
                    synced_gpus: bool = False, streamer: Any = None, *,
                    suffix_cache: Any = None, suffix_method: str = "suffix",
                    max_spec_tokens: int = 32, max_spec_factor: float = 1.0,
                    max_spec_offset: float = 0.0, min_token_prob: float = 0.1,
                    **model_kwargs: Any) -> Any:
    """Suffix decoding as generate's decoding loop: returns what ``generate`` returns.

    Use ``model.generate(input_ids, custom_generate=suffix_generate,
    suffix_cache=cache, max_new_tokens=..., do_sample=...)``. ``suffix_cache`` is a
    ``SuffixDecodingCache`` (ours or ArcticInference's), shared across calls so later
    requests draft from earlier responses; None = a fresh cache per call.
    ``suffix_method`` is "suffix" (path drafts) or "suffix-tree"; the other keywords
    are the proposer's. Greedy output equals ``generate(do_sample=False)`` token for
    token; sampling is lossless in distribution.
    """
    if suffix_method not in ("suffix", "suffix-tree"):
        raise ValueError(f"suffix_method must be 'suffix' or 'suffix-tree', got {suffix_method!r}")
    _check_options(model, generation_config, synced_gpus, model_kwargs)
    streamer = _streamer_of_caller(streamer)
    if streamer is not None and input_ids.shape[0] != 1:
        raise ValueError("a streamer takes one prompt at a time (batch size 1)")
    rows = _rows(input_ids, model_kwargs.get("attention_mask"))
    proposer = make_proposer(suffix_method, cache=suffix_cache, max_spec_factor=max_spec_factor,
                             max_spec_offset=max_spec_offset, min_token_prob=min_token_prob)
    processors = list(logits_processor or ())
    width = input_ids.shape[1]
    results = []
    try:
        for pad, prompt in rows:
            max_len, eos, stop = _criteria(stopping_criteria, pad + prompt, input_ids.device)
            if max_len is None:
                max_len = generation_config.max_length
            dec = SpeculativeDecoder(model, proposer, max_spec_tokens=max_spec_tokens,
                                     eos_token_ids=eos)
            rule = (SamplingRule(processors) if generation_config.do_sample
                    else GreedyRule(processors))
            emit = None
            if streamer is not None:
                def emit(toks: list[int]) -> None:
                    streamer.put(torch.tensor(toks, dtype=torch.long))
            out, _ = dec.run(prompt, max(0, max_len - width), rule, row_prefix=pad, stop=stop,
                             on_tokens=emit)
            results.append(out)
    finally:
        if streamer is not None:
            streamer.end()
    return _assemble(input_ids, results, generation_config)


def _assemble(input_ids: torch.Tensor, results: list[list[int]], generation_config: Any) -> Any:
    from transformers.generation.utils import GenerateDecoderOnlyOutput

    pad = generation_config.pad_token_id
    if pad is None:
        eos = generation_config.eos_token_id
        pad = (eos if isinstance(eos, int) else (eos or [0])[0]) if eos is not None else 0
    longest = max((len(r) for r in results), default=0)
    new = torch.full((len(results), longest), int(pad), dtype=input_ids.dtype,
                     device=input_ids.device)
    for b, r in enumerate(results):
        new[b, :len(r)] = torch.tensor(r, dtype=input_ids.dtype)
    seqs = torch.cat([input_ids, new], dim=1)
    if generation_config.return_dict_in_generate:
        return GenerateDecoderOnlyOutput(sequences=seqs)
    return seqs
