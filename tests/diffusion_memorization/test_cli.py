import json

import numpy as np
import pytest

from neurips25.cli import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    train = rng.normal(size=(40, 2, 3))
    np.save(tmp_path / "train.npy", train)
    np.save(tmp_path / "copies.npy", train[:20])
    np.savetxt(tmp_path / "held.csv", rng.normal(size=(50, 6)), delimiter=",")
    return tmp_path


def test_copies_are_flagged_against_heldout(files, capsys):
    rc = main(["memorization", str(files / "copies.npy"), str(files / "train.npy"),
               "--held-out", str(files / "held.csv"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["f_mem"] == 1.0 and out["memorizing"] is True
    assert out["held_out_baseline"] < 0.5


@pytest.mark.parametrize("argv,msg", [
    (["nope.npy", "train.npy"], "no such file"),
    (["held.csv", "train.npy", "--k", "2"], "--k must be"),
    (["bad.npy", "train.npy"], "values per point"),
    (["train.pkl", "train.npy"], "unsupported"),
])
def test_bad_input_exits_2_with_one_line(files, capsys, argv, msg):
    np.save(files / "bad.npy", np.zeros((3, 5)))
    (files / "train.pkl").write_text("x")
    rc = main(["memorization", *[str(files / a) if "." in a and not a[0].isdigit() else a for a in argv]])
    err = capsys.readouterr().err
    assert rc == 2 and msg in err and err.count("\n") == 1
