"""`neurips25 list` shows each study's quick runtime; it must agree with the runtimes the
README reports from a measured `make reproduce` (within a factor of 2: both are rounded,
and a shared 2-core machine is noisy), so a user is not told 3 minutes for a 7-second run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


_DURATION = re.compile(r"([\d.]+)\s*(s|sec|min|h)\b")
_UNIT = {"s": 1, "sec": 1, "min": 60, "h": 3600}


def parse_runtime(text: str, one_time_cost: bool = True) -> float:
    """Seconds of a listed runtime: the first "N s" / "N min" / "N h", plus a one-time cost
    written as "(+N min ...)" ("~1.5 min (+8 min to train the demo model once)" = 570 s): the
    README's run starts from an empty cache, so it pays the one-time cost too, unless that
    cost is the study's ``prepare`` work, which ``reproduce`` runs in the background before
    the study's own turn (``one_time_cost=False``: the study's turn alone)."""
    first = _DURATION.search(text)
    if first is None:
        raise ValueError(f"no runtime in {text!r}")
    seconds = float(first.group(1)) * _UNIT[first.group(2)]
    once = re.search(r"\(\+\s*" + _DURATION.pattern, text)
    if once is not None and one_time_cost:
        seconds += float(once.group(1)) * _UNIT[once.group(2)]
    return seconds


def readme_wall_seconds() -> dict[str, float]:
    """Per study, the quick-preset wall seconds of the README's verdict-totals table."""
    lines = README.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[:1] == ["study"] and "reproduced" in cells and any("wall s" in c for c in cells):
            col = next(j for j, c in enumerate(cells) if "wall s" in c)
            out = {}
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                parts = [c.strip() for c in row.strip().strip("|").split("|")]
                if re.fullmatch(r"[a-z_]+", parts[0]) and re.fullmatch(r"[\d.]+", parts[col]):
                    out[parts[0]] = float(parts[col])
            return out
    raise AssertionError("README has no per-study table with a 'wall s' column")


def test_parse_runtime():
    assert parse_runtime("~1 min (+4 min to train the demo model once)") == 300
    assert parse_runtime("~2.5 min") == 150 and parse_runtime("~30 s") == 30
    assert parse_runtime("~1 min (+4 min to train the demo model once)", False) == 60


@pytest.mark.parametrize("name", sorted(readme_wall_seconds()))
def test_list_runtime_matches_the_readme(name):
    from neurips25.registry import get_study

    measured = readme_wall_seconds()[name]
    study = get_study(name)
    listed = parse_runtime(study.quick_runtime, one_time_cost=study.prepare is None)
    assert 0.5 <= listed / measured <= 2, (
        f"{name}: `neurips25 list` says {get_study(name).quick_runtime!r}, "
        f"the README measured {measured:.0f} s")
