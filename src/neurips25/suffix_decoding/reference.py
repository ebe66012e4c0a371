"""The paper's drafting loop, written plainly: the reference the fast path is tested against.

SuffixDecoding (arXiv 2411.04975v3, Sec. 3.2): for every match length p = 1, 2, ...
whose context suffix ``context[-p:]`` occurs in the tree, build a draft of at most
min(max_spec_tokens, floor(alpha·p + offset)) tokens, where a continuation N gets the
probability D(N) = D(parent)·C(N)/C(parent) (Eq. 1), which telescopes to
C(N) / C(match): one division, so equal counts give equal probabilities exactly. Tokens
are kept while D >= tau (``min_token_prob``). Path mode follows the most frequent
continuation (ties: the most recently seen); tree mode takes the ``budget`` most
probable continuations best-first (ties: the one found first). The draft with the
highest score (the sum of D: expected accepted tokens) wins; ties go to the longer
match. ``drafting.speculate`` computes the same draft much faster.
"""
from __future__ import annotations

import math

from neurips25.suffix_decoding.proposers import Draft
from neurips25.suffix_decoding.tree import SuffixTree, budget

__all__ = ["speculate_reference"]


def speculate_reference(tree: SuffixTree, context: list[int], max_spec_tokens: int,
                        max_spec_factor: float = 1.0, max_spec_offset: float = 0.0,
                        min_token_prob: float = 0.1, use_tree: bool = False) -> Draft:
    """Best draft over every matched context suffix, by trying each match length in turn."""
    context = list(context)[-tree.max_depth:]
    best = Draft()
    for p in range(1, len(context) + 1):
        pattern = context[-p:]
        matches = tree.count(pattern)
        if matches == 0:
            break  # a longer suffix cannot occur if this one does not
        n = budget(p, max_spec_tokens, max_spec_factor, max_spec_offset)
        grow = _tree_draft if use_tree else _path_draft
        draft = grow(tree, pattern, matches, n, min_token_prob)
        if draft.score > best.score or (draft.score == best.score and p > best.match_len):
            best = draft
            best.match_len = p
    return best


def _path_draft(tree: SuffixTree, pattern: list[int], matches: int, n: int,
                tau: float) -> Draft:
    """Follow the most frequent continuation while its probability is >= tau."""
    draft = Draft()
    while len(draft.token_ids) < n:
        options = tree.continuations(pattern + draft.token_ids)
        if not options:
            break
        token, count, _ = max(options, key=lambda o: (o[1], o[2]))
        prob = count / matches
        if prob < tau:
            break
        draft.parents.append(len(draft.token_ids) - 1)
        draft.token_ids.append(token)
        draft.probs.append(prob)
    draft.score = math.fsum(draft.probs)
    return draft


def _tree_draft(tree: SuffixTree, pattern: list[int], matches: int, n: int,
                tau: float) -> Draft:
    """Take the n most probable continuations, best first; a node's continuations
    become candidates once the node is taken."""
    draft = Draft()
    candidates: list[tuple[float, int, list[int]]] = []  # (prob, parent, tokens to it)

    def offer(parent: int, path: list[int]) -> None:  # path: the tokens to node ``parent``
        options = sorted(tree.continuations(pattern + path), key=lambda o: (o[1], o[2]),
                         reverse=True)
        for token, count, _ in options:
            if count / matches >= tau:
                candidates.append((count / matches, parent, path + [token]))

    offer(-1, [])
    while candidates and len(draft.token_ids) < n:
        top = max(c[0] for c in candidates)
        k = next(i for i, c in enumerate(candidates) if c[0] == top)  # ties: found first
        prob, parent, path = candidates.pop(k)
        draft.token_ids.append(path[-1])
        draft.parents.append(parent)
        draft.probs.append(prob)
        offer(len(draft.token_ids) - 1, path)
    draft.score = math.fsum(draft.probs)
    return draft
