"""`neurips25 memorization` under bad input (table-driven), and bounded memory on
1.5M samples x 16 dims (the bootstrap used to allocate 1000 x N indices: 11.6 GiB)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def home(tmp_path) -> Path:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "train.npy", rng.normal(size=(20, 4)))
    np.save(tmp_path / "ok.npy", rng.normal(size=(5, 4)))
    np.save(tmp_path / "strings.npy", np.array([["a", "b"], ["c", "d"]]))
    np.save(tmp_path / "complex.npy", np.ones((3, 4)) * 1j)
    np.save(tmp_path / "nan.npy", np.full((3, 4), np.nan))
    np.save(tmp_path / "flat.npy", np.ones(4))
    np.save(tmp_path / "wide.npy", np.ones((3, 5)))
    np.save(tmp_path / "one.npy", np.ones((1, 4)))
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "empty.npz")
    (tmp_path / "latin1.csv").write_bytes(b"1,2,3,caf\xe9\n")
    (tmp_path / "ragged.csv").write_text("1,2,3,4\n1,2\n")
    (tmp_path / "truncated.npy").write_bytes((tmp_path / "ok.npy").read_bytes()[:90])
    (tmp_path / "points.pkl").write_text("x")
    (tmp_path / "a_folder.npy").mkdir()
    return tmp_path


M = ["memorization"]
CASES = [
    (M + ["{h}/nope.npy", "{h}/train.npy"], "no such file"),
    (M + ["{h}/a_folder.npy", "{h}/train.npy"], "is a directory"),
    (M + ["{h}/strings.npy", "{h}/train.npy"], "expected real numbers, got an array of dtype <U1"),
    (M + ["{h}/complex.npy", "{h}/train.npy"], "dtype complex128"),
    (M + ["{h}/objects.npy", "{h}/train.npy"], "cannot read points"),
    (M + ["{h}/nan.npy", "{h}/train.npy"], "contains NaN or inf"),
    (M + ["{h}/flat.npy", "{h}/train.npy"], "expected an array of shape (N, ...)"),
    (M + ["{h}/wide.npy", "{h}/train.npy"], "values per point"),
    (M + ["{h}/ok.npy", "{h}/one.npy"], "at least 2 points"),
    (M + ["{h}/empty.npz", "{h}/train.npy"], "empty .npz"),
    (M + ["{h}/latin1.csv", "{h}/train.npy"], "cannot read points"),
    (M + ["{h}/ragged.csv", "{h}/train.npy"], "cannot read points"),
    (M + ["{h}/truncated.npy", "{h}/train.npy"], "cannot read points"),
    (M + ["{h}/points.pkl", "{h}/train.npy"], "unsupported file type"),
    (M + ["{h}/ok.npy", "{h}/train.npy", "--held-out", "{h}/wide.npy"], "held-out points"),
    (M + ["{h}/ok.npy", "{h}/train.npy", "--k", "2"], "argument --k: must be in (0, 1)"),
    (M + ["{h}/ok.npy", "{h}/train.npy", "--k", "nan"], "argument --k: expected a finite"),
    (M + ["{h}/ok.npy", "{h}/train.npy", "--seed", "-5"], "argument --seed"),
    (M + ["{h}/ok.npy", "{h}/train.npy", "--threads", "0"], "argument --threads"),
    (M + ["{h}/ok.npy"], "required: train"),
]


@pytest.mark.parametrize("argv,needle", CASES, ids=[f"#{i}" for i in range(len(CASES))])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(user_error, home, argv, needle):
    user_error([a.format(h=home) for a in argv], watch=home, match=needle)


def test_one_and_a_half_million_samples_in_bounded_memory(tmp_path, peak_rss):
    rng = np.random.default_rng(0)
    samples = rng.normal(size=(1_500_000, 16))
    train = rng.normal(size=(64, 16))
    samples[:1000] = train[rng.integers(0, 64, 1000)]  # 1000 copies: f_mem = 1000 / 1.5M
    np.save(tmp_path / "samples.npy", samples)
    np.save(tmp_path / "train.npy", train)
    data_mib = samples.nbytes / 2**20  # 183 MiB of samples the tool must hold anyway
    del samples
    code, rss, err = peak_rss(["memorization", tmp_path / "samples.npy", tmp_path / "train.npy",
                               "--threads", "1"])
    assert code == 0, err
    # the bootstrap used to add 1000 x 1.5M x 8 bytes = 11.2 GiB on top of the data
    assert rss < 700, f"peak RSS {rss:.0f} MiB (data alone {data_mib:.0f} MiB)"  # measured ~450
