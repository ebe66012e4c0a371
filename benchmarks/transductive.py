"""Transductive mistake bounds: the exact search vs brute force, and how far it reaches.

Prints, all measured in this run:
  * speed: the decision search vs brute force over every ordered subset of points (the
    fixed-sequence rank maximised over all of them), same classes, medians of repeats;
    and the optimised search vs the plain one (same states expanded, checked);
  * the size frontier: per class a CPU-time budget (default 10 s); for random classes the
    largest |H| solved on each number of points, for the Lemma D.2 tree classes the
    deepest tree; and how many classes with |H| <= 128 and LD <= 7 were solved in budget
    (the project's target: all of them).
Budgets are CPU seconds (``time.process_time``), so a loaded machine shifts them less.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from neurips25.common.timing import median_seconds
from neurips25.transductive_online import families, reference
from neurips25.transductive_online.littlestone import littlestone_dimension
from neurips25.transductive_online.solver import SearchTimeout, transductive_mistake_bound
from neurips25.transductive_online.transductive import transductive_rank


def brute_force(cls) -> int:
    return max(transductive_rank(cls, s) for s in reference.ordered_subsets(cls.n_points))


def speed(n_points: int, count: int, repeats: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    classes = [families.random_class(n_points, int(s), rng)
               for s in np.linspace(8, min(64, 1 << n_points), count).astype(int)]
    for cls in classes:  # same answers first
        assert transductive_mistake_bound(cls).value == brute_force(cls)
    t_fast = median_seconds(lambda: [transductive_mistake_bound(c) for c in classes],
                            repeats=repeats, clock=time.process_time)
    t_brute = median_seconds(lambda: [brute_force(c) for c in classes],
                             repeats=max(1, repeats // 2), clock=time.process_time)
    print(f"N={n_points}, {count} random classes (|H| 8..64): exact search "
          f"{1e3 * t_fast / count:.2f} ms/class, brute force over all ordered subsets "
          f"{1e3 * t_brute / count:.1f} ms/class  ->  {t_brute / t_fast:.0f}x faster")


def fast_vs_plain(depth: int, draws: int, repeats: int, seed: int) -> None:
    """The optimised search against the plain one it replaces: same states, less time.

    Classes are rebuilt for every timed call: the LD memo lives as long as the class does,
    and a warm one would flatter whichever search runs second.
    """
    def make() -> list:
        return [families.tree_class(depth, 2 ** -np.sqrt(depth),
                                    np.random.default_rng(seed + 101 + i)) for i in range(draws)]

    fast = [transductive_mistake_bound(c) for c in make()]
    plain = [transductive_mistake_bound(c, plain=True) for c in make()]
    assert [(b.value, b.sequence, b.states) for b in fast] == \
        [(b.value, b.sequence, b.states) for b in plain]
    t_fast = median_seconds(lambda: [transductive_mistake_bound(c) for c in make()],
                            repeats=repeats, clock=time.process_time)
    t_plain = median_seconds(lambda: [transductive_mistake_bound(c, plain=True)
                                      for c in make()], repeats=repeats, clock=time.process_time)
    print(f"optimised vs plain search, {draws} Lemma D.2 classes of depth {depth} "
          f"({sum(b.states for b in fast)} states, identical): {t_fast:.2f} vs "
          f"{t_plain:.2f} CPU-s  ->  {t_plain / t_fast:.1f}x faster")


def _solve(cls, budget: float) -> tuple[int | None, float]:
    t0 = time.process_time()
    try:
        value = transductive_mistake_bound(cls, timeout=budget, clock=time.process_time).value
    except SearchTimeout:
        value = None
    return value, time.process_time() - t0


def frontier_random(points: list[int], sizes: list[int], draws: int, budget: float,
                    seed: int, target: list) -> None:
    rng = np.random.default_rng(seed)
    print(f"random classes, {draws} draws per cell, budget {budget:g} CPU-s per class:")
    for n in points:
        largest, notes = None, []
        for size in sizes:
            if size > 1 << n:
                break
            results = [(_solve(c, budget), c) for c in
                       (families.random_class(n, size, rng) for _ in range(draws))]
            for (value, _), c in results:
                if c.size <= 128 and littlestone_dimension(c) <= 7:
                    target.append(value is not None)
            times = [t for (v, t), _ in results if v is not None]
            if len(times) < draws:
                notes.append(f"|H|={size}: {draws - len(times)}/{draws} over budget")
                break
            largest = size
            notes.append(f"|H|={size}: median {statistics.median(times):.2f} s")
        print(f"  N={n}: largest |H| with every draw solved = {largest}  ({'; '.join(notes)})")


def frontier_trees(depths: list[int], draws: int, budget: float, seed: int,
                   target: list) -> None:
    rng = np.random.default_rng(seed)
    print(f"Lemma D.2 tree classes (N = 2^(D+1) - 1 points, |H| = 2^(D+1)), "
          f"budget {budget:g} CPU-s:")
    for depth in depths:
        cells = [("p=0", families.tree_class(depth))] + [
            (f"p=2^-sqrt(D) #{i}", families.tree_class(depth, 2 ** -np.sqrt(depth), rng))
            for i in range(draws)]
        row = []
        for name, cls in cells:
            value, secs = _solve(cls, budget)
            if cls.size <= 128:
                target.append(value is not None)
            row.append(f"{name}: " + (f"M_tr {value} in {secs:.2f} s" if value is not None
                                      else f"over budget ({secs:.1f} s)"))
        print(f"  depth {depth} (LD {depth + 1}): " + "; ".join(row))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=float, default=10.0, help="CPU seconds per class")
    p.add_argument("--draws", type=int, default=2, help="random draws per cell")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--max-depth", type=int, default=7)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    speed(6, 12, args.repeats, args.seed)
    fast_vs_plain(6, 2, args.repeats, args.seed)
    target: list[bool] = []
    frontier_random([8, 16, 32, 64], [16, 32, 64, 128, 256, 512, 1024, 2048], args.draws,
                    args.budget, args.seed, target)
    frontier_trees(list(range(2, args.max_depth + 1)), args.draws, args.budget, args.seed,
                   target)
    frontier_products(args.budget, target)
    print(f"target (every class with |H| <= 128 and LD <= 7 within {args.budget:g} s): "
          f"{sum(target)}/{len(target)} of the classes above solved in budget")


def frontier_products(budget: float, target: list) -> None:
    gap = families.four_point_gap()
    row = []
    for k in (1, 2, 3):
        cls = families.power(gap, k)
        value, secs = _solve(cls, budget)
        if cls.size <= 128:
            target.append(value is not None)
        row.append(f"k={k} (|H| {cls.size}, LD {3 * k}): " +
                   (f"M_tr {value} in {secs:.2f} s" if value is not None
                    else f"over budget ({secs:.1f} s)"))
    print("powers of the 4-point gap class: " + "; ".join(row))


if __name__ == "__main__":
    main()
