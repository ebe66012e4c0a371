"""Every method serves the same tokens: greedy (temperature 0) and seeded sampling.

Each prompt is sent twice, so the second request drafts from the first one's response
in the global cache; the drafting counters in /metrics show that speculation really
happened (identity would be trivial otherwise). Greedy output also equals
``neurips25 generate`` and the no-cache greedy oracle.
"""
from __future__ import annotations

import json
import urllib.request

import pytest
from serve_helpers import client, running

from neurips25.cli import main

METHODS = ("greedy", "prompt-lookup", "suffix", "suffix-tree")
PROMPTS = ["### request\nweather in oslo on 2024-03-02\n### call\n",
           "### edit: rename data to buf\ndef parse(data, key):\n    return data\n### result\n",
           "### note on books, keywords: river stone light\n"]
MAX_TOKENS = 40


def _metric(served, name: str) -> float:
    with urllib.request.urlopen(served.url.removesuffix("/v1") + "/metrics") as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


@pytest.fixture(scope="module")
def served_outputs(models):
    """Per method: greedy (text, tokens) per request, seeded samples, and drafting counts."""
    out = {}
    for method in METHODS:
        with running(models["tiny"], "--method", method, "--pld-k", 4) as served:
            api = client(served)
            greedy = []
            for p in PROMPTS + PROMPTS:
                r = api.completions.create(model="tiny", prompt=p, max_tokens=MAX_TOKENS,
                                           temperature=0)
                greedy.append((r.choices[0].text, r.usage.completion_tokens,
                               r.choices[0].finish_reason))
            sampled = [api.completions.create(model="tiny", prompt=p, max_tokens=MAX_TOKENS,
                                              temperature=0.9, top_p=0.95, seed=7,
                                              ).choices[0].text for p in PROMPTS]
            out[method] = {"greedy": greedy, "sampled": sampled,
                           "accepted": _metric(served, "neurips25_serve_accepted_tokens_total"),
                           "forwards": _metric(served, "neurips25_serve_forward_passes_total")}
    return out


def test_greedy_identical_across_methods(served_outputs):
    base = served_outputs["greedy"]["greedy"]
    assert base[:3] == base[3:]
    for method in METHODS[1:]:
        assert served_outputs[method]["greedy"] == base, method


def test_speculation_happened(served_outputs):
    assert served_outputs["greedy"]["accepted"] == 0
    for method in METHODS[1:]:
        assert served_outputs[method]["accepted"] > 0, method
        assert served_outputs[method]["forwards"] < served_outputs["greedy"]["forwards"], method


def test_seeded_sampling_identical_across_methods(served_outputs):
    base = served_outputs["greedy"]["sampled"]
    assert base != [t for t, _, _ in served_outputs["greedy"]["greedy"][:3]]  # really sampled
    for method in METHODS[1:]:
        assert served_outputs[method]["sampled"] == base, method


def test_greedy_equals_generate_and_the_oracle(served_outputs, models, tokenizer, tmp_path,
                                               capsys):
    from transformers import AutoModelForCausalLM

    from neurips25.suffix_decoding.decoder import greedy_reference

    src = tmp_path / "prompts.jsonl"
    src.write_text("".join(json.dumps({"id": i, "prompt": p}) + "\n"
                           for i, p in enumerate(PROMPTS)))
    assert main(["generate", "--model", str(models["tiny"]), "--prompts", str(src),
                 "--max-new-tokens", str(MAX_TOKENS), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    rows = [json.loads(x)
            for x in (tmp_path / "out" / "generations.jsonl").read_text().splitlines()]
    model = AutoModelForCausalLM.from_pretrained(models["tiny"]).eval()
    for row, p, (text, n_tokens, _) in zip(rows, PROMPTS, served_outputs["suffix"]["greedy"][:3],
                                           strict=True):
        ids = tokenizer(p)["input_ids"]
        assert row["completion_ids"] == greedy_reference(model, ids, MAX_TOKENS,
                                                         [tokenizer.eos_token_id])
        assert len(row["completion_ids"]) == n_tokens
        assert tokenizer.decode(row["completion_ids"], skip_special_tokens=True) == text
