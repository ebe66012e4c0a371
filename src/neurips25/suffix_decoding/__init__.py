"""SuffixDecoding (arXiv 2411.04975): model-free speculative decoding from suffix trees.

Library: ``SuffixCache`` (per-request + global suffix trees, path or tree drafts),
``SuffixTree``, ``Draft``, and the prompt-lookup baseline. Importing this package stays
light (no torch, no matplotlib).
"""
from neurips25.suffix_decoding.baselines import PromptLookup, prompt_lookup
from neurips25.suffix_decoding.cache import SuffixCache
from neurips25.suffix_decoding.tree import Draft, SuffixTree

__all__ = ["Draft", "PromptLookup", "SuffixCache", "SuffixTree", "prompt_lookup"]
