"""`neurips25 diagnose` on tiny random models of each family, checked against HF's own maps.

Folders are written with save_pretrained (no tokenizer files, nothing downloaded), so the
run also exercises the byte fallback for tokenizers transformers builds empty.
"""
from __future__ import annotations

import json

import pytest
import torch

transformers = pytest.importorskip("transformers")

from neurips25.cli import main  # noqa: E402
from neurips25.gated_attention.cli import DEFAULT_TEXT  # noqa: E402
from neurips25.gated_attention.tiny_hf import FAMILIES, VOCAB, save_tiny  # noqa: E402

NO_MAP = {"linear_attention"}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("families")
    return {f: save_tiny(f, root / f, seed=i) for i, f in enumerate(FAMILIES)}


def _hf_reference(folder):
    """HF's own attention maps and hidden states on the ids diagnose uses (bytes, cut to 64)."""
    model = transformers.AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager")
    ids = torch.tensor([[b % VOCAB for b in DEFAULT_TEXT.encode()][:64]])
    with torch.no_grad():
        out = model.eval()(ids, output_attentions=True, output_hidden_states=True)
    n = model.config.num_hidden_layers
    types = getattr(model.config, "layer_types", None) or ["attention"] * n
    with_map = [i for i, t in enumerate(types) if t not in NO_MAP]
    return out, with_map, n


@pytest.mark.parametrize("family", FAMILIES)
def test_diagnose_matches_hf_attentions(family, folders, tmp_path, capsys) -> None:
    assert main(["diagnose", "--model", str(folders[family]), "--out", str(tmp_path)]) == 0
    out_text, err = capsys.readouterr()
    assert "using UTF-8 bytes" in err and "Traceback" not in err
    data = json.loads((tmp_path / "diagnosis.json").read_text())
    ref, with_map, n = _hf_reference(folders[family])
    layers = data["layers"]
    assert len(layers) == n and len(ref.attentions) == len(with_map)
    for i, att in zip(with_map, ref.attentions, strict=True):
        want = att[0, :, 1:, 0].mean(-1).tolist()  # first-token share per head from HF's map
        assert layers[i]["first_token_share"] == pytest.approx(want, abs=1e-6), (family, i)
    skipped = [i for i in range(n) if i not in with_map]
    assert [s["layer"] for s in data["skipped_layers"]] == skipped
    assert all(layers[i]["first_token_share"] is None for i in skipped)
    for i in range(n - 1):  # each layer's output is HF's hidden state after that layer
        want = float(ref.hidden_states[i + 1].abs().max())
        assert layers[i]["max_activation"] == pytest.approx(want, rel=1e-5), (family, i)
    assert (tmp_path / "diagnose_heatmap.png").stat().st_size > 1000
    if skipped:
        assert f"layers {', '.join(map(str, skipped))} (linear_attention)" in out_text


def test_qwen3_next_hybrid_layout_and_native_gate(folders, tmp_path, capsys) -> None:
    assert main(["diagnose", "--model", str(folders["qwen3_next"]), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    data = json.loads((tmp_path / "diagnosis.json").read_text())
    kinds = [layer["kind"] for layer in data["layers"]]
    assert kinds == ["linear_attention"] * 3 + ["full_attention"]
    assert data["gate_kind"] == "native qwen3_next gate"
    gated = [layer["layer"] for layer in data["layers"] if layer["gate_mean"] is not None]
    assert gated == [3]
    assert "native qwen3_next gate: mean score" in out
    assert "no regular tokens" in err  # transformers built an empty tokenizer: detected
