"""Artificial Hivemind (arXiv 2510.22954): a diversity analyser for open-ended LM outputs,
a resumable collection harness, and homogenization measured on LMs trained here.

Command line::

    neurips25 hivemind prompts --out prompts.jsonl          # this project's prompt set
    neurips25 hivemind collect --base-url http://127.0.0.1:8000/v1 --model M1 --model M2 \
        --n 50 --out responses.jsonl                         # resumable; top-p 0.9, T 1.0
    neurips25 hivemind analyze responses.jsonl --out report/ # JSON + PNG figures

Public API (imported lazily, so ``import neurips25.hivemind`` stays light)::

    from neurips25.hivemind import analyze, read_responses, make_embedder
    report, emb = analyze(read_responses("responses.jsonl"), make_embedder("minilm"))
"""

from typing import Any

from neurips25.hivemind.claims import CLAIMS
from neurips25.hivemind.experiment import Config, run
from neurips25.study import Study

_LAZY = {
    "analyze": "neurips25.hivemind.analyze",
    "read_responses": "neurips25.hivemind.analyze",
    "make_embedder": "neurips25.hivemind.embed",
    "MiniLMEmbedder": "neurips25.hivemind.embed",
    "TfidfEmbedder": "neurips25.hivemind.embed",
    "CachedEmbedder": "neurips25.hivemind.embed",
    "Embedder": "neurips25.hivemind.embed",
    "vendi_score": "neurips25.hivemind.metrics",
    "vendi_score_embeddings": "neurips25.hivemind.metrics",
    "unique_models_at_n": "neurips25.hivemind.metrics",
    "inter_model_matrix": "neurips25.hivemind.metrics",
    "intra_model_similarity": "neurips25.hivemind.metrics",
    "distinct_n": "neurips25.hivemind.metrics",
    "compression_ratio": "neurips25.hivemind.metrics",
    "collect": "neurips25.hivemind.collect",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'neurips25.hivemind' has no attribute {name!r}")


STUDY = Study(
    name="hivemind",
    title="Artificial Hivemind: The Open-Ended Homogeneity of Language Models (and Beyond)",
    arxiv="2510.22954",
    finding="LMs answer open-ended prompts alike, within and across models; here: shared data "
            "and a shared reward model homogenize LMs we train",
    config_cls=Config,
    run=run,
    claims=CLAIMS,
    quick_runtime="~2 min",
    figures_note="metric_validation, homogenization, intra_model_histogram, inter_model_matrix, response_map",
)

__all__ = ["CLAIMS", "STUDY", "Config", "run", *_LAZY]
