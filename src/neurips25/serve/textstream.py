"""Incremental detokenization with OpenAI ``stop`` strings.

Text is released as soon as it is final: a trailing partial UTF-8 character (byte-level
BPE decodes it as U+FFFD) and any tail that could still grow into a stop string are held
back. A stop string ends the text just before it (it is never sent), as OpenAI does.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class TextStream:
    """Feed token ids with ``push``; get the newly final text and whether a stop matched."""

    def __init__(self, tokenizer: Any, stop: Sequence[str] = ()) -> None:
        self.tokenizer = tokenizer
        self.stop = [s for s in stop if s]
        self.ids: list[int] = []
        self.text = ""  # everything released so far
        self.stopped = False

    def _decode(self) -> str:
        return self.tokenizer.decode(self.ids, skip_special_tokens=True)

    def push(self, ids: Sequence[int]) -> tuple[str, bool]:
        """Add tokens; return (text released now, a stop string was hit)."""
        if self.stopped:
            return "", True
        self.ids.extend(int(t) for t in ids)
        full = self._decode()
        cut = self._find_stop(full)
        if cut is not None:
            return self._release(full[:cut]), True
        safe = len(full.rstrip("\ufffd"))
        safe -= self._stop_prefix_len(full[:safe])
        return self._release(full[:safe]), False

    def finish(self) -> str:
        """The held-back tail once generation ended without a stop string."""
        if self.stopped:
            return ""
        full = self._decode()
        cut = self._find_stop(full)
        if cut is not None:
            return self._release(full[:cut])
        return self._release(full)

    def _release(self, upto: str) -> str:
        if not upto.startswith(self.text):  # a decoder that rewrote earlier text: send nothing
            return ""
        new, self.text = upto[len(self.text):], upto
        return new

    def _find_stop(self, full: str) -> int | None:
        start = len(self.text)
        hits = [i for s in self.stop
                if (i := full.find(s, max(0, start - len(s) + 1))) >= 0]
        if not hits:
            return None
        self.stopped = True
        return min(hits)

    def _stop_prefix_len(self, text: str) -> int:
        """Length of the longest tail of ``text`` that is a proper prefix of a stop string."""
        best = 0
        for s in self.stop:
            for n in range(min(len(s) - 1, len(text)), best, -1):
                if text.endswith(s[:n]):
                    best = n
                    break
        return best
