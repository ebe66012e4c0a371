"""``model.generate(custom_generate=suffix_generate)`` equals plain ``generate``, token for token.

Tiny random Llama, Qwen2 and GPT-2 models (written with save_pretrained to a temp
folder and loaded back, as a user's local model would be; nothing is downloaded).
"""
from __future__ import annotations

import threading

import pytest
import torch
from transformers import AutoModelForCausalLM, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from neurips25.suffix_decoding import SuffixDecodingCache, suffix_generate
from neurips25.suffix_decoding.demo.tiny import tiny_random_model

KINDS = ("llama", "qwen2", "gpt2")
PROMPTS = [[5, 6, 7, 5, 6, 7, 5, 6], [9, 9, 9, 1], [1, 2, 1, 2, 1, 2, 1, 3, 4]]


@pytest.fixture(scope="module", params=KINDS)
def model(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param)
    tiny_random_model(request.param, "sdpa", vocab=24, seed=3).save_pretrained(path)
    return AutoModelForCausalLM.from_pretrained(path, local_files_only=True).eval()


def plain(model, ids, **kw):
    return model.generate(torch.tensor([ids]), do_sample=False, **kw)


def ours(model, ids, cache, **kw):
    return model.generate(torch.tensor([ids]), custom_generate=suffix_generate,
                          suffix_cache=cache, do_sample=False, **kw)


def test_greedy_equals_generate_and_drafts_pay(model):
    cache = SuffixDecodingCache(max_tree_depth=16)
    threads_before = torch.get_num_threads()
    for method in ("suffix", "suffix-tree"):
        for ids in PROMPTS * 2:  # the second round drafts from the first round's responses
            want = plain(model, ids, max_new_tokens=20, min_new_tokens=20)
            got = ours(model, ids, cache, max_new_tokens=20, min_new_tokens=20,
                       suffix_method=method, max_spec_factor=2.0, min_token_prob=0.0)
            assert got.tolist() == want.tolist()
    assert torch.get_num_threads() == threads_before
    assert len(cache.cached_requests) == 12


@pytest.mark.parametrize("max_new", [1, 2, 3, 17])
def test_eos_and_length_edges(model, max_new):
    ids = PROMPTS[0]
    first = plain(model, ids, max_new_tokens=8, min_new_tokens=8)[0, len(ids):].tolist()
    model.generation_config.eos_token_id = first[1]  # EOS honoured from generation_config
    try:
        cache = SuffixDecodingCache(max_tree_depth=16)
        for _ in range(2):
            want = plain(model, ids, max_new_tokens=max_new)
            got = ours(model, ids, cache, max_new_tokens=max_new, max_spec_factor=4.0,
                       min_token_prob=0.0)
            assert got.tolist() == want.tolist()
            assert got.shape[1] == len(ids) + min(max_new, first.index(first[1]) + 1)
    finally:
        model.generation_config.eos_token_id = None


def test_left_padded_batch_and_return_dict(model):
    pad = 0
    width = max(map(len, PROMPTS))
    x = torch.tensor([[pad] * (width - len(p)) + p for p in PROMPTS])
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in PROMPTS])
    want = model.generate(x, attention_mask=mask, do_sample=False, max_new_tokens=12,
                          pad_token_id=pad)
    out = model.generate(x, attention_mask=mask, custom_generate=suffix_generate,
                         do_sample=False, max_new_tokens=12, pad_token_id=pad,
                         return_dict_in_generate=True)
    assert out.sequences.tolist() == want.tolist()


class StopAfter(StoppingCriteria):
    """Stop once ``token`` was generated (a stand-in for stop strings)."""

    def __init__(self, token: int, prompt_len: int) -> None:
        self.token, self.prompt_len = token, prompt_len

    def __call__(self, input_ids, scores, **kw):
        return (input_ids[:, self.prompt_len:] == self.token).any(-1)


def test_custom_stopping_criteria_and_processors(model):
    ids = PROMPTS[2]
    gen = plain(model, ids, max_new_tokens=10, min_new_tokens=10)[0, len(ids):].tolist()
    stop = StoppingCriteriaList([StopAfter(gen[4], len(ids))])
    kw = dict(max_new_tokens=10, stopping_criteria=stop, repetition_penalty=1.3)
    want = plain(model, ids, **kw)
    cache = SuffixDecodingCache(max_tree_depth=16)
    ours(model, ids, cache, max_new_tokens=10)  # later calls draft from this response
    got = ours(model, ids, cache, max_spec_factor=4.0, min_token_prob=0.0, **kw)
    assert got.tolist() == want.tolist() and got.shape[1] < len(ids) + 10


class Recorder(BaseStreamer):
    def __init__(self) -> None:
        self.puts: list[list[int]] = []
        self.ended = False

    def put(self, value):
        self.puts.append(value.reshape(-1).tolist())

    def end(self):
        self.ended = True


def test_streamer_gets_tokens_as_they_are_accepted(model):
    ids = PROMPTS[0]
    cache = SuffixDecodingCache(max_tree_depth=16)
    ours(model, ids, cache, max_new_tokens=20, min_new_tokens=20)
    rec = Recorder()
    out = model.generate(torch.tensor([ids]), custom_generate=suffix_generate, suffix_cache=cache,
                         streamer=rec, do_sample=False, max_new_tokens=20, min_new_tokens=20,
                         max_spec_factor=4.0, min_token_prob=0.0)
    assert rec.puts[0] == ids and rec.ended
    assert sum(rec.puts[1:], []) == out[0, len(ids):].tolist()
    assert len(rec.puts) - 1 < 20  # several tokens per put: drafts were accepted


def test_text_iterator_streamer(tmp_path):
    """A TextIteratorStreamer consumer sees the text and is released at the end."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, TextIteratorStreamer

    vocab = {f"w{i}": i for i in range(24)}
    core = Tokenizer(models.WordLevel(vocab, unk_token="w0"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=core)
    model = tiny_random_model("llama", "sdpa", vocab=24, seed=3)
    streamer = TextIteratorStreamer(tok, skip_prompt=True)
    ids = PROMPTS[0]
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=model.generate(
        torch.tensor([ids]), custom_generate=suffix_generate, streamer=streamer,
        do_sample=False, max_new_tokens=12, min_new_tokens=12)))
    worker.start()
    text = "".join(streamer)  # returns only once the streamer was ended
    worker.join(timeout=60)
    assert text.split() == tok.decode(result["out"][0, len(ids):]).split()


def test_sampling_runs_through_generate():
    model = tiny_random_model("llama", "sdpa", vocab=24, seed=3)
    torch.manual_seed(0)
    out = model.generate(torch.tensor([PROMPTS[0]]), custom_generate=suffix_generate,
                         do_sample=True, temperature=0.7, top_p=0.9, max_new_tokens=15,
                         min_new_tokens=15)
    assert out.shape == (1, len(PROMPTS[0]) + 15)


@pytest.mark.parametrize("kw,needle", [
    ({"num_beams": 2}, "num_beams=2"),
    ({"output_scores": True, "return_dict_in_generate": True}, "output_scores=True"),
    ({"suffix_method": "prompt-lookup"}, "suffix_method"),
    ({"token_type_ids": torch.zeros(1, 3, dtype=torch.long)}, "token_type_ids"),
])
def test_options_it_cannot_honour_are_named(kw, needle):
    model = tiny_random_model("gpt2", "sdpa", vocab=24, seed=3)
    with pytest.raises(ValueError, match=needle):
        model.generate(torch.tensor([[1, 2, 3]]), custom_generate=suffix_generate,
                       max_new_tokens=4, **kw)
