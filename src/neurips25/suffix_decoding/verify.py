"""Tree verification for any local Hugging Face causal LM (SuffixDecoding, arXiv 2411.04975v3).

One forward pass scores a whole draft tree. Node 0 is the *root*: the last committed
token, whose KV entry is not cached yet. Draft node i (1..n) has a parent index < i.
Every node attends to the cached prefix and to its own ancestors (itself included), and
sits at position ``prefix_len + depth``; with that 4D additive float mask and those
position ids, node i's logits equal the logits of a plain causal pass over
``prefix + root-to-i path`` (the tree-attention identity of SpecInfer/Medusa that the
paper's verifier relies on).

A path draft (each node the child of the one before) is a plain causal continuation, so
it takes the model's own causal mask instead of a 4D one. After acceptance
(``acceptance.py``) the KV cache is compacted to prefix + root + accepted path, exactly
the cache a sequential decoder would hold.

Works with transformers' ``DynamicCache`` (``cache.layers[i].keys`` in 5.x,
``cache.key_cache[i]`` in 4.x), eager and sdpa attention. Sliding-window caches are
refused: a sliding layer cannot be compacted by index.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True)
class TreeInputs:
    """Model inputs for one verification pass over root + draft (T = 1 + n nodes)."""

    input_ids: torch.Tensor  # (1, T)
    position_ids: torch.Tensor  # (1, T) = prefix_len + depth
    attention_mask: torch.Tensor  # (1, 1, T, prefix_len + T), 0 visible, finfo.min hidden


def full_parents(parents: Sequence[int]) -> list[int]:
    """Draft parents (-1 = child of the root) -> parents over root+draft (root's is -1)."""
    out = [-1]
    for i, p in enumerate(parents):
        if not -1 <= p < i:
            raise ValueError(f"draft parent {p} of node {i} must be -1 or an earlier node index")
        out.append(p + 1)
    return out


def ancestor_matrix(parents_full: Sequence[int]) -> np.ndarray:
    """anc[i, j] = node j is on the root-to-i path (i itself included); (T, T) bool."""
    t = len(parents_full)
    anc = np.zeros((t, t), dtype=bool)
    for i, p in enumerate(parents_full):
        if p >= 0:
            anc[i] = anc[p]
        anc[i, i] = True
    return anc


def build_tree_inputs(
    root_token: int,
    draft_tokens: Sequence[int],
    parents: Sequence[int],
    prefix_len: int,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str = "cpu",
) -> TreeInputs:
    """Input ids, position ids (prefix_len + depth) and the 4D additive tree mask."""
    if len(draft_tokens) != len(parents):
        raise ValueError(f"{len(draft_tokens)} draft tokens but {len(parents)} parents")
    pf = full_parents(parents)
    anc = ancestor_matrix(pf)
    depth = anc.sum(axis=1) - 1
    t = len(pf)
    mask = torch.zeros((1, 1, t, prefix_len + t), dtype=dtype, device=device)
    mask[0, 0, :, prefix_len:].masked_fill_(torch.from_numpy(~anc).to(device),
                                            torch.finfo(dtype).min)  # the prefix: all visible
    ids = torch.tensor([[root_token, *draft_tokens]], dtype=torch.long, device=device)
    pos = torch.from_numpy(prefix_len + depth).to(device=device, dtype=torch.long)[None]
    return TreeInputs(ids, pos, mask)


def _kv_slots(cache: object) -> list[tuple[Callable[[], Any], Callable[[Any], None]]]:
    """(get, set) of every key and value tensor of a transformers 5.x or 4.x cache, the
    first one a key tensor."""
    layers = getattr(cache, "layers", None)
    if layers is not None:
        for layer in layers:
            if hasattr(layer, "sliding_window") or hasattr(layer, "cumulative_length"):
                raise NotImplementedError("sliding-window KV caches cannot be compacted by index")
        return [(functools.partial(getattr, layer, a), functools.partial(setattr, layer, a))
                for layer in layers for a in ("keys", "values")]
    if hasattr(cache, "key_cache"):  # transformers 4.x DynamicCache: lists of tensors
        return [(functools.partial(list.__getitem__, kv, i),
                 functools.partial(list.__setitem__, kv, i))
                for kv in (cache.key_cache, cache.value_cache) for i in range(len(kv))]
    raise TypeError(f"unsupported KV cache type {type(cache).__name__}; use DynamicCache")


def cache_length(cache: object) -> int:
    """Number of positions held by the cache (0 when empty)."""
    slots = _kv_slots(cache)
    keys = slots[0][0]() if slots else None
    return 0 if keys is None or keys.numel() == 0 else int(keys.shape[-2])


def compact_cache(cache: object, prefix_len: int, keep_nodes: Sequence[int]) -> None:
    """Keep the first ``prefix_len`` positions plus tree nodes ``keep_nodes`` (in order).

    ``keep_nodes`` index root+draft (0 = root); the tree's node k sits at cache position
    ``prefix_len + k``. A contiguous ``0..m`` keep is a plain slice (no copy).
    """
    keep = list(keep_nodes)
    contiguous = keep == list(range(len(keep)))
    idx = None if contiguous else torch.tensor(
        list(range(prefix_len)) + [prefix_len + k for k in keep], dtype=torch.long)
    end = prefix_len + len(keep)
    for get, put in _kv_slots(cache):
        t = get()
        put(t[..., :end, :] if contiguous else t.index_select(-2, idx.to(t.device)))


@functools.cache
def _cache_kwarg(cls: type) -> str:
    """transformers 5.x calls the cache argument ``cache``; 4.x ``past_key_values``."""
    params = inspect.signature(cls.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


def new_cache(model: torch.nn.Module) -> object:
    """An empty DynamicCache suited to ``model``."""
    from transformers import DynamicCache

    try:
        return DynamicCache(config=model.config)
    except TypeError:  # transformers 4.x: no config argument
        return DynamicCache()


def _causal_inputs(ids: Sequence[int], start: int, device: torch.device) -> dict:
    """Ids at positions start.. of a plain causal continuation (the model builds the mask)."""
    x = torch.tensor([list(ids)], dtype=torch.long, device=device)
    return {"input_ids": x, "position_ids": torch.arange(start, start + x.shape[1],
                                                         device=device)[None]}


def forward_tokens(model: torch.nn.Module, cache: object, ids: Sequence[int],
                   start: int) -> torch.Tensor:
    """Plain causal forward of ``ids`` at positions start.. on top of ``cache``; (T, V) logits."""
    return forward_step(model, cache, _causal_inputs(ids, start, model.device))


def is_path(parents: Sequence[int]) -> bool:
    """True if every draft node is the child of the node before it (a chain)."""
    return all(p == i - 1 for i, p in enumerate(parents))


def step_inputs(model: torch.nn.Module, prefix_len: int, root_token: int,
                draft_tokens: Sequence[int], parents: Sequence[int]) -> dict:
    """Keyword inputs of the model for one verification pass over root + draft.

    A chain (or no draft) is a plain causal continuation: ids and positions only, the
    model builds its own causal mask. A branching tree gets the 4D additive tree mask.
    """
    if is_path(parents):
        return _causal_inputs([root_token, *draft_tokens], prefix_len, model.device)
    dtype = next(model.parameters()).dtype
    ti = build_tree_inputs(root_token, draft_tokens, parents, prefix_len, dtype, model.device)
    return {"input_ids": ti.input_ids, "position_ids": ti.position_ids,
            "attention_mask": ti.attention_mask}


@torch.no_grad()
def forward_step(model: torch.nn.Module, cache: object, inputs: dict) -> torch.Tensor:
    """The model on ``step_inputs`` on top of ``cache``; (1 + n, V) logits.

    The cache grows by 1 + n positions (tree order); call ``compact_cache`` afterwards.
    """
    out = model(**inputs, use_cache=True, **{_cache_kwarg(type(model)): cache})
    return out.logits[0]


def forward_tree(model: torch.nn.Module, cache: object, root_token: int,
                 draft_tokens: Sequence[int], parents: Sequence[int]) -> torch.Tensor:
    """One forward over root + draft (tree-masked where it branches); (1 + n, V) logits."""
    inputs = step_inputs(model, cache_length(cache), root_token, draft_tokens, parents)
    return forward_step(model, cache, inputs)
