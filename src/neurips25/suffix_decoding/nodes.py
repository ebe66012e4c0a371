"""The node of ``SuffixTree`` and the order its children are drafted in.

A node holds a run of tokens as a reference ``(ref_seq, ref_idx, length)`` into a stored
sequence (path compression), the number of stored suffixes through it, and ``stamp``,
the largest start clock among them: children rank by (count, stamp), i.e. the most
frequent continuation first, ties to the most recently used (SuffixDecoding Sec. 3.2).
"""
from __future__ import annotations

from operator import attrgetter


class Node:
    __slots__ = ("token", "count", "parent", "children", "ref_seq", "ref_idx", "length",
                 "endpoints", "stamp", "best")

    def __init__(self, token: int, count: int, parent: Node | None, ref_seq: int,
                 ref_idx: int, length: int, stamp: int) -> None:
        self.token = token  # first token of this node's run (its key in the parent)
        self.count = count  # suffixes ending at or passing through this node
        self.parent = parent
        self.children: dict[int, Node] | None = None
        self.ref_seq = ref_seq  # the run is _seqs[ref_seq][ref_idx : ref_idx + length]
        self.ref_idx = ref_idx
        self.length = length
        self.endpoints: dict[int, int] | None = None  # seq id -> end index of a suffix ending here
        self.stamp = stamp  # max start clock of the suffixes through this node
        self.best: Node | None = None  # cached top child by (count, stamp); None = unknown


node_rank = attrgetter("count", "stamp")  # most frequent, then most recently used


def promote_best(node: Node, ch: Node) -> None:
    """Keep ``node.best`` right after ``ch``'s count/stamp grew (ranks only increase)."""
    b = node.best
    if b is not None and b is not ch and (
            ch.count > b.count or (ch.count == b.count and ch.stamp > b.stamp)):
        node.best = ch


def drop_endpoint(node: Node, seq_id: int) -> None:
    eps = node.endpoints
    if eps is not None:
        eps.pop(seq_id, None)
        if not eps:
            node.endpoints = None
