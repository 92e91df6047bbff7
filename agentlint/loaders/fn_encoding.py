"""Terraform's encoding and conversion functions: jsonencode/jsondecode (Terraform's JSON: sorted keys, Go's
escapes), yamlencode/yamldecode, tostring/tonumber/tobool."""

from __future__ import annotations

import json
import re
from typing import Any

from agentlint.loaders.fn_values import (
    SIZES,
    MAX_FORMAT_WIDTH,
    FunctionError,
    JSONText,
    TooBig,
    check_size,
    is_number,
    num,
    num_str,
    to_bool,
    to_number,
    to_str,
)

# -- JSON and YAML --------------------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    """Terraform's JSON: keys sorted, no spaces, `<`, `>`, `&` escaped as Go escapes them, whole numbers bare."""
    parts: list[str] = []
    size = [0]

    def emit(v: Any) -> None:
        # Values can share parts ([x, x] nested 40 times): count as we go, never after.
        size[0] += 1
        if size[0] > SIZES.string:
            raise TooBig("value too large to encode")
        if v is None:
            parts.append("null")
        elif isinstance(v, bool):
            parts.append("true" if v else "false")
        elif is_number(v):
            parts.append(num_str(v))
        elif isinstance(v, str):
            parts.append(_json_string(v))
        elif isinstance(v, list):
            parts.append("[")
            for i, x in enumerate(v):
                if i:
                    parts.append(",")
                emit(x)
            parts.append("]")
        elif isinstance(v, dict):
            parts.append("{")
            for i, k in enumerate(sorted(v)):
                if i:
                    parts.append(",")
                parts.append(_json_string(k))
                parts.append(":")
                emit(v[k])
            parts.append("}")
        else:
            raise FunctionError("value cannot be encoded")

    emit(value)
    return check_size("".join(parts))


def _json_string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def jsonencode(value: Any) -> Any:
    return JSONText(_json_text(value), value)


def _normalize_decoded(v: Any) -> Any:
    if isinstance(v, float):
        return num(v)
    if isinstance(v, list):
        return [_normalize_decoded(x) for x in v]
    if isinstance(v, dict):
        return {k: _normalize_decoded(x) for k, x in v.items()}
    return v


def _jsondecode(s: Any) -> Any:
    if isinstance(s, JSONText):
        return s.decoded
    try:
        return _normalize_decoded(json.loads(to_str(s)))
    except (json.JSONDecodeError, RecursionError):
        raise FunctionError("invalid JSON") from None


def _yamldecode(s: Any) -> Any:
    try:
        import yaml
    except ImportError:  # PyYAML is optional: without it the value is simply not decided
        raise TooBig("yaml not available") from None

    class Loader(yaml.SafeLoader):
        """Terraform reads YAML 1.1 booleans, `y` and `n` included (go-yaml's resolver)."""

    Loader.bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}
    Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
        list("yYnNtTfFoO"))
    text = to_str(s)
    if len(text) > SIZES.string:
        raise TooBig("yaml too long")
    try:
        loader = Loader(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        raise FunctionError("invalid YAML") from None
    return _yaml_value(value)


def _yaml_value(v: Any) -> Any:
    if isinstance(v, float):
        return num(v)
    if isinstance(v, list):
        return [_yaml_value(x) for x in v]
    if isinstance(v, dict):
        return {to_str(k) if not isinstance(k, str) else k: _yaml_value(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)  # dates and other YAML types Terraform reads as strings


def _yamlencode(value: Any) -> str:
    """Terraform's yamlencode layout: block style, keys sorted, strings double-quoted."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if is_number(v):
            return num_str(v)
        return _json_string_plain(v)

    def emit(v: Any, indent: str, lead: str) -> None:
        # lead: text before the value on its first line ("- " or "key: ")
        if len(lines) > SIZES.elements or len(indent) > MAX_FORMAT_WIDTH:
            raise TooBig("value too large to encode")
        if isinstance(v, dict) and v:
            first = True
            for k in sorted(v):
                prefix = lead if first else indent
                first = False
                item = v[k]
                if isinstance(item, dict) and item:
                    lines.append(f"{prefix}{_json_string_plain(k)}:")
                    emit(item, indent + "  ", indent + "  ")
                elif isinstance(item, list) and item:
                    lines.append(f"{prefix}{_json_string_plain(k)}:")
                    emit(item, indent, indent)
                else:
                    lines.append(f"{prefix}{_json_string_plain(k)}: {flow(item)}")
        elif isinstance(v, list) and v:
            first = True
            for item in v:
                prefix = lead if first else indent
                first = False
                if (isinstance(item, (dict, list))) and item:
                    emit(item, indent + "  ", prefix + "- ")
                else:
                    lines.append(f"{prefix}- {flow(item)}")
        else:
            lines.append(f"{lead}{flow(v)}")

    def flow(v: Any) -> str:
        if isinstance(v, dict):
            return "{}"
        if isinstance(v, list):
            return "[]"
        return scalar(v)

    emit(value, "", "")
    return check_size("\n".join(lines) + "\n")


def _json_string_plain(s: str) -> str:
    return '"' + json.dumps(s, ensure_ascii=False)[1:-1] + '"'




def _tostring(v: Any) -> Any:
    if v is None:
        return None
    return to_str(v)


def _tonumber(v: Any) -> Any:
    return None if v is None else to_number(v)


def _tobool(v: Any) -> Any:
    return None if v is None else to_bool(v)
