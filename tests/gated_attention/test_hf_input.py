"""Token ids for a HF folder: a real tokenizer is used, a degenerate one falls back to bytes."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch

transformers = pytest.importorskip("transformers")

from neurips25.common.errors import UserError  # noqa: E402
from neurips25.gated_attention.hf_input import max_positions, token_ids  # noqa: E402

VOCAB = {"[UNK]": 0, "<s>": 1, "hello": 2, "world": 3, ",": 4}


def _model(vocab: int = 300, positions: int = 64):
    return SimpleNamespace(config=SimpleNamespace(vocab_size=vocab,
                                                  max_position_embeddings=positions))


def _with_tokenizer(folder):
    from tokenizers import Tokenizer, models, pre_tokenizers

    tk = Tokenizer(models.WordLevel(VOCAB, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]",
                                                bos_token="<s>")
    fast.save_pretrained(folder)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    return folder


def test_a_working_tokenizer_is_used_with_bos(tmp_path, capsys) -> None:
    folder = _with_tokenizer(tmp_path)
    ids = token_ids(folder, _model(), "hello world , hello", 16)
    assert ids.tolist() == [[1, 2, 3, 4, 2]]
    assert capsys.readouterr().err == ""
    with pytest.raises(UserError, match="only 3 embeddings"):
        token_ids(folder, _model(vocab=3), "hello world", 16)


def test_text_of_unknown_words_only_falls_back(tmp_path, capsys) -> None:
    folder = _with_tokenizer(tmp_path)
    ids = token_ids(folder, _model(), "zzz", 16)
    assert ids.tolist() == [[ord("z")] * 3]
    assert "nothing but special tokens" in capsys.readouterr().err


@pytest.mark.parametrize("config", [transformers.Qwen2Config, transformers.GPT2Config])
def test_tokenizer_less_folder_falls_back_to_bytes(tmp_path, capsys, config) -> None:
    """transformers builds an empty tokenizer here (vocabulary 1, text encodes to [])."""
    config(vocab_size=300).save_pretrained(tmp_path)
    assert transformers.AutoTokenizer.from_pretrained(tmp_path)("hello")["input_ids"] == []
    ids = token_ids(tmp_path, _model(vocab=100), "hé!", 16)
    assert ids.tolist() == [[b % 100 for b in "hé!".encode()]]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("neurips25: note:") and "UTF-8 bytes" in err[0]


def test_cut_to_the_model_positions_with_a_notice(tmp_path, capsys) -> None:
    ids = token_ids(tmp_path, _model(positions=10), "x" * 50, 256)
    assert ids.shape == (1, 10)
    assert "cut to the model's 10 positions" in capsys.readouterr().err
    assert token_ids(tmp_path, _model(positions=10), "x" * 50, 5).shape == (1, 5)
    assert "positions" not in capsys.readouterr().err  # --max-tokens asked for less: no note
    assert max_positions(SimpleNamespace(n_positions=32)) == 32
    assert max_positions(SimpleNamespace()) is None
    assert isinstance(ids, torch.Tensor)
