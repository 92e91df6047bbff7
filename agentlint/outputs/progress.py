"""A one-line progress display on a terminal's stderr: only for scans long enough to need it, erased when done."""

from __future__ import annotations

import time
from typing import TextIO

MIN_FILES = 200
REFRESH_SECONDS = 0.1


class Progress:
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_FILES:
            return
        now = time.monotonic()
        if done < total and now - self.last < REFRESH_SECONDS:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\ragentlint: reading files [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.shown = True
        if done >= total:
            self.stream.write("\r" + " " * (width + 50) + "\r")
        self.stream.flush()
