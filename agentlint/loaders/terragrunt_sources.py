"""Terragrunt `terraform { source }` strings: local or remote, `//` subfolders, credentials hidden when shown;
the Terraform files of a folder. See terragrunt.py for the semantics followed."""

from __future__ import annotations

import os
import re

from agentlint.values import redact

CACHE_DIR = ".terragrunt-cache"
DEFAULT_CONFIG = "terragrunt.hcl"
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")


# -- sources -------------------------------------------------------------------------------------------------

_GETTER = re.compile(r"^[A-Za-z0-9]+::")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_USERINFO = re.compile(r"(://)[^/@\s]+@")


def shown_source(source: str) -> str:
    """A source for messages: user names and tokens in URLs are not shown."""
    return redact(_USERINFO.sub(r"\1***@", source))


def is_local_source(source: str) -> bool:
    if source.startswith(("./", "../", "/", "file://")) or source in (".", ".."):
        return True
    if _GETTER.match(source) or _SCHEME.match(source):
        return False
    first = source.split("/", 1)[0]
    # github.com/org/repo, bitbucket.org/..., git@github.com:org/repo.git, s3-eu-west-1.amazonaws.com/...
    return "." not in first and "@" not in first and ":" not in first


def split_source(source: str) -> tuple[str, str]:
    """(what is copied, subfolder): `git::https://h/r.git//modules/x?ref=v1` -> (`git::https://h/r.git?ref=v1`,
    `modules/x`); `../../modules//agent` -> (`../../modules`, `agent`)."""
    rest = _GETTER.sub("", source)
    getter = source[:len(source) - len(rest)]
    scheme = _SCHEME.match(rest)
    start = scheme.end() if scheme else 0
    query = ""
    if "?" in rest[start:]:
        cut = rest.index("?", start)
        rest, query = rest[:cut], rest[cut:]
    cut = rest.find("//", start)
    if cut < 0:
        return getter + rest + query, ""
    return getter + rest[:cut] + query, rest[cut + 2:].strip("/")


def _terraform_files(folder: str) -> list[str]:
    """The Terraform files of a folder (hidden files are not copied by Terragrunt, nor read here)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names
            if name.endswith(TERRAFORM_SUFFIXES) and not name.startswith(".")
            and os.path.isfile(os.path.join(folder, name))]


def _has_terraform_files(folder: str) -> bool:
    return bool(_terraform_files(folder))
