"""Markers for values the scanner cannot see, shared by loaders, policy parsing and rules.

A value that is not known (a reference to another resource, a variable without a default, a function the
evaluator does not model, an attribute "known after apply" in a plan) is an `Unknown`. It keeps the references
it was built from, so the graph can still draw edges through it, and it must never be read as a safe value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Credential shapes that must never be echoed from scanned input into any output: one table, (what, pattern).
# Each pattern is anchored on a vendor prefix or an unmistakable shape, so ordinary identifiers and ARNs stay.
SECRET_SHAPES: tuple[tuple[str, str], ...] = (
    ("AWS access key id", r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"),
    ("AWS secret access key", r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
    ("private key (PEM)", r"-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|$)"),
    ("Anthropic / OpenAI API key", r"sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("Stripe secret or restricted key", r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}"),
    ("Stripe webhook secret", r"\bwhsec_[A-Za-z0-9+/=]{24,}"),
    ("Azure storage / Service Bus key in a connection string",
     r"(?i:AccountKey|SharedAccessKey|SharedAccessSignature)=[A-Za-z0-9+/%=&:._-]{20,}"),
    ("Azure storage account key", r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{86}=="),
    ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}"),
    ("GitLab token", r"\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Slack webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/]{20,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}"),
    ("Groq API key", r"\bgsk_[A-Za-z0-9]{40,}"),
    ("xAI API key", r"\bxai-[A-Za-z0-9]{40,}"),
    ("Replicate token", r"\br8_[A-Za-z0-9]{30,}"),
    ("npm token", r"\bnpm_[A-Za-z0-9]{36}"),
    ("SendGrid API key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
)
_SECRET_PATTERNS = re.compile("|".join(f"(?:{pattern})" for _, pattern in SECRET_SHAPES))


def credential_shape(text: str):
    """The name of the first credential shape found in the text, or None."""
    if not isinstance(text, str):
        return None
    for what, pattern in SECRET_SHAPES:
        if re.search(pattern, text):
            return what
    return None


# Values that are never printed: from the environment (`TF_VAR_*`: CI passes secrets that way) and the values of
# variables declared `sensitive = true`.
_HIDDEN: set[str] = set()
HIDDEN_MIN_LENGTH = 6


def hide(value) -> None:
    """Never print this value (or any string inside it)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str) and len(v) >= HIDDEN_MIN_LENGTH:
            _HIDDEN.add(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def scrub(text: str) -> str:
    """Replace hidden values with the marker plan sensitives use (longest first, so a value inside another is
    covered)."""
    for value in sorted(_HIDDEN, key=len, reverse=True):
        if value in text:
            text = text.replace(value, "<sensitive>")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from the scanned tree without control characters: terminal escape sequences (colours, cursor moves,
    window titles) and bidirectional overrides could rewrite what a reader sees. Newlines and tabs stay."""
    return _CONTROL.sub("?", text)


def redact(text: str) -> str:
    """Replace anything shaped like a credential, or any value from the environment, with a marker."""
    return scrub(_SECRET_PATTERNS.sub("<redacted>", text))


_INSTANCE_KEYS = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Ref:
    """A reference to a resource (or data source) attribute: `address` is module-qualified, without instance keys."""

    address: str  # with the instance key when the reference names one that is known: aws_iam_role.r["a"]
    attr: str = ""

    @property
    def base(self) -> str:
        """The address without instance keys (how Resource.ref_address names resources)."""
        return _INSTANCE_KEYS.sub("", self.address) if "[" in self.address else self.address

    def __str__(self) -> str:
        return f"{self.address}.{self.attr}" if self.attr else self.address


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be decided statically. `text` is the source expression (for messages)."""

    text: str = ""
    refs: tuple[Ref, ...] = field(default=())

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"

    def __str__(self) -> str:
        # What a message shows when a value is formatted into it (f"{value}", str(value)): the expression as written,
        # redacted as display() does, never the debugging form above.
        return redact(self.text) if self.text else "(unknown)"


@dataclass(frozen=True)
class ProviderDefault(Unknown):
    """An attribute a plan's configuration leaves out and the provider fills in after apply (`after_unknown`): the
    default the provider documents applies (a Compute instance's `service_account.email`: the default compute
    account), not an expression that could name anything."""


@dataclass(frozen=True, repr=False)
class UnknownText(Unknown):
    """An unknown string whose source text is known: a template file rendered with a variable that has no value
    (`templatefile("boot.sh.tpl", { key = var.key })`), or that text base64-encoded. `template` is the file's text
    with its interpolations as written (`${key}`), for rules that read what a boot script does, whatever the
    values."""

    template: str = ""


@dataclass(frozen=True, repr=False)
class UnknownYAML(Unknown):
    """`yamlencode(...)` of a value with unknown parts: unknown as a string (as before), carrying the object it encodes
    (`decoded`, unknown parts marked), so a reader of Helm release values can find a setting whose value is a
    reference (`eks.amazonaws.com/role-arn = aws_iam_role.agent.arn`). Left out of comparisons and hashing."""

    decoded: object = field(default=None, compare=False, hash=False)


class VariableText(str):
    """A string read straight from an input variable (`var.openai_api_key`): the value, carrying where it came
    from, so a rule can tell a value passed in from one written in the code. Any operation on it gives a plain
    string."""

    origin: str

    def __new__(cls, text: str, origin: str) -> "VariableText":
        obj = super().__new__(cls, text)
        obj.origin = origin
        return obj

    def __reduce__(self):
        return (VariableText, (str(self), self.origin))


class _Sensitive:
    """A value marked sensitive in a plan. The real value never leaves the plan loader."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<sensitive>"

    def __str__(self) -> str:
        return "<sensitive>"


SENSITIVE = _Sensitive()


def is_known(value) -> bool:
    return not isinstance(value, (Unknown, _Sensitive))


def refs_in(value) -> list[Ref]:
    """Every reference held anywhere inside a value (dicts and lists are walked)."""
    out: list[Ref] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Unknown):
            out.extend(v.refs)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return out


def structured(value):
    """A `jsonencode(...)` result as the object it encodes: the evaluator gives Terraform's exact string and
    carries the object along (`decoded`). Anything else is returned unchanged."""
    return getattr(value, "decoded", value) if isinstance(value, str) else value


def blocks(value) -> list:
    """The nested blocks in a value (a list of dicts); anything else (unknown, sensitive, a string) gives []."""
    if isinstance(value, list):
        return [b for b in value if isinstance(b, dict)]
    if isinstance(value, dict):
        return [value]
    return []


def first_block(value) -> dict:
    """Nested blocks are lists of dicts (as in plan JSON); most rules want the first one."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    if isinstance(value, dict):
        return value
    return {}


def follow_blocks(values, path) -> dict:
    """The nested block at a path of block names (first block at each step), or {} when any step is missing."""
    cur = values
    for step in path:
        cur = first_block(cur.get(step) if isinstance(cur, dict) else None)
    return cur if isinstance(cur, dict) else {}


def display(value, limit: int = 80) -> str:
    """A short, human-readable rendering of a value for messages."""
    if isinstance(value, Unknown):
        text = value.text or "(unknown)"
    elif value is SENSITIVE:
        text = "<sensitive>"
    else:
        text = str(value)
    text = redact(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
