"""`neurips25 serve` under bad input (table-driven): one line, exit 2, nothing changed.

Everything is checked before the server starts: flags, the model folder and its
tokenizer, the cache file (a corrupt or foreign one is refused, never half-loaded; the
file is left as it was) and the address (a port in use is one line too).
"""
from __future__ import annotations

import importlib.util
import json
import socket
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("transformers")


def _helpers():
    name = "serve_helpers"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "serve" / "serve_helpers.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    from neurips25.serve import cache_store

    h = _helpers()
    root = tmp_path_factory.mktemp("serve-cli-models")
    tok = h.build_tokenizer()
    out = {"ok": h.save_model(root / "ok", tok),
           "other": h.save_model(root / "other", tok, positions=128)}
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model

    tiny_random_model("llama", seed=1).save_pretrained(root / "no_tokenizer")
    out["no_tokenizer"] = root / "no_tokenizer"
    ident = cache_store.model_identity(out["other"], len(tok))
    out["foreign_cache"] = cache_store.save(root / "foreign.json", ident, [([1, 2], [3])])
    out["vocab"] = len(tok)
    return out


@pytest.fixture
def user_dir(tmp_path, models) -> Path:
    from neurips25.serve import cache_store

    ident = cache_store.model_identity(models["ok"], models["vocab"])
    good = {"format": cache_store.FORMAT, "version": 1, "model": ident,
            "requests": [{"prompt": [1, 2], "response": [3, 4]}]}
    variants = {
        "not_json.json": "{not json",
        "truncated.json": json.dumps(good)[:-20],
        "list.json": "[1, 2]",
        "other_format.json": json.dumps({**good, "format": "something-else"}),
        "version.json": json.dumps({**good, "version": 99}),
        "requests_dict.json": json.dumps({**good, "requests": {}}),
        "oov.json": json.dumps({**good, "requests": [{"prompt": [1], "response": [10**6]}]}),
        "empty_prompt.json": json.dumps({**good, "requests": [{"prompt": [], "response": []}]}),
        "bool_ids.json": json.dumps({**good, "requests": [{"prompt": [True], "response": []}]}),
        "row_list.json": json.dumps({**good, "requests": [[1, 2]]}),
    }
    for name, text in variants.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "latin1.json").write_bytes(b'{"format": "caf\xe9"}')
    (tmp_path / "foreign.json").write_bytes(models["foreign_cache"].read_bytes())
    (tmp_path / "a_dir").mkdir()
    (tmp_path / "a_file").write_text("x")
    return tmp_path


def _serve(models, *flags):
    return ["serve", "--model", models["ok"], "--port", "0", *flags]


CACHE_CASES = [
    ("not_json.json", "corrupt cache file"),
    ("truncated.json", "corrupt cache file"),
    ("latin1.json", "corrupt cache file"),
    ("list.json", "not a neurips25 suffix cache file"),
    ("other_format.json", "not a neurips25 suffix cache file"),
    ("version.json", "version 99"),
    ("foreign.json", "different model"),
    ("requests_dict.json", "'requests' is not a list"),
    ("oov.json", "request 0: response"),
    ("empty_prompt.json", "request 0: prompt"),
    ("bool_ids.json", "request 0: prompt"),
    ("row_list.json", "request 0 is not an object"),
    ("a_dir", "give a file name"),
    ("no_such_dir/cache.json", "does not exist"),
    ("a_file/cache.json", "is not a folder"),
]


@pytest.mark.parametrize("name,match", CACHE_CASES)
def test_bad_cache_files_are_refused(user_error, user_dir, models, name, match):
    user_error(_serve(models, "--cache-file", user_dir / name), watch=user_dir, match=match)


FLAG_CASES = [
    (["--port", "70000"], "--port"),
    (["--port", "http"], "--port"),
    (["--cache-requests", "-1"], "--cache-requests"),
    (["--max-queue", "0"], "--max-queue"),
    (["--spec-factor", "nan"], "--spec-factor"),
    (["--min-token-prob", "1.5"], "--min-token-prob"),
    (["--threads", "0"], "--threads"),
    (["--method", "eagle"], "--method"),
    (["--api-key", "  "], "--api-key is empty"),
    (["--method", "greedy", "--cache-file", "c.json"], "needs --method suffix"),
    (["--eos", "123456"], "outside the vocabulary"),
    (["--host", "no-such-host.invalid"], "--host"),
]


@pytest.mark.parametrize("flags,match", FLAG_CASES)
def test_bad_flags(user_error, user_dir, models, flags, match):
    user_error(_serve(models, *flags), watch=user_dir, match=match)


def test_bad_model_folders(user_error, user_dir, models):
    user_error(["serve", "--model", user_dir / "nope"], watch=user_dir,
               match="no such model folder")
    user_error(["serve", "--model", user_dir / "a_file"], watch=user_dir, match="is a file")
    user_error(["serve", "--model", models["no_tokenizer"], "--port", "0"], watch=user_dir,
               match="no usable tokenizer")


def test_port_in_use(user_error, user_dir, models):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        user_error(["serve", "--model", models["ok"], "--port", str(port)], watch=user_dir,
                   match="cannot listen on 127.0.0.1")


def test_missing_extra_is_one_line(user_error, user_dir, models, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    user_error(_serve(models), watch=user_dir, match="needs the [serve] extra (uvicorn")
