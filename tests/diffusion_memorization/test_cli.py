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

# bad input (table-driven, with the no-file-touched check): tests/cli/test_memorization.py
