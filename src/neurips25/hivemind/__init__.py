"""Artificial Hivemind (arXiv 2510.22954): a diversity analyser for open-ended LM outputs,
a resumable collection harness, and homogenization measured on LMs trained here.

Command line::

    neurips25 hivemind prompts --out data/                  # data/prompts.jsonl
    neurips25 hivemind collect --base-url http://127.0.0.1:8000/v1 --model M1 --model M2 \
        --n 50 --out data/                                   # data/responses.jsonl, resumable
    neurips25 hivemind analyze data/responses.jsonl --out report/  # JSON + PNG figures

Public API (imported lazily, so ``import neurips25.hivemind`` stays light)::

    from neurips25.hivemind import analyze, read_responses, make_embedder
    report, emb = analyze(read_responses("responses.jsonl"), make_embedder("minilm"))
"""


from neurips25.common.lazy import lazy_exports
from neurips25.hivemind.claims import CLAIMS
from neurips25.hivemind.experiment import Config, run
from neurips25.study import Study

_LAZY = {
    "analyze": "analyze",
    "read_responses": "analyze",
    "make_embedder": "embed",
    "MiniLMEmbedder": "embed",
    "TfidfEmbedder": "embed",
    "CachedEmbedder": "embed",
    "Embedder": "embed",
    "vendi_score": "metrics",
    "vendi_score_embeddings": "metrics",
    "unique_models_at_n": "metrics",
    "inter_model_matrix": "metrics",
    "intra_model_similarity": "metrics",
    "distinct_n": "metrics",
    "compression_ratio": "metrics",
    "collect": "collect",
}


__getattr__ = lazy_exports(__name__, _LAZY)


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
    figures_note="metric_validation, homogenization, intra_model_histogram, inter_model_matrix, "
                 "response_map",
)

__all__ = ["CLAIMS", "STUDY", "Config", "run", *_LAZY]
