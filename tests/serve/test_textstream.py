"""Incremental detokenization with stop strings (a fake tokenizer: one id, one piece)."""
from __future__ import annotations

import pytest

from neurips25.serve.textstream import TextStream

PIECES = ["Hel", "lo", " wor", "ld", "!", " <", "EN", "D>", " more", "\ufffd", "é"]


class Tok:
    def decode(self, ids, skip_special_tokens=True):
        text = "".join(PIECES[i] for i in ids)
        return text.replace("\ufffd\ufffd", "é")  # two halves make one character


def feed(stream, ids, step=1):
    out, hit = "", False
    for k in range(0, len(ids), step):
        text, hit = stream.push(ids[k:k + step])
        out += text
        if hit:
            break
    return out + ("" if hit else stream.finish()), hit


@pytest.mark.parametrize("step", [1, 2, 3, 8])
def test_stop_string_split_across_tokens(step):
    text, hit = feed(TextStream(Tok(), ["<END>"]), [0, 1, 2, 3, 5, 6, 7, 8], step)
    assert (text, hit) == ("Hello world ", True)


def test_no_stop_releases_everything():
    stream = TextStream(Tok(), ["<END>"])
    assert feed(stream, [0, 1, 2, 3, 4]) == ("Hello world!", False)


def test_tail_that_may_grow_into_a_stop_is_held_back():
    stream = TextStream(Tok(), ["<END>"])
    assert stream.push([0, 1]) == ("Hello", False)
    assert stream.push([5]) == (" ", False)  # "<" could start "<END>"
    assert stream.push([4]) == ("<!", False)  # it did not
    assert stream.finish() == ""


def test_earliest_of_several_stops_wins():
    text, hit = feed(TextStream(Tok(), [" wor", "ld"]), [0, 1, 2, 3])
    assert (text, hit) == ("Hello", True)


def test_partial_character_is_held_until_complete():
    stream = TextStream(Tok())
    assert stream.push([0]) == ("Hel", False)
    assert stream.push([9]) == ("", False)  # half a character: wait
    assert stream.push([9]) == ("é", False)
    assert stream.finish() == ""


def test_finished_stream_ignores_more_tokens():
    stream = TextStream(Tok(), ["lo"])
    assert stream.push([0, 1]) == ("Hel", True)
    assert stream.push([2]) == ("", True)
    assert stream.finish() == ""
