"""Helpers for the serve tests (loaded by conftest as ``serve_helpers``).

Tiny local models with a real tokenizer, and real servers on free loopback ports.

The tokenizer is a byte-level BPE trained here on the demo task texts (nothing is
downloaded) with a small chat template; the models are 2-layer random Llamas. Servers
are the real ``neurips25 serve`` app under uvicorn, in a background thread, bound to
127.0.0.1:0, stopped by the fixture.
"""
from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

CHAT_TEMPLATE = ("{% for m in messages %}### {{ m['role'] }}\n{{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}### assistant\n{% endif %}")


def build_tokenizer(vocab_size: int = 384):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from neurips25.suffix_decoding.demo.tasks import EOS, KINDS, make_requests

    texts = [q.text for k in KINDS for q in make_requests(k, 80, 0, "train")]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=EOS)
    fast.chat_template = CHAT_TEMPLATE
    return fast


def save_model(path: Path, tok, *, eos: bool = True, chat: bool = True, seed: int = 3,
               positions: int = 256) -> Path:
    from neurips25.suffix_decoding.demo.tiny import tiny_random_model

    model = tiny_random_model("llama", vocab=len(tok), seed=seed, positions=positions,
                              eos_token_id=tok.eos_token_id if eos else None)
    model.save_pretrained(path)
    kept, tok.chat_template = tok.chat_template, CHAT_TEMPLATE if chat else None
    try:
        tok.save_pretrained(path)
    finally:
        tok.chat_template = kept
    return path


@contextlib.contextmanager
def running(model_dir: Path, *flags: object):
    """``neurips25 serve --model DIR --port 0 FLAGS`` in a thread; yields ``Served``."""
    from neurips25.cli import build_parser
    from neurips25.serve.cli import make_server

    argv = ["serve", "--model", str(model_dir), "--port", "0", "--log-level", "warning",
            *map(str, flags)]
    served = make_server(build_parser().parse_args(argv))
    thread = threading.Thread(target=served.server.run, kwargs={"sockets": [served.sock]},
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield served
    finally:
        served.server.should_exit = True
        thread.join(30)
        served.sock.close()
        assert not thread.is_alive(), "the server did not stop"


def client(served, api_key: str = "none", **kw):
    from openai import OpenAI

    return OpenAI(base_url=served.url, api_key=api_key, max_retries=kw.pop("max_retries", 0),
                  timeout=kw.pop("timeout", 60), **kw)
