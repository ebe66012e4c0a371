"""The package as a library: a light import, the public names, the caller's threads untouched,
and the README's example run against a local model folder."""
from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from neurips25.common.threads import threads

README = Path(__file__).resolve().parents[2] / "README.md"
PUBLIC = ("SuffixDecodingCache", "suffix_generate", "SpeculativeDecoder", "make_proposer",
          "Sampling", "GenStats", "speculate_reference", "Draft")


def test_import_is_light_and_the_engine_runs_without_torch():
    """Importing the package, the cache, the proposers and the simulation loads no torch;
    the decoder names load it on first use."""
    code = """if True:
        import sys
        import neurips25.suffix_decoding as sd
        from neurips25.suffix_decoding import SuffixDecodingCache, make_proposer
        from neurips25.suffix_decoding.simulate import Method, simulate
        from neurips25.suffix_decoding.workloads import Request
        cache = SuffixDecodingCache(8)
        p = make_proposer("suffix-tree", cache=cache, min_token_prob=0.0)
        p.begin("a", [1, 2, 3, 1, 2])
        d = p.propose("a", [1, 2], 4)
        p.end("a")
        s = simulate([Request([1, 2, 3], [1, 2, 3, 1, 2, 3])], Method("s"))
        assert d.token_ids == [3, 1] and s["steps"] >= 1, (d, s)
        assert "torch" not in sys.modules, "torch imported without a decoder name"
        missing = [n for n in sd.__all__ if getattr(sd, n, None) is None]
        assert not missing, missing
        assert "torch" in sys.modules
    """
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_public_api_is_exported():
    import neurips25.suffix_decoding as sd

    for name in PUBLIC:
        assert name in sd.__all__ and getattr(sd, name) is not None, name
    from neurips25.suffix_decoding.decoder import SpeculativeDecoder
    from neurips25.suffix_decoding.hf_generate import suffix_generate

    assert sd.SpeculativeDecoder is SpeculativeDecoder and sd.suffix_generate is suffix_generate


def _thread_state() -> tuple:
    from threadpoolctl import threadpool_info

    return (torch.get_num_threads(), torch.get_num_interop_threads(),
            sorted((i["internal_api"], i["num_threads"]) for i in threadpool_info()))


def test_no_library_call_changes_the_callers_threads():
    """Every entry point, run inside a caller's 3-thread setting, leaves it as it was."""
    from neurips25.suffix_decoding import (
        Sampling,
        SpeculativeDecoder,
        SuffixDecodingCache,
        make_proposer,
        suffix_generate,
    )
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model
    from neurips25.suffix_decoding.simulate import Method, simulate
    from neurips25.suffix_decoding.workloads import Request

    model = tiny_random_model("llama", "sdpa", vocab=24, seed=3)
    prompt = [5, 6, 7, 5, 6, 7, 5, 6]
    with threads(3):
        before = _thread_state()
        assert before[0] == 3
        cache = SuffixDecodingCache(16)
        dec = SpeculativeDecoder(model, make_proposer("suffix", cache=cache), eos_token_ids=[])
        dec.generate(prompt, 12)
        dec.generate(prompt, 12, sampling=Sampling(0.7, top_p=0.9),
                     generator=torch.Generator().manual_seed(0))
        x = torch.tensor([prompt])
        model.generate(x, attention_mask=torch.ones_like(x), custom_generate=suffix_generate,
                       suffix_cache=cache, max_new_tokens=8, do_sample=False)
        simulate([Request(prompt, prompt * 2)], Method("s"))
        assert _thread_state() == before


def _readme_example() -> str:
    text = README.read_text()
    section = text[text.index("### SuffixDecoding"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = ["[UNK]", "</s>", *"rename to in : def ( ) return + * 1 2 x y a b f g".split()]
    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", eos_token="</s>",
                                   model_input_names=["input_ids", "attention_mask"])


def test_readme_example_runs_on_a_local_model_folder(tmp_path):
    """The README's example, as written, on a tiny random Llama saved with save_pretrained:
    it prints what plain greedy ``generate`` gives, and the shared cache keeps both answers."""
    from neurips25.suffix_decoding import SuffixDecodingCache
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model

    model = tiny_random_model("llama", "sdpa", vocab=32, seed=5, positions=512)
    model.save_pretrained(tmp_path)
    tok = _tokenizer()
    tok.save_pretrained(tmp_path)
    code = _readme_example()
    assert 'path = "path/to/local/model"' in code and len(code.strip().splitlines()) <= 13
    caches: list = []

    class Recording(SuffixDecodingCache):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            caches.append(self)

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.MonkeyPatch.context() as mp:
        mp.setattr("neurips25.suffix_decoding.SuffixDecodingCache", Recording)
        exec(code.replace("path/to/local/model", str(tmp_path)), {"__name__": "readme"})
    printed = out.getvalue().splitlines()
    prompts = re.search(r"for prompt in \[(.*)\]:", code).group(1)
    want = []
    for prompt in eval(f"[{prompts}]"):  # the README's own prompts
        ids = tok(prompt, return_tensors="pt")
        g = model.generate(**ids, do_sample=False, max_new_tokens=128, pad_token_id=1)
        want.append(tok.decode(g[0, ids["input_ids"].shape[1]:], skip_special_tokens=True))
    assert printed == want and len(want) == 2 and all(want)
    assert len(caches) == 1 and len(caches[0].cached_requests) == 2
