"""A depth-limited, path-compressed suffix tree over integer token sequences.

SuffixDecoding (arXiv 2411.04975, Sec. 3.1) stores every suffix of every sequence,
truncated to ``max_depth`` tokens, in one tree; each node counts the suffixes that pass
through it. A node holds a run of tokens (path compression) as a reference
``(ref_seq, ref_idx, length)`` into a stored sequence, so the tree needs O(1) nodes per
token instead of O(depth). Node boundaries sit exactly where the equivalent counted trie
branches or where its count drops, so the shape is canonical (insertion order does not
change it).

Appending tokens to a live sequence extends its <= ``max_depth`` "active" suffixes:
O(depth) per call for suffixes that own their leaf, and per node walked (not per
token) for the others, since all of a call's tokens are taken suffix by suffix.
Removing a sequence walks its suffixes, decrements counts, prunes empty nodes,
re-merges nodes and repoints references that named the removed sequence.

Ties among equally frequent children go to the most recently used: every node keeps
``stamp`` = the largest start clock of the suffixes through it (one clock tick per
appended token, over all sequences). Removal leaves stamps as they were, so after a
removal a tie may still favour a continuation last seen in the removed sequence.
"""
from __future__ import annotations

from neurips25.suffix_decoding import drafting
from neurips25.suffix_decoding.drafting import budget
from neurips25.suffix_decoding.nodes import Node, drop_endpoint, promote_best
from neurips25.suffix_decoding.proposers import Draft

__all__ = ["MAX_TOKEN_ID", "SuffixTree", "budget"]

MAX_TOKEN_ID = 2**31 - 1


class SuffixTree:
    """Counts of all (truncated) suffixes of a set of token sequences keyed by integer id."""

    def __init__(self, max_depth: int = 24) -> None:
        if not isinstance(max_depth, int) or max_depth < 1:
            raise ValueError(f"max_depth must be a positive int, got {max_depth!r}")
        self.max_depth = max_depth
        self._root = Node(-1, 0, None, -1, -1, 0, -1)
        self._seqs: dict[int, list[int]] = {}
        self._active: dict[int, list[Node]] = {}  # per sequence, nodes where live suffixes end
        self._starts: dict[int, list[int]] = {}  # start clocks of those suffixes
        self._clock = 0

    # ------------------------------------------------------------------ queries
    def __contains__(self, seq_id: int) -> bool:
        return seq_id in self._seqs

    @property
    def num_tokens(self) -> int:
        """Total stored tokens = number of suffixes = the root's count."""
        return self._root.count

    def sequence(self, seq_id: int) -> list[int]:
        return list(self._seqs[seq_id])

    def seq_ids(self) -> list[int]:
        return list(self._seqs)

    @property
    def token_lists(self) -> dict[int, list[int]]:
        """The stored sequences themselves, not copies (``drafting`` reads node runs from
        them on the hot path): read only; change them through ``extend`` / ``remove``."""
        return self._seqs

    def active_nodes(self, seq_id: int) -> list[Node]:
        """Where the live suffixes of ``seq_id`` end (``[-p]`` ends the length-p one),
        the tree's own list: read only."""
        return self._active[seq_id]

    def count(self, pattern: list[int]) -> int:
        """How many stored suffixes start with ``pattern`` (0 if longer than max_depth)."""
        found = self.match_node(list(pattern))
        return 0 if found is None else found[0].count

    def match_node(self, pattern: list[int]) -> tuple[Node, int] | None:
        """The node where ``pattern`` ends and how many of its run's tokens it covers."""
        node, idx, i, n = self._root, 0, 0, len(pattern)
        seqs = self._seqs
        while i < n:
            kids = node.children
            if kids is None:
                return None
            ch = kids.get(pattern[i])
            if ch is None:
                return None
            r, length = ch.ref_idx, ch.length
            take = length if length <= n - i else n - i
            if take > 1 and seqs[ch.ref_seq][r + 1:r + take] != pattern[i + 1:i + take]:
                return None
            node, idx, i = ch, take, i + take
        return node, idx

    def speculate(self, context: list[int], max_spec_tokens: int, max_spec_factor: float = 1.0,
                  max_spec_offset: float = 0.0, min_token_prob: float = 0.1,
                  use_tree: bool = False, beat: float = -1.0,
                  live_seq: int | None = None) -> Draft:
        """Best draft over all matched context suffixes (paper Sec. 3.2; ``reference.py``).

        ``beat``: only a draft scoring strictly above it is wanted (else an empty one).
        ``live_seq``: a stored sequence the context may end with (the request being
        decoded), whose active nodes then give the shared suffixes' matches for free.
        Never changes the tree, except each node's cached best child (a pure function
        of the tree).
        """
        return drafting.speculate(self, context, max_spec_tokens, max_spec_factor,
                                  max_spec_offset, min_token_prob, use_tree, beat, live_seq)

    def continuations(self, pattern: list[int]) -> list[tuple[int, int, int]]:
        """(token, count, stamp) of every token that follows ``pattern`` in the tree.

        ``count`` = suffixes that start with pattern + token; ``stamp`` = the most recent
        start clock among them (recency, for ties). [] if nothing follows.
        """
        found = self.match_node(list(pattern))
        if found is None:
            return []
        node, idx = found
        if idx < node.length:  # inside a run: one continuation, same suffixes
            return [(self._seqs[node.ref_seq][node.ref_idx + idx], node.count, node.stamp)]
        return [(ch.token, ch.count, ch.stamp) for ch in (node.children or {}).values()]

    def num_nodes(self) -> int:
        n, stack = 0, [self._root]
        while stack:
            node = stack.pop()
            n += 1
            if node.children:
                stack.extend(node.children.values())
        return n

    # ---------------------------------------------------------------- mutation
    def extend(self, seq_id: int, tokens: list[int]) -> None:
        """Append ``tokens`` to sequence ``seq_id`` (created if new).

        Suffix-major: each live suffix takes all the tokens it can in one walk (a later
        suffix sees the tree after the earlier ones, which is a valid order since the
        tree is a multiset of strings). A suffix alone in its leaf grows it in O(1), and
        a walk along an existing run shifts all matching tokens at once.
        """
        m = len(tokens)
        if m == 0:
            return
        seq = self._seqs.get(seq_id)
        if seq is None:
            seq = self._seqs[seq_id] = []
            self._active[seq_id] = []
            self._starts[seq_id] = []
        active, starts = self._active[seq_id], self._starts[seq_id]
        depth, pos, n_act = self.max_depth, len(seq), len(active)
        seq.extend(tokens)
        grow = self._grow
        # live suffix i holds seq[pos - n_act + i : pos]; the first n_freeze reach depth
        # during this call (and leave the window), the others take all m tokens
        n_freeze = max(0, n_act + m - depth)
        for i in range(n_act):
            node = active[i]
            take = m if i >= n_freeze else depth - n_act + i
            if take <= 0:
                continue
            if node.count == 1:  # alone in its leaf (it ends there): grow it in place
                self._lone_leaf(node, seq_id, pos, pos + take)
            else:
                active[i] = grow(node, starts[i], seq_id, seq, pos, take)
        del active[:n_freeze]
        del starts[:n_freeze]
        root, clock = self._root, self._clock
        root.count += m
        self._clock += m
        for q in range(m):  # the new suffixes, one per token; the first m - depth freeze
            node = grow(root, clock + q, seq_id, seq, pos + q, min(m - q, depth))
            if m - q <= depth:
                active.append(node)
                starts.append(clock + q)

    def append(self, seq_id: int, token: int) -> None:
        self.extend(seq_id, [token])

    def _grow(self, node: Node, start: int, seq_id: int, seq: list[int], j: int,
              take: int) -> Node:
        """Extend the suffix that ends at ``node`` (at seq[j]) by seq[j : j + take].

        Returns the node where it ends afterwards. Each token falls in one of five growth
        cases, each keeping the invariants (node boundaries exactly where counts drop or
        the trie branches, ``best`` caches, stamps):

        - ``_lone_leaf``: only this suffix reaches the leaf: it takes every token left;
        - ``_new_leaf``: no child starts with the token: branch off a new leaf;
        - ``_merge``: the suffix ends here and every other one goes on into the child, so
          after the append the two carry equal counts: fuse them (or shift the run);
        - ``_step``: the child is one token long: count the suffix in and move on;
        - ``_split``: the child's run is longer: split it after its first token.
        """
        root = self._root
        stop = j + take
        while j < stop:
            tok = seq[j]
            kids = node.children
            ch = kids.get(tok) if kids is not None else None
            if ch is None:
                if node.count == 1 and node is not root:
                    return self._lone_leaf(node, seq_id, j, stop)
                node, j = self._new_leaf(node, tok, start, seq_id, j), j + 1
            elif node is not root and node.count == ch.count + 1:
                node, j = self._merge(node, ch, seq_id, seq, j, stop)
            else:
                if node is not root:
                    drop_endpoint(node, seq_id)
                if ch.length == 1:
                    node, j = self._step(node, ch, start, seq_id, j), j + 1
                else:
                    node, j = self._split(node, ch, start, seq_id, j), j + 1
        return node

    @staticmethod
    def _lone_leaf(node: Node, seq_id: int, j: int, stop: int) -> Node:
        node.length += stop - j
        node.ref_seq = seq_id
        node.ref_idx = stop - node.length
        node.endpoints[seq_id] = stop  # type: ignore[index]
        return node

    def _new_leaf(self, node: Node, tok: int, start: int, seq_id: int, j: int) -> Node:
        new = Node(tok, 1, node, seq_id, j, 1, start)
        new.endpoints = {seq_id: j + 1}
        if node.children is None:
            node.children = {tok: new}
        else:
            node.children[tok] = new
            promote_best(node, new)
        if node is not self._root:
            drop_endpoint(node, seq_id)
        return new

    def _merge(self, node: Node, ch: Node, seq_id: int, seq: list[int], j: int,
               stop: int) -> tuple[Node, int]:
        if ch.length == 1:  # ch takes node's place, one token longer
            parent, end = node.parent, j + 1
            ch.token = node.token
            ch.count += 1
            ch.length = node.length + 1
            ch.ref_seq, ch.ref_idx = seq_id, end - ch.length
            ch.parent = parent
            ch.stamp = node.stamp
            if ch.endpoints is None:
                ch.endpoints = {seq_id: end}
            else:
                ch.endpoints[seq_id] = end
            parent.children[ch.token] = ch  # type: ignore[union-attr, index]
            if parent.best is node:  # type: ignore[union-attr]  # same suffixes, same rank
                parent.best = ch  # type: ignore[union-attr]
            return ch, end
        # shift every matching token but ch's last from ch into node
        run, r = self._seqs[ch.ref_seq], ch.ref_idx
        k, most = 1, min(ch.length - 1, stop - j)
        while k < most and run[r + k] == seq[j + k]:
            k += 1
        tok, j = seq[j], j + k
        node.length += k
        node.ref_seq, node.ref_idx = seq_id, j - node.length
        node.endpoints[seq_id] = j  # type: ignore[index]
        ch.length -= k
        ch.ref_idx = r + k
        first = run[r + k]
        if first != tok:
            del node.children[tok]  # type: ignore[union-attr]
            node.children[first] = ch  # type: ignore[index]
            ch.token = first
        return node, j

    @staticmethod
    def _step(node: Node, ch: Node, start: int, seq_id: int, j: int) -> Node:
        ch.count += 1
        if start > ch.stamp:
            ch.stamp = start
        promote_best(node, ch)
        ch.ref_seq, ch.ref_idx = seq_id, j
        if ch.endpoints is None:
            ch.endpoints = {seq_id: j + 1}
        else:
            ch.endpoints[seq_id] = j + 1
        return ch

    def _split(self, node: Node, ch: Node, start: int, seq_id: int, j: int) -> Node:
        tok = ch.token
        new = Node(tok, ch.count + 1, node, seq_id, j, 1, max(ch.stamp, start))
        new.endpoints = {seq_id: j + 1}
        ch.length -= 1
        ch.ref_idx += 1
        ch.token = self._seqs[ch.ref_seq][ch.ref_idx]
        ch.parent = new
        new.children = {ch.token: ch}
        new.best = ch
        node.children[tok] = new  # type: ignore[index]
        if node.best is ch:
            node.best = new
        else:
            promote_best(node, new)
        return new

    def remove(self, seq_id: int) -> None:
        """Remove a whole sequence; afterwards the tree equals one built without it."""
        seq = self._seqs.get(seq_id)
        if seq is None:
            raise KeyError(seq_id)
        root, depth, n = self._root, self.max_depth, len(seq)
        for start in range(n):
            stop = min(n, start + depth)
            node = root
            root.count -= 1
            j = start
            path: list[Node] = []
            while j < stop:
                tok = seq[j]
                ch = node.children[tok]  # type: ignore[index]
                ch.count -= 1
                if node.best is ch:
                    node.best = None
                if ch.count == 0:
                    del node.children[tok]  # type: ignore[union-attr]
                    if not node.children:
                        node.children = None
                    break
                j += ch.length
                node = ch
                path.append(ch)
            else:
                drop_endpoint(node, seq_id)
            if node is not root:
                self._merge_down(node, path)
            self._repoint(path, seq_id)
        del self._seqs[seq_id]
        del self._active[seq_id]
        del self._starts[seq_id]

    def _merge_down(self, node: Node, path: list[Node]) -> None:
        """Fuse ``node`` into its only child when their counts became equal."""
        kids = node.children
        if kids is None or len(kids) != 1:
            return
        (ch,) = kids.values()
        if ch.count != node.count:
            return
        ch.token = node.token
        ch.length += node.length
        ch.ref_idx -= node.length
        ch.parent = node.parent
        ch.stamp = max(ch.stamp, node.stamp)
        node.parent.children[node.token] = ch  # type: ignore[union-attr, index]
        if node.parent.best is node:  # type: ignore[union-attr]
            node.parent.best = None  # type: ignore[union-attr]
        path[-1] = ch

    def _repoint(self, path: list[Node], seq_id: int) -> None:
        """Give path nodes that reference ``seq_id`` a reference into another sequence."""
        if not path or not any(n.ref_seq == seq_id for n in path):
            return
        leaf, dist = path[-1], 0
        while leaf.children:
            leaf = next(iter(leaf.children.values()))
            dist += leaf.length
        eps = leaf.endpoints
        if not eps:
            return  # only suffixes of seq_id end there: a later suffix of it fixes this
        other = next((s for s in eps if s != seq_id), None)
        if other is None:
            return
        idx = eps[other] - dist
        for n in reversed(path):
            idx -= n.length
            if n.ref_seq == seq_id:
                n.ref_seq = other
                n.ref_idx = idx
