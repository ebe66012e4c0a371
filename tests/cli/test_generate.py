"""`neurips25 generate` under bad input (table-driven): one line, exit 2, nothing written.

Every case runs against a folder of user files (prompt files, model folders, broken
checkpoints) watched byte for byte: no output folder created, no file changed. The
model-independent cases (flags, prompt rows, --out) are checked before the weights load;
the broken checkpoints fail at loading, still before any generation or output.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model

    root = tmp_path_factory.mktemp("gen-models")
    ok = root / "ok"
    tiny_random_model("llama", seed=1, eos_token_id=3, positions=64).save_pretrained(ok)
    out = {"ok": ok}
    weights = (ok / "model.safetensors").read_bytes()
    for how, data in (("truncated", weights[: len(weights) - 100]),
                      ("half", weights[: len(weights) // 2]),
                      ("fake", b"this is not a safetensors file")):
        folder = root / how
        folder.mkdir()
        (folder / "config.json").write_text((ok / "config.json").read_text())
        (folder / "model.safetensors").write_bytes(data)
        out[how] = folder
    for how, config in (("bad_config", "{not json"),
                        ("vit", json.dumps({"model_type": "vit", "hidden_size": 32}))):
        folder = root / how
        folder.mkdir()
        (folder / "config.json").write_text(config)
        out[how] = folder
    (root / "no_weights").mkdir()
    (root / "no_weights" / "config.json").write_text((ok / "config.json").read_text())
    out["no_weights"] = root / "no_weights"
    return out


@pytest.fixture
def user_dir(tmp_path) -> Path:
    rows = lambda *rs: "".join(json.dumps(r) + "\n" for r in rs)  # noqa: E731
    (tmp_path / "ok.jsonl").write_text(rows({"input_ids": [1, 2, 3]}, {"input_ids": [4, 5]}))
    (tmp_path / "bad_last.jsonl").write_text(rows({"input_ids": [1, 2]}) + '{"input_ids": [1,\n')
    (tmp_path / "latin1.jsonl").write_bytes(b'{"input_ids": [1]}\n{"prompt": "caf\xe9"}\n')
    (tmp_path / "empty.jsonl").write_text("\n\n")
    (tmp_path / "list.jsonl").write_text("[1, 2]\n")
    (tmp_path / "neither.jsonl").write_text(rows({"text": "hi"}))
    (tmp_path / "negative.jsonl").write_text(rows({"input_ids": [1, -2]}))
    (tmp_path / "bool_ids.jsonl").write_text(rows({"input_ids": [1, True]}))
    (tmp_path / "bad_mnt.jsonl").write_text(rows({"input_ids": [1], "max_new_tokens": -3}))
    (tmp_path / "oov.jsonl").write_text(rows({"input_ids": [1, 2]}, {"input_ids": [1, 10_000]}))
    (tmp_path / "too_long.jsonl").write_text(rows({"input_ids": [1] * 64}))
    (tmp_path / "text.jsonl").write_text(rows({"prompt": "hello"}))
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "out_has_dir").mkdir()
    (tmp_path / "out_has_dir" / "generations.jsonl").mkdir()
    return tmp_path


FLAG_CASES = [
    (["--spec-factor", "-5"], "--spec-factor"),
    (["--spec-factor", "nan"], "--spec-factor"),
    (["--spec-factor", "inf"], "--spec-factor"),
    (["--min-token-prob", "7"], "--min-token-prob"),
    (["--min-token-prob", "nan"], "--min-token-prob"),
    (["--temperature", "-1"], "--temperature"),
    (["--temperature", "nan"], "--temperature"),
    (["--top-p", "0"], "--top-p"),
    (["--top-k", "-1"], "--top-k"),
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2**70)], "--seed"),
    (["--max-new-tokens", "-1"], "--max-new-tokens"),
    (["--max-spec-tokens", "-2"], "--max-spec-tokens"),
    (["--pld-k", "0"], "--pld-k"),
    (["--threads", "0"], "--threads"),
    (["--method", "beam"], "--method"),
    (["--eos", "99999"], "outside the vocabulary"),
    (["--eos", "<no-such-token>"], "give a token id"),
]


@pytest.mark.parametrize("flags,match", FLAG_CASES)
def test_bad_flags(user_error, user_dir, models, flags, match):
    user_error(["generate", "--model", models["ok"], "--prompts", user_dir / "ok.jsonl",
                "--out", user_dir / "out", *flags], watch=user_dir, match=match)


PROMPT_CASES = [
    ("bad_last.jsonl", ":2: malformed JSON"),
    ("latin1.jsonl", "not UTF-8"),
    ("empty.jsonl", "no prompts"),
    ("list.jsonl", "expected a JSON object"),
    ("neither.jsonl", "give exactly one of"),
    ("negative.jsonl", "input_ids must be"),
    ("bool_ids.jsonl", "input_ids must be"),
    ("bad_mnt.jsonl", "max_new_tokens must be"),
    ("oov.jsonl", "row 2: token id 10000 >= vocab"),
    ("too_long.jsonl", "leaves no room in the model's 64 positions"),
    ("text.jsonl", "has no tokenizer"),
    ("missing.jsonl", "no such file"),
    ("out_has_dir", "is a folder"),
]


@pytest.mark.parametrize("name,match", PROMPT_CASES)
def test_bad_prompt_files(user_error, user_dir, models, name, match):
    user_error(["generate", "--model", models["ok"], "--prompts", user_dir / name,
                "--out", user_dir / "out"], watch=user_dir, match=match)


MODEL_CASES = [
    ("missing", "no such model folder"),
    ("truncated", "cannot load weights"),
    ("half", "cannot load weights"),
    ("fake", "cannot load weights"),
    ("no_weights", "cannot load weights"),
    ("bad_config", "unreadable config.json"),
    ("vit", "not a causal language model"),
]


@pytest.mark.parametrize("name,match", MODEL_CASES)
def test_bad_models(user_error, user_dir, models, name, match):
    folder = models.get(name, user_dir / "no-such-model")
    user_error(["generate", "--model", folder, "--prompts", user_dir / "ok.jsonl",
                "--out", user_dir / "out"], watch=user_dir, match=match)


def test_model_is_a_file(user_error, user_dir, models):
    user_error(["generate", "--model", user_dir / "a_file", "--prompts", user_dir / "ok.jsonl"],
               watch=user_dir, match="is a file")


@pytest.mark.parametrize("out,match", [
    ("a_file", "is a file"),
    ("a_file/sub", "is a file"),
    ("out_has_dir", "not a regular file"),
    ("", "--out is empty"),
])
def test_bad_out(user_error, user_dir, models, out, match):
    target = str(user_dir / out) if out else ""
    user_error(["generate", "--model", models["ok"], "--prompts", user_dir / "ok.jsonl",
                "--out", target], watch=user_dir, match=match)


def test_failure_before_any_row_creates_no_folder(user_dir, models, capsys, monkeypatch):
    """An interrupt before the first row finishes leaves no new --out folder behind."""
    from neurips25.cli import main
    from neurips25.serve.engine import Engine

    def broken(self, *a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "generate", broken)
    before = sorted(p.name for p in user_dir.iterdir())
    out = user_dir / "new" / "sub"
    assert main(["generate", "--model", str(models["ok"]), "--prompts",
                 str(user_dir / "ok.jsonl"), "--out", str(out)]) == 130
    assert sorted(p.name for p in user_dir.iterdir()) == before
    capsys.readouterr()
