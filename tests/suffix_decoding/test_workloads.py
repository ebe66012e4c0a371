"""Workload traces: deterministic, strictly split, tokenizer round trip."""
from __future__ import annotations

import json

import pytest

from neurips25.suffix_decoding.workloads import (
    WordTokenizer,
    build_workloads,
    stdlib_functions,
    text_workloads,
)


@pytest.fixture(scope="module")
def small():
    return build_workloads(seed=3, n_history=40, n_eval=6, sql_history=60)


def test_deterministic_by_seed(small):
    again = build_workloads(seed=3, n_history=40, n_eval=6, sql_history=60)
    assert again[0] == small[0]
    other = build_workloads(seed=4, n_history=40, n_eval=6, sql_history=60)
    assert other[0]["code_edit"] != small[0]["code_edit"]


def test_history_and_evaluation_share_no_source_file():
    hist, ev = stdlib_functions(seed=3, n_history=40, n_eval=20)
    assert len(hist) == 40 and len(ev) == 20
    assert not {f for f, _, _ in hist} & {f for f, _, _ in ev}


def ngrams(seqs, n):
    return {tuple(s[i:i + n]) for s in seqs for i in range(len(s) - n + 1)}


def test_no_evaluation_output_leaks_from_history(small):
    wls, _ = small
    for name, wl in wls.items():
        hist = {tuple(r.output) for r in wl.history}
        assert all(tuple(r.output) not in hist for r in wl.evaluation), name
        assert len(wl.evaluation) >= 5 and len(wl.history) >= 39
    for name in ("code_edit", "self_refine", "open_ended"):  # only templates may repeat
        wl = wls[name]
        seen = ngrams([r.output for r in wl.history], 16)
        ev = [tuple(r.output[i:i + 16]) for r in wl.evaluation for i in range(len(r.output) - 15)]
        assert sum(g in seen for g in ev) / len(ev) < 0.05, name


def test_workloads_have_the_intended_reuse():
    texts = text_workloads(seed=1, n_history=6, n_eval=6)
    edit = texts["code_edit"][1][0]
    body = edit.output.removeprefix("<code>\n").removesuffix("\n</code>\n")
    kept = sum(line in edit.prompt for line in body.split("\n")) / len(body.split("\n"))
    assert kept > 0.5  # the edit repeats most of its input
    for req in texts["sql_tools"][1]:
        calls = [json.loads(line) for line in req.output.strip().split("\n")]
        assert [c["tool"] for c in calls] == [
            "list_tables", "describe_table", "run_sql", "final_answer"]
    refine = texts["self_refine"][1]
    assert refine[1].prompt.count(refine[0].output.removeprefix("<answer>\n").split("\n")[0]) >= 1


def test_tokenizer_round_trip_and_byte_fallback(small):
    wls, tok = small
    text = "def f(x):\n    return x + 1  # ünïcode → ok\n"
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert all(0 <= i < tok.vocab_size
               for r in wls["sql_tools"].evaluation for i in r.prompt + r.output)
    tiny = WordTokenizer.train(["a b a"], vocab_size=258)
    assert tiny.vocab_size == 258 and tiny.encode("zz") == list(b"zz")


def test_too_many_requests_is_a_clear_error(tmp_path):
    body = "\n".join(f"    x = {i}" for i in range(10))
    (tmp_path / "m.py").write_text(f"def f():\n{body}\n")
    with pytest.raises(ValueError, match="too few functions"):
        stdlib_functions(seed=0, n_history=5, n_eval=1, root=tmp_path)


def test_source_segment_matches_ast_on_stdlib_files():
    """The pre-split segment extraction returns exactly what ``ast.get_source_segment`` does."""
    import ast
    import sysconfig
    from pathlib import Path

    from neurips25.suffix_decoding.workloads import _source_lines, source_segment

    files = [f for f in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
             if f.stat().st_size < 20_000][:10]
    checked = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        lines = _source_lines(text)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Return):
                assert source_segment(lines, node) == ast.get_source_segment(text, node)
                checked += 1
    assert checked > 50
    assert _source_lines("a\r\nb\rc\n\x0cd") == ["a\r\n", "b\r", "c\n", "\x0cd"]
