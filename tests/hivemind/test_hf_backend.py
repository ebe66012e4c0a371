"""The local Hugging Face backend on a tiny model built here (nothing downloaded)."""
from __future__ import annotations

import pytest

from neurips25.common.errors import UserError
from neurips25.hivemind.collect import HFBackend, collect


def _tiny_model(path):
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["[UNK]", "[EOS]", "name", "a", "bakery", "moon", "bread", "night", "the"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", eos_token="[EOS]"
    )
    fast.save_pretrained(path)
    cfg = transformers.GPT2Config(
        vocab_size=len(words),
        n_positions=32,
        n_embd=16,
        n_layer=1,
        n_head=2,
        eos_token_id=1,
        bos_token_id=1,
    )
    transformers.GPT2LMHeadModel(cfg).save_pretrained(path)


def test_local_hf_model_collects(tmp_path):
    model_dir = tmp_path / "tiny-lm"
    _tiny_model(model_dir)
    backend = HFBackend(str(model_dir), max_tokens=5)
    assert backend.model == "tiny-lm"
    out = tmp_path / "r.jsonl"
    s = collect([("p1", "name a bakery")], [backend], 3, out, retries=0, backoff=0)
    assert s.written == 3 and not s.failures
    assert len(out.read_text().splitlines()) == 3


def test_missing_model_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not a model folder"):
        HFBackend(str(tmp_path / "absent"))


def test_a_model_without_tokenizer_fails_before_any_row(tmp_path):
    transformers = pytest.importorskip("transformers")
    model_dir = tmp_path / "no-tok"
    cfg = transformers.GPT2Config(vocab_size=9, n_positions=16, n_embd=8, n_layer=1, n_head=2)
    transformers.GPT2LMHeadModel(cfg).save_pretrained(model_dir)
    out = tmp_path / "r.jsonl"
    with pytest.raises(UserError, match="no usable tokenizer"):
        collect(
            [("p1", "x"), ("p2", "y")], [HFBackend(str(model_dir))], 2, out, retries=5, backoff=10
        )
    assert not out.exists()
