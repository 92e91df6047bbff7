"""Terraform's `timeadd` and Go duration strings ("87600h", "2400h30m", "-1.5h"). `timestamp()` is the time of the
apply and stays unknown: only a date written in the code (or computed from one) is added to."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from agentlint.loaders.fn_values import FunctionError, to_str

_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
_DURATION = re.compile(r"^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$")
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def go_duration_seconds(text: str) -> Optional[float]:
    """Seconds in a Go duration string (as time.ParseDuration reads it), or None when it is not one."""
    text = text.strip()
    if text in ("0", "+0", "-0"):
        return 0.0
    if not _DURATION.match(text):
        return None
    total = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))
    return -total if text.startswith("-") else total


def parse_rfc3339(text: str) -> Optional[datetime]:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None  # RFC 3339 requires the offset


def _timeadd(timestamp: Any, duration: Any) -> str:
    start = parse_rfc3339(to_str(timestamp))
    seconds = go_duration_seconds(to_str(duration))
    if start is None or seconds is None:
        raise FunctionError("timeadd: invalid timestamp or duration")
    end = start + timedelta(seconds=seconds)
    if end.utcoffset() == timedelta(0):
        return end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + _fraction(end) + "Z"
    return end.isoformat()


def _fraction(value: datetime) -> str:
    return f".{value.microsecond:06d}".rstrip("0") if value.microsecond else ""
