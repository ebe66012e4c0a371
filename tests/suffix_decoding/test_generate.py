"""``neurips25 generate`` on a local model folder: outputs, stop tokens, sampling, late failure.

Bad input (flags, prompt files, broken checkpoints, --out) is table-tested in
tests/cli/test_generate.py.
"""
from __future__ import annotations

import json

import pytest
import torch

from neurips25.cli import main
from neurips25.suffix_decoding.decoder import greedy_reference
from neurips25.suffix_decoding.demo.tiny import tiny_random_model

METHODS = ["suffix", "suffix-tree", "prompt-lookup", "greedy"]
PROMPTS = [[5, 6, 7, 5, 6], [9, 9, 9], [1, 2, 1, 2, 1, 2, 1]]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny-llama")
    model = tiny_random_model("llama", "sdpa", seed=5, eos_token_id=3)
    model.save_pretrained(path)
    return path, model


def write_prompts(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def run(folder, src, out, *flags) -> list[dict]:
    assert main(["generate", "--model", str(folder), "--prompts", str(src), "--out", str(out),
                 *map(str, flags)]) == 0
    return [json.loads(line) for line in (out / "generations.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("method", METHODS)
def test_generate_equals_greedy(model_dir, tmp_path, method, capsys):
    folder, model = model_dir
    src = write_prompts(tmp_path / "p.jsonl", [{"id": f"r{i}", "input_ids": p}
                                               for i, p in enumerate(PROMPTS)])
    rows = run(folder, src, tmp_path / "out", "--method", method, "--max-new-tokens", 12)
    assert [r["id"] for r in rows] == ["r0", "r1", "r2"]
    for r, p in zip(rows, PROMPTS, strict=True):
        assert r["completion_ids"] == greedy_reference(model, p, 12, [3])
    assert method in capsys.readouterr().err


def test_sampling_is_seeded_and_the_same_for_every_method(model_dir, tmp_path, capsys):
    folder, _ = model_dir
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": p} for p in PROMPTS])
    flags = ("--temperature", 0.8, "--max-new-tokens", 16)
    outs = {m: [r["completion_ids"] for r in run(folder, src, tmp_path / m, "--method", m,
                                                 "--seed", 4, *flags)] for m in METHODS}
    assert all(o == outs["greedy"] for o in outs.values())
    again = [r["completion_ids"] for r in run(folder, src, tmp_path / "a", "--seed", 4, *flags)]
    other = [r["completion_ids"] for r in run(folder, src, tmp_path / "b", "--seed", 5, *flags)]
    assert again == outs["greedy"] != other
    capsys.readouterr()


def test_stop_tokens_come_from_generation_config_like_transformers(tmp_path, capsys):
    """config.json has no EOS; generation_config.json lists two: both stop, as in HF."""
    from transformers import AutoModelForCausalLM

    model = tiny_random_model("llama", seed=8, eos_token_id=None)
    free = greedy_reference(model, PROMPTS[0], 30)
    eos = [free[6], free[12]]
    model.generation_config.eos_token_id = eos
    model.save_pretrained(tmp_path / "m")
    assert "eos_token_id" in (tmp_path / "m" / "generation_config.json").read_text()
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": PROMPTS[0]}])
    got = run(tmp_path / "m", src, tmp_path / "out", "--max-new-tokens", 30)[0]["completion_ids"]
    first = min(i for i, t in enumerate(free) if t in eos)
    assert got == free[: first + 1]
    hf = AutoModelForCausalLM.from_pretrained(tmp_path / "m")
    x = torch.tensor([PROMPTS[0]])
    ref = hf.generate(x, attention_mask=torch.ones_like(x), do_sample=False, max_new_tokens=30,
                      pad_token_id=0)[0, len(PROMPTS[0]):].tolist()
    assert got == ref
    # --eos adds a stop token to the model's own
    extra = next(t for t in free[: first] if t not in eos)
    got = run(tmp_path / "m", src, tmp_path / "out2", "--max-new-tokens", 30,
              "--eos", extra)[0]["completion_ids"]
    assert got == free[: free.index(extra) + 1]
    capsys.readouterr()


def test_stdout_without_out(model_dir, tmp_path, capsys):
    folder, model = model_dir
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": p} for p in PROMPTS])
    assert main(["generate", "--model", str(folder), "--prompts", str(src),
                 "--max-new-tokens", "5"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["completion_ids"] for r in rows] == [greedy_reference(model, p, 5, [3])
                                                   for p in PROMPTS]


def test_late_failure_keeps_finished_rows(model_dir, tmp_path, capsys, monkeypatch):
    """An interrupt at row 3 keeps rows 1-2 whole in --out; nothing half-written."""
    from neurips25.serve.engine import Engine

    folder, model = model_dir
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": p} for p in PROMPTS])
    real, calls = Engine.generate, []

    def flaky(self, *a, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *a, **kw)

    monkeypatch.setattr(Engine, "generate", flaky)
    out = tmp_path / "out"
    assert main(["generate", "--model", str(folder), "--prompts", str(src), "--out", str(out),
                 "--max-new-tokens", "6"]) == 130
    assert "2 finished rows kept" in capsys.readouterr().err
    rows = [json.loads(x) for x in (out / "generations.jsonl").read_text().splitlines()]
    assert [r["completion_ids"] for r in rows] == [greedy_reference(model, p, 6, [3])
                                                   for p in PROMPTS[:2]]
    assert sorted(p.name for p in out.iterdir()) == ["generations.jsonl"]  # no temp left


def test_failure_before_any_row_leaves_out_alone(model_dir, tmp_path, capsys, monkeypatch):
    from neurips25.serve.engine import Engine

    folder, _ = model_dir
    out = tmp_path / "out"
    out.mkdir()
    (out / "generations.jsonl").write_text("earlier results\n")
    src = write_prompts(tmp_path / "p.jsonl", [{"input_ids": p} for p in PROMPTS])

    def broken(self, *a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "generate", broken)
    assert main(["generate", "--model", str(folder), "--prompts", str(src), "--out",
                 str(out)]) == 130
    assert (out / "generations.jsonl").read_text() == "earlier results\n"
    assert sorted(p.name for p in out.iterdir()) == ["generations.jsonl"]
    capsys.readouterr()
