"""A narrow progress interface, so experiments do not depend on a terminal library.

Experiments call ``progress.track(iterable, "training", total=n)`` and ``progress.log(msg)``.
The CLI passes a rich-backed implementation; tests pass ``NullProgress``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    def track(
        self, items: Iterable[T], description: str, total: int | None = None
    ) -> Iterator[T]: ...

    def log(self, message: str) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, library use)."""

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        yield from items

    def log(self, message: str) -> None:
        pass


class RichProgress:
    """Progress bars on stderr via rich; one bar per ``track`` call, removed when done."""

    def __init__(self, prefix: str = "") -> None:
        from rich.console import Console
        from rich.markup import escape

        self.console = Console(stderr=True)
        self.prefix = escape(prefix)  # "[study] " is text, not a rich markup tag

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as _RP

        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with _RP(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(f"{self.prefix}{escape(description)}", total=total)
            for item in items:
                yield item
                bar.advance(task)

    def log(self, message: str) -> None:
        from rich.markup import escape

        self.console.print(f"{self.prefix}{escape(message)}")
