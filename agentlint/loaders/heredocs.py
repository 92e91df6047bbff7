"""Heredoc closing markers as Terraform reads them.

Terraform ends a heredoc at the first line that holds its marker alone, whatever spaces or tabs stand before or
after it (checked with Terraform 1.11: `EOF  ` closes `<<EOF`, `\tEOF \t` closes `<<-EOF`, and `EOF x` stays
content). python-hcl2 8.1 accepts the spaces before the marker but not after it, so a marker line with trailing
whitespace (invisible, left by editors that do not trim it) made the heredoc swallow the rest of the file and the
whole file a parse error. The trailing whitespace of such a line is removed before parsing; nothing else changes,
so every line keeps its number and every heredoc its content.
"""

from __future__ import annotations

import re

_MARKER = r"[A-Za-z][A-Za-z0-9._-]*"
# A heredoc opens with `<<ID` or `<<-ID` at the end of a line (Terraform refuses anything after it, spaces too).
_OPENER = re.compile(r"<<-?(" + _MARKER + r")\r?$")
_OPENER_AT = re.compile(r"<<-?(" + _MARKER + r")\r?\n")
# A line that could be a closing marker with whitespace after it: the only lines this module ever changes.
_PADDED_MARKER = re.compile(r"^[ \t]*" + _MARKER + r"[ \t]+\r?$", re.MULTILINE)


def close_heredoc_markers(text: str) -> str:
    """The text with the trailing spaces and tabs of each heredoc's closing marker line removed."""
    if "<<" not in text or not _PADDED_MARKER.search(text):
        return text
    lines = text.split("\n")
    marker = None
    for number, line in enumerate(lines):
        if marker is None:
            opened = _OPENER.search(line)
            marker = opened.group(1) if opened else None
        elif line.strip(" \t\r") == marker:
            lines[number] = line.rstrip(" \t\r") + ("\r" if line.endswith("\r") else "")  # CRLF stays CRLF
            marker = None
    return "\n".join(lines)


def heredoc_end(text: str, start: int):
    """When a heredoc opens at `start`: where it ends, after its closing marker line (spaces and tabs allowed around
    the marker, as Terraform allows them; the end of the text when it is not closed). Otherwise None."""
    opener = _OPENER_AT.match(text, start)
    if opener is None:
        return None
    closing = re.compile(r"^[ \t]*" + re.escape(opener.group(1)) + r"[ \t]*\r?$", re.MULTILINE)
    found = closing.search(text, opener.end())
    return len(text) if found is None else found.end()
