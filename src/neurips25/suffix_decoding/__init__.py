"""SuffixDecoding (arXiv 2411.04975v3): model-free speculative decoding from suffix trees.

Library: ``SuffixDecodingCache`` (ArcticInference's cache API: per-request + global
suffix trees, path or tree drafts), ``make_proposer`` (one factory for "greedy",
"prompt-lookup", "suffix", "suffix-tree"), ``SpeculativeDecoder`` (greedy or lossless
sampling on any local Hugging Face causal LM), and ``suffix_generate`` for
``model.generate(custom_generate=suffix_generate, ...)``. Importing this package stays
light: torch loads with the first decoder name used.
"""
from neurips25.common.lazy import lazy_exports
from neurips25.study import Study
from neurips25.suffix_decoding.cache import SuffixDecodingCache, arctic_available, warm_cache
from neurips25.suffix_decoding.claims import CLAIMS, E2E_CLAIMS
from neurips25.suffix_decoding.experiment import Config, prepare, run
from neurips25.suffix_decoding.proposers import (
    METHODS,
    Draft,
    Proposer,
    SuffixDecodingDraft,
    make_proposer,
    prompt_lookup,
)
from neurips25.suffix_decoding.reference import speculate_reference
from neurips25.suffix_decoding.tree import SuffixTree

STUDY = Study(
    name="suffix_decoding",
    title="SuffixDecoding: Extreme Speculative Decoding for Emerging AI Applications",
    arxiv="2411.04975",
    finding="Suffix trees over the prompt and earlier responses draft long, adaptive "
            "continuations: several tokens per step on agentic work, little on open-ended text.",
    config_cls=Config,
    run=run,
    claims=CLAIMS + E2E_CLAIMS,
    prepare=prepare,
    quick_runtime="~1 min (+4 min to train the demo model once)",
)

__getattr__ = lazy_exports(__name__, {
    "SpeculativeDecoder": "decoder", "GenStats": "decoder", "greedy_reference": "decoder",
    "Sampling": "acceptance", "suffix_generate": "hf_generate",
})

__all__ = ["METHODS", "STUDY", "Config", "Draft", "GenStats", "Proposer", "Sampling",
           "SpeculativeDecoder", "SuffixDecodingCache", "SuffixDecodingDraft", "SuffixTree",
           "arctic_available", "greedy_reference", "make_proposer", "prompt_lookup", "run",
           "speculate_reference", "suffix_generate", "warm_cache"]
