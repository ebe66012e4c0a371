"""`neurips25 diagnose` on a TinyLM checkpoint and a tiny HF folder (bad input: tests/cli)."""
from __future__ import annotations

import json

import pytest
import torch

from neurips25.cli import main
from neurips25.gated_attention.gates import GateConfig
from neurips25.gated_attention.model import TinyLM, TinyLMConfig, save_checkpoint


def test_diagnose_tinylm_checkpoint(tmp_path, capsys) -> None:
    torch.manual_seed(0)
    model = TinyLM(TinyLMConfig(vocab_size=10, max_len=16, n_layer=2, d_model=16, n_head=2,
                                gate=GateConfig()))
    ckpt = save_checkpoint(model, tmp_path / "m.pt", {"example_ids": [[0, 3, 4, 5, 6, 7, 8, 9]]})
    out = tmp_path / "diag"
    rc = main(["diagnose", "--model", str(ckpt), "--out", str(out)])
    assert rc == 0
    assert "first-token share" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["diagnose_heatmap.png", "diagnosis.json"]
    assert (out / "diagnose_heatmap.png").stat().st_size > 1000
    data = json.loads((out / "diagnosis.json").read_text())
    assert len(data["layers"]) == 2 and data["seq_len"] == 8 and data["skipped_layers"] == []
    assert data["summary"]["gate_mean"] == pytest.approx(0.5, abs=0.05)


def test_diagnose_hf_folder_with_added_gate(tmp_path, capsys) -> None:
    transformers = pytest.importorskip("transformers")
    from neurips25.gated_attention.hf import add_output_gate

    cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=32, intermediate_size=48,
                                   num_hidden_layers=2, num_attention_heads=4,
                                   num_key_value_heads=2, max_position_embeddings=64)
    model = add_output_gate(transformers.LlamaForCausalLM(cfg), "headwise")
    model.save_pretrained(tmp_path / "llama")
    text = tmp_path / "t.txt"
    text.write_text("def f(x):\n    return x + 1\n" * 4)
    rc = main(["diagnose", "--model", str(tmp_path / "llama"), "--text", str(text),
               "--max-tokens", "40"])
    out = capsys.readouterr().out
    assert rc == 0 and "40 tokens" in out and "0.500" in out  # zero-init gates report 0.5
    assert "added G1 gate: mean score 0.500" in out
