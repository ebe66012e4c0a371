"""`neurips25 diagnose` on a TinyLM checkpoint and a tiny HF folder; bad input exits 2."""
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
    out_png, out_json = tmp_path / "h.png", tmp_path / "d.json"
    rc = main(["diagnose", "--model", str(ckpt), "--out", str(out_png), "--json", str(out_json)])
    assert rc == 0
    assert "first-token share" in capsys.readouterr().out
    assert out_png.stat().st_size > 1000
    data = json.loads(out_json.read_text())
    assert len(data["layers"]) == 2 and data["seq_len"] == 8
    assert data["summary"]["gate_mean"] == pytest.approx(0.5, abs=0.05)
    # a task-vocabulary TinyLM cannot read text
    text = tmp_path / "t.txt"
    text.write_text("hello world")
    assert main(["diagnose", "--model", str(ckpt), "--text", str(text), "--out", str(out_png)]) == 2
    assert "task vocabulary" in capsys.readouterr().err


def test_diagnose_hf_folder(tmp_path, capsys) -> None:
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
               "--max-tokens", "40", "--out", str(tmp_path / "h.png")])
    out = capsys.readouterr().out
    assert rc == 0 and "40 tokens" in out and "0.500" in out  # zero-init gates report 0.5


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "/nonexistent/model"], "no such file"),
    (["--model", "{tmp}"], "no config.json"),
    (["--model", "{tmp}/junk.pt"], "not a TinyLM checkpoint"),
    (["--model", "{tmp}/junk.pt", "--text", "/nonexistent.txt"], "no such file"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, args, message) -> None:
    (tmp_path / "junk.pt").write_bytes(b"\x80\x02junk")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["diagnose", *args, "--out", str(tmp_path / "h.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurips25: error:") and message in err and err.count("\n") == 1
    assert not (tmp_path / "h.png").exists()
