"""Progress bars on stderr for long work; silent when stderr is not a terminal.

Library code reports progress through a :class:`Progress`; the default one
draws only when ``sys.stderr`` is a TTY (never into pipes, logs or tests).

Examples
--------
>>> with Progress("loading", total=3, enabled=False) as bar:
...     bar.advance(3)
>>> bar.done
3
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """A one-line progress bar: ``label [#####     ] 52% 1.2M/2.3M``."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        unit: str = "",
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        #: text drawn after the counts (e.g. "lists 3/10 · ETA 40s"); set it before advancing
        self.note = ""
        self._last_draw = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        if self.total:
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 24)
            text = f"\r{self.label} [{bar:<24}] {share:4.0%} {_short(self.done)}/{_short(self.total)}{self.unit}"
        else:
            text = f"\r{self.label} {_short(self.done)}{self.unit}"
        if self.note:
            text += f" {self.note}\x1b[K"  # clear what a longer note left on the line
        self.stream.write(text)
        self.stream.flush()


def _short(number: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if number >= limit:
            return f"{number / limit:.1f}{suffix}"
    return str(int(number))
