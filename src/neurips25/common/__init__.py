"""Pieces shared by every study: seeding, atomic I/O, progress, plotting, errors."""
from neurips25.common.errors import UserError
from neurips25.common.io import atomic_write_json, atomic_write_text, read_json
from neurips25.common.progress import NullProgress, Progress
from neurips25.common.seeding import seed_everything

__all__ = [
    "NullProgress",
    "Progress",
    "UserError",
    "atomic_write_json",
    "atomic_write_text",
    "read_json",
    "seed_everything",
]
