"""Run the benchmarks: every ``benchmarks/NAME.py`` (or the names given) as a script.

Each benchmark prints ratios against a baseline or peer measured in the same run
(medians over repeats), never absolute pass/fail timings.
"""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        scripts = [s for s in scripts if s.stem in wanted]
        missing = wanted - {s.stem for s in scripts}
        if missing:
            print(f"benchmarks: error: unknown benchmark(s) {', '.join(sorted(missing))}", file=sys.stderr)
            return 2
    if not scripts:
        print("benchmarks: no benchmarks found", file=sys.stderr)
        return 2
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
