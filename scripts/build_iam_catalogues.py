"""Regenerate agentlint's IAM catalogues (agentlint/iam/catalogues/*.bin) from the iam-dataset snapshot.

Source: a folder holding `aws-managed-policies.json.gz`, `gcp-predefined-roles.json.gz` and
`azure-built-in-roles.json.gz` (plain `.json` works too) as extracted from iann0036/iam-dataset (MIT), with its
`LICENSE` and, optionally, a `PROVENANCE.md` naming the commit and its date. Usage:

    python scripts/build_iam_catalogues.py /work/shared/data/iam-dataset [--date 2026-08-22 --commit 2073fa52a]

Each output file is one table: a magic line, a 4-byte length, a zlib'd JSON header (the index {name: [offset,
length]}, a zlib preset dictionary, and for Google Cloud the sorted permission names) and the entries, each zlib'd
on its own with that dictionary. A scan decompresses the index and only the entries it looks up; the whole file
is read, never the whole table decoded. The entries keep only what the rules read:
- AWS: {"arn", "deprecated", "document"} (the policy document as AWS publishes it);
- Google Cloud: {"title", "stage", "permissions"} (permissions as gaps between positions in the header's list);
- Azure: {"id", "actions", "notActions", "dataActions", "notDataActions"} (all permission blocks merged).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import struct
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Optional

OUT = Path(__file__).resolve().parent.parent / "agentlint" / "iam" / "catalogues"
MAGIC = b"agentlint-catalogue 1\n"


def _read(folder: Path, stem: str):
    for name, opener in ((f"{stem}.json.gz", gzip.open), (f"{stem}.json", open)):
        if (folder / name).exists():
            with opener(folder / name, "rt", encoding="utf-8") as fh:
                return json.load(fh)
    sys.exit(f"{folder}: neither {stem}.json.gz nor {stem}.json")


def _zdict(texts: list[str]) -> bytes:
    """A zlib preset dictionary of the quoted strings the entries share most (worth count x length), the most
    valuable last (zlib reaches the end of the dictionary most cheaply): ~35% smaller entries than plain zlib."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(set(re.findall(r'"[^"]{4,}"', text)))
    chosen, size = [], 0
    for token, n in sorted(counts.items(), key=lambda kv: (-kv[1] * len(kv[0]), kv[0])):
        if n > 1 and size + len(token) + 1 <= 32768:
            chosen.append(token)
            size += len(token) + 1
    return ",".join(reversed(chosen)).encode()


def _pack(entries: dict, strings: Optional[list] = None) -> bytes:
    texts = {name: json.dumps(entries[name], separators=(",", ":"), sort_keys=True) for name in sorted(entries)}
    zdict = _zdict(list(texts.values()))
    index, blobs, offset = {}, [], 0
    for name, text in texts.items():
        co = zlib.compressobj(9, zdict=zdict)
        blob = co.compress(text.encode()) + co.flush()
        index[name] = [offset, len(blob)]
        blobs.append(blob)
        offset += len(blob)
    header = {"index": index, "zdict": zdict.decode(), "strings": strings}
    head = zlib.compress(json.dumps(header, separators=(",", ":")).encode(), 9)
    return MAGIC + struct.pack(">I", len(head)) + head + b"".join(blobs)


def aws(raw: dict) -> dict:
    return {name: {"arn": e["arn"], "deprecated": bool(e.get("deprecated")), "document": e["document"]}
            for name, e in raw.items()}


def gcp(raw: dict) -> tuple[dict, list]:
    """Roles with their permissions as gaps between positions in the sorted list of every permission (13,790
    names shared by 165,179 grants): a third of the size of the names themselves, compressed."""
    strings = sorted({p for e in raw.values() for p in e.get("includedPermissions") or []})
    position = {p: i for i, p in enumerate(strings)}
    out = {}
    for name, e in raw.items():
        ids = sorted(position[p] for p in e.get("includedPermissions") or [])
        out[name] = {"title": e.get("title", ""), "stage": e.get("stage", ""),
                     "permissions": [b - a for a, b in zip([0] + ids, ids)]}
    return out, strings


def azure(raw: list) -> dict:
    out = {}
    for e in raw:
        merged = {k: [] for k in ("actions", "notActions", "dataActions", "notDataActions")}
        for block in e.get("permissions") or []:
            for k in merged:
                merged[k] += [a for a in block.get(k) or [] if a not in merged[k]]
        out[e["roleName"]] = {"id": e["name"], **merged}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("--date", help="the dataset commit's date (default: read from PROVENANCE.md)")
    ap.add_argument("--commit", help="the dataset commit (default: read from PROVENANCE.md)")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the tables (default: the package)")
    args = ap.parse_args(argv)
    provenance = (args.source / "PROVENANCE.md").read_text() if (args.source / "PROVENANCE.md").exists() else ""
    found = re.search(r"commit ([0-9a-f]{7,40}) \(.*?, (\d{4}-\d\d-\d\d)\)", provenance)
    date = args.date or (found.group(2) if found else None)
    commit = args.commit or (found.group(1) if found else None)
    if not date:
        sys.exit("give --date (the dataset commit's date): no PROVENANCE.md names it")
    tables = {"aws_managed_policies": (aws(_read(args.source, "aws-managed-policies")), None),
              "gcp_predefined_roles": gcp(_read(args.source, "gcp-predefined-roles")),
              "azure_builtin_roles": (azure(_read(args.source, "azure-built-in-roles")), None)}
    counts = {}
    for name, (entries, strings) in tables.items():
        data = _pack(entries, strings)
        (args.out / f"{name}.bin").write_bytes(data)
        counts[name] = len(entries)
        print(f"{name}.bin: {len(entries)} entries, {len(data):,} bytes")
    shutil.copyfile(args.source / "LICENSE", args.out / "LICENSE")
    meta = {"source": "iann0036/iam-dataset (MIT License, Copyright (c) Ian Mckay; see LICENSE beside this file)",
            "commit": commit, "date": date, "entries": counts}
    (args.out / "SNAPSHOT.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
