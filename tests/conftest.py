"""Hypothesis runs derandomized by default, so CI sees the same examples on every run.

Set HYPOTHESIS_PROFILE=explore to draw fresh random examples (bug hunting).
"""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
