"""SuffixDecoding (arXiv 2411.04975): model-free speculative decoding from suffix trees.

Library: ``SuffixCache`` (per-request + global suffix trees, path or tree drafts),
``SuffixTree``, ``Draft``, and the prompt-lookup baseline. Importing this package stays
light (no torch, no matplotlib).
"""
from neurips25.study import Study
from neurips25.suffix_decoding.baselines import PromptLookup, prompt_lookup
from neurips25.suffix_decoding.cache import SuffixCache
from neurips25.suffix_decoding.claims import CLAIMS
from neurips25.suffix_decoding.e2e import E2E_CLAIMS
from neurips25.suffix_decoding.experiment import Config, run
from neurips25.suffix_decoding.tree import Draft, SuffixTree

STUDY = Study(
    name="suffix_decoding",
    title="SuffixDecoding: Extreme Speculative Decoding for Emerging AI Applications",
    arxiv="2411.04975",
    finding="Suffix trees over the prompt and earlier responses draft long, adaptive "
            "continuations: several tokens per step on agentic work, little on open-ended text.",
    config_cls=Config,
    run=run,
    claims=CLAIMS + E2E_CLAIMS,
    quick_runtime="~1 min (+4 min to train the demo model once)",
)

__all__ = ["STUDY", "Config", "Draft", "PromptLookup", "SuffixCache", "SuffixTree", "prompt_lookup", "run"]
