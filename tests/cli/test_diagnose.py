"""`neurips25 diagnose` under bad input (table-driven), and what it says without failing.

Every bad case: exit 2, one line `neurips25: error: ...`, no traceback, nothing written
or changed in the watched folder (the user's files and the output folder's parent).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from neurips25.gated_attention.cli import DEFAULT_TEXT
from neurips25.gated_attention.model import TinyLM, TinyLMConfig, save_checkpoint

transformers = pytest.importorskip("transformers")

from neurips25.gated_attention.tiny_hf import save_tiny  # noqa: E402


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory) -> Path:
    return save_tiny("llama", tmp_path_factory.mktemp("models") / "llama")


def _broken_folder(root: Path, llama: Path, how: str) -> Path:
    """A copy of the tiny Llama folder broken in one way."""
    folder = root / f"broken_{how}"
    folder.mkdir()
    config = (llama / "config.json").read_text()
    weights = (llama / "model.safetensors").read_bytes()
    if how == "truncated":
        weights = weights[: len(weights) - 100]
    elif how == "half":
        weights = weights[: len(weights) // 2]
    elif how == "fake":
        weights = b"this is not a safetensors file"
    elif how == "no_weights":
        weights = b""
    elif how == "bad_config":
        config = "{not json"
    elif how == "unknown_type":
        config = json.dumps({**json.loads(config), "model_type": "no_such_family"})
    (folder / "config.json").write_text(config)
    if how != "no_weights":
        (folder / "model.safetensors").write_bytes(weights)
    return folder


@pytest.fixture
def user_dir(tmp_path, llama_dir) -> Path:
    """A folder of user files: texts, a fake checkpoint, a TinyLM, broken model folders."""
    (tmp_path / "ok.txt").write_text("hello world, a short text")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "blank.txt").write_text("  \n\n")
    (tmp_path / "fake.pt").write_bytes(b"\x80\x02junk")
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "no_config").mkdir()
    torch.manual_seed(0)
    tiny = TinyLM(TinyLMConfig(vocab_size=10, max_len=16, n_layer=1, d_model=8, n_head=2))
    save_checkpoint(tiny, tmp_path / "task.pt", {"example_ids": [[0, 1, 2, 3]]})
    for how in ("truncated", "half", "fake", "no_weights", "bad_config", "unknown_type"):
        _broken_folder(tmp_path, llama_dir, how)
    return tmp_path


CASES = [
    # (id, argv after "diagnose" with {u} = user folder and {m} = the good Llama, message)
    ("missing model", ["--model", "{u}/nope"], "no such file or folder"),
    ("folder without config", ["--model", "{u}/no_config"], "no config.json"),
    ("truncated safetensors", ["--model", "{u}/broken_truncated"], "cannot load model"),
    ("half a safetensors", ["--model", "{u}/broken_half"], "cannot load model"),
    ("fake safetensors", ["--model", "{u}/broken_fake"], "cannot load model"),
    ("config without weights", ["--model", "{u}/broken_no_weights"], "cannot load model"),
    ("config not JSON", ["--model", "{u}/broken_bad_config"], "cannot load model"),
    ("unknown model type", ["--model", "{u}/broken_unknown_type"], "cannot load model"),
    ("fake checkpoint", ["--model", "{u}/fake.pt"], "not a TinyLM checkpoint"),
    ("text missing", ["--model", "{m}", "--text", "{u}/nope.txt"], "no such file"),
    ("text is a folder", ["--model", "{m}", "--text", "{u}"], "is a folder"),
    ("text not UTF-8", ["--model", "{m}", "--text", "{u}/latin1.txt"], "not UTF-8"),
    ("text blank", ["--model", "{m}", "--text", "{u}/blank.txt"], "empty text"),
    ("task vocabulary with text", ["--model", "{u}/task.pt", "--text", "{u}/ok.txt"],
     "task vocabulary"),
    ("out is a file", ["--model", "{m}", "--out", "{u}/a_file"], "is a file"),
    ("out under a file", ["--model", "{m}", "--out", "{u}/a_file/sub"], "a_file is a file"),
    ("out looks like a png", ["--model", "{m}", "--out", "{u}/heat.png"], "takes a folder"),
    ("out empty", ["--model", "{m}", "--out", ""], "empty path"),
    ("max-tokens 1", ["--model", "{m}", "--max-tokens", "1"], "must be in >= 2"),
    ("max-tokens text", ["--model", "{m}", "--max-tokens", "many"], "max-tokens"),
    ("threshold NaN", ["--model", "{m}", "--threshold", "nan"], "threshold"),
    ("threshold 2", ["--model", "{m}", "--threshold", "2"], "threshold"),
]


@pytest.mark.parametrize(("argv", "match"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(user_error, user_dir, llama_dir, argv, match) -> None:
    args = [a.replace("{u}", str(user_dir)).replace("{m}", str(llama_dir)) for a in argv]
    user_error(["diagnose", *args], watch=user_dir, match=match)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_out(user_error, tmp_path, llama_dir) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        user_error(["diagnose", "--model", str(llama_dir), "--out", str(locked / "d")],
                   watch=tmp_path, match="permission denied")
    finally:
        locked.chmod(0o700)


def test_without_out_nothing_is_written(capsys, tmp_path, monkeypatch, llama_dir) -> None:
    """The default writes no file (it used to drop ./diagnose_heatmap.png silently)."""
    from neurips25.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["diagnose", "--model", str(llama_dir)]) == 0
    assert list(tmp_path.iterdir()) == []
    assert "first-token share" in capsys.readouterr().out


def test_long_default_text_is_cut_with_a_notice(capsys, llama_dir) -> None:
    """The built-in text (171 bytes) is longer than the tiny model's 64 positions."""
    from neurips25.cli import main

    assert len(DEFAULT_TEXT.encode()) > 64
    assert main(["diagnose", "--model", str(llama_dir)]) == 0
    out, err = capsys.readouterr()
    assert "64 tokens" in out
    notes = err.strip().splitlines()
    assert len(notes) == 2 and all(n.startswith("neurips25: note:") for n in notes), err
    assert "cut to the model's 64 positions" in notes[1]
    assert "using UTF-8 bytes" in notes[0]  # the folder has no tokenizer files


def test_stderr_is_quiet_and_help_states_the_out_default(capsys, llama_dir) -> None:
    from neurips25.cli import main

    assert main(["diagnose", "--model", str(llama_dir), "--max-tokens", "8"]) == 0
    err = capsys.readouterr().err
    assert "Loading" not in err and "%|" not in err and "Warning" not in err, err
    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "diagnose_heatmap.png" in help_text and "only the table is printed" in help_text


@pytest.mark.parametrize("verbose", [False, True])
def test_missing_glyph_warnings_only_when_asked(tmp_path, llama_dir, verbose) -> None:
    """A model folder named in a script the plot font lacks: the heatmap title warns about
    missing glyphs, which stays off stderr unless -v."""
    import shutil
    import warnings

    from neurips25.cli import main

    folder = tmp_path / "模型"
    shutil.copytree(llama_dir, folder)
    argv = ["diagnose", "--model", str(folder), "--max-tokens", "8", "--out", str(tmp_path / "o")]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main((["-v"] if verbose else []) + argv) == 0
    glyphs = [w for w in seen if "Glyph" in str(w.message)]
    assert bool(glyphs) == verbose
