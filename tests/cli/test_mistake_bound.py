"""``neurips25 mistake-bound FILE``: answers on good files, one-line errors on bad ones."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.conftest import run_main

GAP = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0],
       [0, 0, 1, 0], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 1]]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "gap.json").write_text(json.dumps(GAP))
    (tmp_path / "gap.csv").write_text("\n".join(",".join(map(str, r)) for r in GAP) + "\n")
    (tmp_path / "ragged.json").write_text("[[0, 1], [1]]")
    (tmp_path / "two.json").write_text("[[0, 2], [1, 1]]")
    (tmp_path / "float.json").write_text("[[0, 1.0], [1, 1]]")
    (tmp_path / "dup.csv").write_text("0,1\n1,1\n0,1\n")
    (tmp_path / "bad.csv").write_text("0,1\n1,x\n")
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "empty_list.json").write_text("[]")
    (tmp_path / "notlist.json").write_text('{"rows": [[0, 1]]}')
    (tmp_path / "broken.json").write_text("[[0, 1], [1, 1]")
    (tmp_path / "latin1.csv").write_bytes(b"0,1\n1,\xe9\n")
    (tmp_path / "huge.csv").write_text("\n".join(format(i, "011b").replace("", ",")[1:-1]
                                                 for i in range(1100)) + "\n")
    (tmp_path / "folder").mkdir()
    return tmp_path


CASES = [
    (["{h}/nope.json"], "no such file"),
    (["{h}/folder"], "is a directory"),
    (["{h}/ragged.json"], "ragged rows: row 1 has 1 labels, row 0 has 2"),
    (["{h}/two.json"], "label 2 is not 0 or 1"),
    (["{h}/float.json"], "label 1.0 is not 0 or 1"),
    (["{h}/dup.csv"], "duplicate hypotheses: row 2 repeats row 0"),
    (["{h}/bad.csv"], "line 2: label 'x' is not 0 or 1"),
    (["{h}/empty.json"], "is empty"),
    (["{h}/empty_list.json"], "empty class"),
    (["{h}/notlist.json"], "expected a JSON list of rows"),
    (["{h}/broken.json"], "invalid JSON"),
    (["{h}/latin1.csv"], "is not UTF-8"),
    (["{h}/huge.csv"], "class too large to solve exactly"),
    (["{h}/gap.json", "--rounds", "-1"], "argument --rounds"),
    (["{h}/gap.json", "--timeout", "0"], "argument --timeout"),
    (["{h}/gap.json", "--timeout", "nan"], "argument --timeout"),
]


@pytest.mark.parametrize("argv, match", CASES)
def test_bad_input_is_one_line(home, user_error, argv, match):
    user_error(["mistake-bound", *[a.format(h=home) for a in argv]], watch=home, match=match)


def test_timeout_is_a_one_line_error(home, user_error):
    from neurips25.transductive_online.families import four_point_gap, power

    rows = power(four_point_gap(), 2).rows()
    (home / "square.json").write_text(json.dumps(rows))
    user_error(["mistake-bound", str(home / "square.json"), "--timeout", "1e-6"], watch=home,
               match="ran past --timeout")


@pytest.mark.parametrize("name", ["gap.json", "gap.csv"])
def test_text_report(home, capsys, name):
    code, out, err = run_main(capsys, ["mistake-bound", str(home / name)])
    assert code == 0 and not err
    assert "Littlestone dimension LD (standard game optimum): 3" in out
    assert "transductive mistake bound M_tr (sequence known in advance): 2" in out
    assert out.count("(mistake)") == 2


def test_json_report(home, capsys):
    code, out, _ = run_main(capsys, ["mistake-bound", str(home / "gap.json"), "--json"])
    data = json.loads(out)
    assert code == 0
    assert (data["littlestone_dimension"], data["transductive_mistake_bound"]) == (3, 2)
    assert data["halving_bound"] == 3 and len(data["adversary_sequence"]) == 2
    assert sum(r["mistake"] for r in data["optimal_play"]) == 2


def test_force_lets_a_big_class_through(home, capsys):
    code, out, _ = run_main(capsys, ["mistake-bound", str(home / "huge.csv"), "--force",
                                     "--json", "--rounds", "0"])
    data = json.loads(out)
    assert code == 0 and data["hypotheses"] == 1100 and data["optimal_play"] == []
    assert data["transductive_mistake_bound"] <= data["littlestone_dimension"] <= 10
