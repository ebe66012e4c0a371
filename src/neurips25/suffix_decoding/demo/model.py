"""Train (or load from the user cache) the demo model: a small Llama + a local BPE tokenizer.

Nothing is downloaded: the tokenizer is trained here with ``tokenizers`` on the task
corpus and the model is a ``LlamaForCausalLM`` trained from scratch. The result is a
normal Hugging Face model folder (``save_pretrained``), so ``neurips25 generate --model``
runs on it like on any user model. Folders are keyed by a hash of the config and
written atomically (temp folder + rename).
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurips25.common.progress import NullProgress, Progress
from neurips25.common.threads import threads
from neurips25.suffix_decoding.demo.tasks import EOS, KINDS, Request, make_requests

FORMAT_VERSION = 2  # bump when tasks.py or training changes: it keys the model cache
# (2: logits on targets only, data-parallel workers, length grouping as an option; demo.train)


@dataclass(frozen=True)
class DemoModelConfig:
    seed: int = 0
    vocab_size: int = 1024
    # 2.02M params, the "few M params" issue 4 asks for; trains in ~3.5 min on 2 cores.
    # (Until 2026-11-29: 128 / 4 layers / 352, 0.94M; speculation was 5.4% of its step time.)
    hidden: int = 160
    layers: int = 6
    heads: int = 4
    intermediate: int = 432
    max_positions: int = 256
    train_requests: int = 6000
    mix: tuple[float, float, float] = (0.45, 0.35, 0.20)  # tool, edit, chat
    steps: int = 1500
    batch: int = 12
    lr: float = 2e-3
    warmup: int = 60
    group_by_length: bool = False  # batches of similar length (demo.train)

    def key(self) -> str:
        blob = json.dumps({"v": FORMAT_VERSION, **dataclasses.asdict(self)}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cache_root() -> Path:
    """$NEURIPS25_CACHE, else $XDG_CACHE_HOME/neurips25, else ~/.cache/neurips25."""
    if os.environ.get("NEURIPS25_CACHE"):
        return Path(os.environ["NEURIPS25_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "neurips25"


def model_dir(cfg: DemoModelConfig) -> Path:
    return cache_root() / "suffix_decoding" / f"demo-{cfg.key()}"


def info_path(cfg: DemoModelConfig) -> Path:
    """The file whose presence marks the model for ``cfg`` as trained and saved."""
    return model_dir(cfg) / "neurips25_train_info.json"


def training_requests(cfg: DemoModelConfig) -> list[Request]:
    counts = [round(cfg.train_requests * w) for w in cfg.mix]
    reqs = [q for k, n in zip(KINDS, counts, strict=True)
            for q in make_requests(k, n, cfg.seed, "train")]
    random.Random(cfg.seed).shuffle(reqs)
    return reqs


def train_tokenizer(texts: list[str], vocab_size: int) -> Any:
    """Byte-level BPE trained on ``texts``; EOS is a special token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=EOS)


def build_model(cfg: DemoModelConfig, vocab: int, eos_id: int) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    mc = LlamaConfig(vocab_size=vocab, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                     num_attention_heads=cfg.heads, num_key_value_heads=cfg.heads,
                     intermediate_size=cfg.intermediate, max_position_embeddings=cfg.max_positions,
                     tie_word_embeddings=True, bos_token_id=None, eos_token_id=eos_id,
                     pad_token_id=eos_id)
    mc._attn_implementation = "sdpa"
    return LlamaForCausalLM(mc)


def train(cfg: DemoModelConfig, progress: Progress | None = None,
          workers: int | None = None, packed: bool = True) -> tuple[Any, Any, dict]:
    """Train tokenizer + model; returns (model, tokenizer, info with loss curve and CPU s).

    ``workers`` processes (default: one per core, see ``demo.train``) share each batch;
    the result does not depend on their number beyond float summation order, nor on
    ``packed`` (pairs packed into rows, default; else right-padded, see ``demo.train``)."""
    import torch

    from neurips25.suffix_decoding.demo.train import train_parallel, training_workers

    progress = progress or NullProgress()
    workers = training_workers() if workers is None else workers
    torch.manual_seed(cfg.seed)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    reqs = training_requests(cfg)
    tok = train_tokenizer([q.text for q in reqs], cfg.vocab_size)
    # prompt and response tokenized apart, as at inference; loss on the response only (SFT)
    pairs = [(tok(q.prompt)["input_ids"], tok(q.output)["input_ids"]) for q in reqs]
    pairs = [(p, r) for p, r in pairs if len(p) + len(r) <= cfg.max_positions]
    model = build_model(cfg, len(tok), tok.eos_token_id)
    losses, helper_cpu = train_parallel(model, cfg, pairs, tok.eos_token_id, workers, progress,
                                        packed)
    info = {"train_cpu_s": time.process_time() - cpu0 + helper_cpu,
            "train_wall_s": time.perf_counter() - wall0, "train_workers": workers,
            "train_packed": packed,
            "loss_curve": losses, "params": sum(p.numel() for p in model.parameters()),
            "vocab": len(tok)}
    return model, tok, info


@contextlib.contextmanager
def _training_lock(path: Path, progress: Progress) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file: two processes that want the same
    model (a background training started by ``neurips25 reproduce`` and the study's own
    turn, or two runs side by side) train it once; the second waits, then reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no POSIX locks (Windows): at worst both train; the rename keeps one
        yield
        return
    with open(path.parent / f".{path.name}.lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress.log(f"another process is training the demo model at {path}; waiting")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_trained(cfg: DemoModelConfig, progress: Progress | None = None,
                   workers: int | None = None) -> dict:
    """Train and save the demo model for ``cfg`` atomically unless it is cached; its info
    (``cached`` says which). Loads no weights: callers that only need it on disk stop here.
    ``workers``: training processes (default one per core, see ``demo.train``)."""
    progress = progress or NullProgress()
    path = model_dir(cfg)
    info_file = info_path(cfg)
    with _training_lock(path, progress):
        if info_file.is_file():
            return {**json.loads(info_file.read_text(encoding="utf-8")), "cached": True}
        progress.log(f"no cached demo model at {path}; training it (CPU only, no download)")
        with threads(1):  # one thread per worker process: see demo.train
            model, tok, info = train(cfg, progress, workers)
        _save_atomically(path, model, tok, {**info, "config": dataclasses.asdict(cfg)})
    return {**info, "cached": False}


def _save_atomically(path: Path, model: Any, tok: Any, info: dict) -> None:
    """Model, tokenizer and info into a temp folder renamed to ``path``: never half-written."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        (tmp / "neurips25_train_info.json").write_text(json.dumps(info), encoding="utf-8")
        try:
            os.replace(tmp, path)
        except OSError:  # another process (without the lock) finished first: keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_or_train(cfg: DemoModelConfig, progress: Progress | None = None) -> tuple[Any, Any, dict]:
    """The cached demo model for ``cfg`` (trained and saved atomically if absent)."""
    from transformers import LlamaForCausalLM, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    info = ensure_trained(cfg, progress)
    path = model_dir(cfg)
    model = LlamaForCausalLM.from_pretrained(path, local_files_only=True).eval()
    tok = PreTrainedTokenizerFast.from_pretrained(path, local_files_only=True)
    info["path"] = str(path)
    return model, tok, info
