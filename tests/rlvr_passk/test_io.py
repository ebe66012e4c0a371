"""Sample-file formats agree; bad input names file:line; problem-set mismatches are caught."""
import json

import numpy as np
import pytest

from neurips25.common.errors import UserError
from neurips25.rlvr_passk import io


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture
def samples(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for pid in ("p1", "p2", "p3"):
        for s in range(16):
            rows.append({"problem_id": pid, "correct": bool(rng.random() < 0.3), "model": "m",
                         "seed": s, "sample": str(int(rng.integers(0, 3)))})
    return rows


def test_three_formats_agree(tmp_path, samples):
    per_sample = io.load_single(write(tmp_path / "s.jsonl", samples))
    counts_rows = [
        {"problem_id": p, "n": int(n), "c": int(c)}
        for p, n, c in zip(per_sample.problem_ids, per_sample.n, per_sample.c, strict=True)
    ]
    counts = io.load_single(write(tmp_path / "c.jsonl", counts_rows))
    he_rows = [
        {
            "task_id": r["problem_id"],
            "completion": r["sample"],
            "result": "passed" if r["correct"] else "failed",
            "passed": r["correct"],
        }
        for r in samples
    ]
    human = io.load_single(write(tmp_path / "x_results.jsonl", he_rows))
    for m in (counts, human):
        assert m.problem_ids == per_sample.problem_ids
        assert m.n.tolist() == per_sample.n.tolist() == [16, 16, 16]
        assert m.c.tolist() == per_sample.c.tolist()
    assert per_sample.answers is not None and counts.answers is None
    assert per_sample.name == "m" and human.name == "x_results"


def test_integer_ids_and_01_flags(tmp_path):
    m = io.load_single(
        write(
            tmp_path / "s.jsonl",
            [{"problem_id": 7, "correct": 1}, "", {"problem_id": 7, "correct": 0}],
        )
    )
    assert m.problem_ids == ["7"] and m.n.tolist() == [2] and m.c.tolist() == [1]


@pytest.mark.parametrize(
    "rows, line, needle",
    [
        ([{"problem_id": "a", "correct": True}, "{not json"], 2, "malformed JSON"),
        (
            [{"problem_id": "a", "correct": True}, "", {"problem_id": "a", "correct": "yes"}],
            3,
            "correct",
        ),
        (
            [{"problem_id": "a", "correct": True}, {"problem_id": "a", "n": 3, "c": 1}],
            2,
            "counts record",
        ),
        ([{"problem_id": "a", "n": 3, "c": 4}], 1, "0 <= c <= n"),
        ([{"problem_id": "a", "n": 3, "c": 1}, {"problem_id": "a", "n": 3, "c": 1}], 2, "twice"),
        ([{"problem_id": "a", "n": 3.5, "c": 1}], 1, "'n'"),
        ([{"id": "a", "ok": True}], 1, "unknown record"),
        ([[1, 2]], 1, "expected a JSON object"),
        ([{"problem_id": None, "correct": True}], 1, "problem_id"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, rows, line, needle):
    path = write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(UserError) as err:
        io.load_file(path)
    assert f"{path}:{line}:" in str(err.value) and needle in str(err.value)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        io.load_file(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(UserError, match="empty"):
        io.load_file(tmp_path / "empty.jsonl")


def test_align_mismatch_and_intersect(tmp_path):
    a = io.load_single(
        write(tmp_path / "a.jsonl", [{"problem_id": p, "n": 4, "c": 1} for p in "xyz"])
    )
    b = io.load_single(
        write(tmp_path / "b.jsonl", [{"problem_id": p, "n": 4, "c": 2} for p in "zyw"])
    )
    with pytest.raises(UserError, match="--intersect"):
        io.align([a, b])
    a2, b2 = io.align([a, b], intersect=True)
    assert a2.problem_ids == b2.problem_ids == ["y", "z"]
    assert b2.c.tolist() == [2, 2]


def test_multi_model_file(tmp_path):
    rows = [
        {"problem_id": "p", "correct": True, "model": "base"},
        {"problem_id": "p", "correct": False, "model": "rl"},
    ]
    models = io.load_file(write(tmp_path / "two.jsonl", rows))
    assert set(models) == {"base", "rl"}
    with pytest.raises(UserError, match="2 models"):
        io.load_single(tmp_path / "two.jsonl")
