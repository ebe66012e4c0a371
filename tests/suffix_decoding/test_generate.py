"""``neurips25 generate`` on a local model folder: results, and one-line errors with exit 2."""
from __future__ import annotations

import json

import pytest
import torch

from neurips25.cli import main
from neurips25.suffix_decoding.decoder import greedy_reference
from neurips25.suffix_decoding.demo.tiny import tiny_random_model

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny-llama")
    model = tiny_random_model("llama", "sdpa", seed=5, eos_token_id=3)
    model.save_pretrained(path)
    return path, model


def write_prompts(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("method", ["suffix", "suffix-tree", "prompt-lookup", "greedy"])
def test_generate_equals_greedy(model_dir, tmp_path, method, capsys):
    folder, model = model_dir
    prompts = [[5, 6, 7, 5, 6], [9, 9, 9], [1, 2, 1, 2, 1, 2, 1]]
    src = write_prompts(tmp_path / "p.jsonl", [{"id": f"r{i}", "input_ids": p}
                                               for i, p in enumerate(prompts)])
    out = tmp_path / "out"
    rc = main(["generate", "--model", str(folder), "--prompts", str(src), "--method", method,
               "--max-new-tokens", "12", "--out", str(out)])
    assert rc == 0
    rows = [json.loads(line) for line in (out / "generations.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["r0", "r1", "r2"]
    for r, p in zip(rows, prompts, strict=True):
        assert r["completion_ids"] == greedy_reference(model, p, 12, [3])
    assert method in capsys.readouterr().err


def _error(capsys, argv):
    rc = main(argv)
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.startswith("neurips25: error:") and "\n" not in err
    return err


def test_missing_model_folder(tmp_path, capsys):
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": [1, 2]}])
    err = _error(capsys, ["generate", "--model", str(tmp_path / "nope"), "--prompts", str(src),
                          "--out", str(tmp_path / "o.jsonl")])
    assert "no such model folder" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_non_causal_model(tmp_path, capsys):
    folder = tmp_path / "vit"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "vit", "hidden_size": 32}))
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": [1, 2]}])
    err = _error(capsys, ["generate", "--model", str(folder), "--prompts", str(src),
                          "--out", str(tmp_path / "o.jsonl")])
    assert "not a causal language model" in err or "vocab_size" in err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("content,needle", [
    ('{"input_ids": [1, 2]}\n{"input_ids": [1,\n', ":2: malformed JSON"),
    ('[1, 2]\n', ":1: expected a JSON object"),
    ('{"text": "hi"}\n', "row 1: give exactly one of"),
    ('{"input_ids": [1, -2]}\n', "row 1: input_ids must be"),
    ('', "no prompts"),
])
def test_malformed_prompts(model_dir, tmp_path, capsys, content, needle):
    folder, _ = model_dir
    src = tmp_path / "p.jsonl"
    src.write_text(content)
    err = _error(capsys, ["generate", "--model", str(folder), "--prompts", str(src),
                          "--out", str(tmp_path / "o.jsonl")])
    assert needle in err
    assert not (tmp_path / "o.jsonl").exists()


def test_out_of_vocab_and_text_without_tokenizer(model_dir, tmp_path, capsys):
    folder, _ = model_dir
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": [1, 10_000]}])
    err = _error(capsys, ["generate", "--model", str(folder), "--prompts", str(src)])
    assert ">= vocab" in err
    src = write_prompts(tmp_path / "q.jsonl", [{"prompt": "hello"}])
    err = _error(capsys, ["generate", "--model", str(folder), "--prompts", str(src)])
    assert "no tokenizer" in err
