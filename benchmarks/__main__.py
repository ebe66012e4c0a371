"""Run the benchmarks: every ``benchmarks/NAME.py`` (or the names given) as a script.

Each benchmark prints ratios against a baseline or peer measured in the same run
(medians over repeats), never absolute pass/fail timings.
"""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str], folder: Path = HERE) -> int:
    """Run the named benchmarks (all by default) in turn; 1 if any of them failed."""
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        scripts = [s for s in scripts if s.stem in wanted]
        missing = wanted - {s.stem for s in scripts}
        if missing:
            print(f"benchmarks: error: unknown benchmark(s) {', '.join(sorted(missing))}",
                  file=sys.stderr)
            return 2
    if not scripts:
        print("benchmarks: no benchmarks found", file=sys.stderr)
        return 2
    failed = []
    saved_argv = sys.argv
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        sys.argv = [str(script)]  # each benchmark parses its own options: the defaults
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as exc:  # a benchmark's own sys.exit must not end the others
            if exc.code not in (None, 0):
                failed.append(script.stem)
        finally:
            sys.argv = saved_argv
    if failed:
        print(f"benchmarks: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
