"""`terraform show -json` / `tofu show -json` output -> the same resources the HCL loader builds.

Values come from `planned_values` (with child modules) and data sources from `prior_state`. Attributes unknown
at plan time (`after_unknown`) become `Unknown` values that carry the references found in `configuration`, so an
agent's role is still linked to its policies when the role ARN does not exist yet. Attributes marked sensitive are
replaced by a marker here and never travel further.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Optional

from agentlint.loaders.plan_refs import PlanRefs, own_key
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError, Resource, json_depth_exceeds, strip_instance_keys
from agentlint.values import SENSITIVE, ProviderDefault, Ref, Unknown


class PlanError(Exception):
    def __init__(self, message: str, kind: str = "not-a-plan", line: Optional[int] = None):
        super().__init__(message)
        self.kind = kind
        self.line = line


def read_plan_document(path: str, limits: Limits = Limits()) -> dict:
    try:
        text = read_text(path, limits.max_plan_bytes)
    except TextFileError as exc:
        raise PlanError(str(exc), exc.kind, exc.line) from None
    return parse_plan_text(text, limits)


def parse_plan_text(text: str, limits: Limits = Limits()) -> dict:
    """Plan JSON text (a file's, or `terraform show -json` output) -> the plan document."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise PlanError("JSON nested too deeply to parse; file skipped", "limit") from None
    except json.JSONDecodeError as exc:
        doc = _embedded_plan(text)
        if doc is None:
            raise PlanError(f"invalid JSON: {exc.msg}", "parse-error", exc.lineno) from None
    if json_depth_exceeds(doc, limits.max_nesting):
        raise PlanError(f"JSON nested deeper than {limits.max_nesting} levels (limit max-nesting); file skipped",
                        "limit")
    if not isinstance(doc, dict) or "format_version" not in doc or not any(
            k in doc for k in ("planned_values", "resource_changes", "configuration", "terraform_version")):
        raise PlanError("JSON file is not a Terraform/OpenTofu plan (no format_version/planned_values)")
    return doc


def _embedded_plan(text: str) -> Optional[dict]:
    """hashicorp/setup-terraform's wrapper prints extra lines around the JSON; take the first plan object."""
    start = text.find('{"format_version"')
    if start < 0:
        return None
    try:
        doc, _ = json.JSONDecoder().raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def load_plan(path: str, errors: list[LoadError], limits: Limits = Limits()) -> list[Resource]:
    return load_plan_with_config(path, errors, limits)[0]


class PlanConfig:
    """What a plan's `configuration` says about the code it was made from (for locating resources in that code).

    `addresses`: every resource and data source of the configuration, module-qualified, without instance keys
    (`module.a.aws_iam_role.r`); None when the plan has no `configuration`."""

    def __init__(self, addresses: Optional[set[str]] = None):
        self.addresses = addresses


def load_plan_with_config(path: str, errors: list[LoadError], limits: Limits = Limits(),
                          text: Optional[str] = None) -> tuple[list[Resource], PlanConfig]:
    """The plan's resources (path and stack: `path`) and its configuration summary. `text`: the plan JSON when it
    does not come from `path` itself (`terraform show -json` of the binary plan at `path`)."""
    try:
        doc = read_plan_document(path, limits) if text is None else parse_plan_text(text, limits)
    except PlanError as exc:
        errors.append(LoadError(path=path, line=exc.line, kind=exc.kind, message=str(exc)))
        return [], PlanConfig()
    try:
        reader = _PlanReader(doc, path)
        return reader.resources(), reader.config_summary()
    except RecursionError:
        errors.append(LoadError(path=path, kind="limit", message="plan nested too deeply to read; file skipped"))
        return [], PlanConfig()
    except Exception as exc:  # every shape is checked where it is read: anything left is a bug of agentlint's
        if os.environ.get("AGENTLINT_DEBUG"):
            raise
        errors.append(LoadError(path=path, kind="internal-error", message=(
            f"agentlint failed on this plan ({exc.__class__.__name__}: {' '.join(str(exc).split())[:200]}); "
            "file skipped; please report it")))
        return [], PlanConfig()


class _PlanReader:
    def __init__(self, doc: dict, path: str):
        self.doc = doc
        self.path = path
        self.changes = {rc["address"]: rc for rc in _arr(doc.get("resource_changes"))
                        if isinstance(rc, dict) and isinstance(rc.get("address"), str)}
        self.config_modules: dict[str, dict] = {}  # module prefix ("", "module.a.") -> configuration module
        self.config_resources: dict[tuple[str, str], dict] = {}  # (prefix, module-relative address) -> config
        root = _obj(_obj(doc.get("configuration")).get("root_module"))
        self._index_config(root, "")
        self.refs = PlanRefs(self.config_modules, self._instances())

    def _index_config(self, module: dict, prefix: str, depth: int = 0) -> None:
        self.config_modules[prefix] = module
        for res in _arr(module.get("resources")):
            if isinstance(res, dict) and isinstance(res.get("address"), str):
                self.config_resources.setdefault((prefix, res["address"]), res)
        for name, call in _obj(module.get("module_calls")).items():
            child = _obj(_obj(call).get("module"))
            if depth < 100:
                self._index_config(child, f"{prefix}module.{name}.", depth + 1)

    def _instances(self) -> set[str]:
        """Every module instance (`module.a["x"]`) and resource instance address the plan holds."""
        out: set[str] = set(self.changes)
        stack = [_obj(_obj(self.doc.get("planned_values")).get("root_module"))]
        while stack:
            cur = stack.pop()
            if isinstance(cur.get("address"), str):
                out.add(cur["address"])
            out.update(r["address"] for r in _arr(cur.get("resources"))
                       if isinstance(r, dict) and isinstance(r.get("address"), str))
            stack.extend(_obj(m) for m in _arr(cur.get("child_modules")))
        for rc in self.changes.values():
            if isinstance(rc.get("module_address"), str):
                out.add(rc["module_address"])
        return out

    def config_summary(self) -> PlanConfig:
        if not self.doc.get("configuration"):
            return PlanConfig(None)
        return PlanConfig({prefix + local for prefix, local in self.config_resources})

    def resources(self) -> list[Resource]:
        out: dict[str, Resource] = {}
        planned = _obj(_obj(self.doc.get("planned_values")).get("root_module"))
        for raw in _walk_module(planned):
            res = self._resource(raw, from_state=False)
            if res is not None:
                out[res.address] = res
        prior = _obj(_obj(_obj(self.doc.get("prior_state")).get("values")).get("root_module"))
        for raw in _walk_module(prior):
            if raw.get("mode") == "data":
                res = self._resource(raw, from_state=True)
                if res is not None and res.address not in out:
                    out[res.address] = res
        # Plans without planned_values (hand-written or very old) still list what changes.
        for address, rc in self.changes.items():
            if address in out or not isinstance(rc, dict):
                continue
            change = _obj(rc.get("change"))
            if change.get("actions") == ["delete"] or not rc.get("type"):
                continue
            raw = {"address": address, "mode": rc.get("mode", "managed"), "type": rc.get("type"),
                   "name": rc.get("name"), "values": _obj(change.get("after"))}
            res = self._resource(raw, from_state=False)
            if res is not None:
                out[address] = res
        return list(out.values())

    def _resource(self, raw: dict, from_state: bool) -> Optional[Resource]:
        address = raw.get("address")
        rtype = raw.get("type")
        if not isinstance(address, str) or not isinstance(rtype, str):
            return None
        mode = raw.get("mode") if raw.get("mode") in ("managed", "data") else "managed"
        name = raw.get("name") if isinstance(raw.get("name"), str) and raw.get("name") else address.rsplit(".", 1)[-1]
        values = _obj(raw.get("values"))
        change = _obj(_obj(self.changes.get(address)).get("change"))
        actions = change.get("actions")
        actions = [a for a in actions if isinstance(a, str)] if isinstance(actions, list) else None
        unknown = change.get("after_unknown") if not from_state else None
        sensitive = raw.get("sensitive_values")
        if sensitive is None and not from_state:
            sensitive = change.get("after_sensitive")
        prefix = _module_prefix(address, mode, rtype, name)
        config = self._config_resource(prefix, address, mode, rtype, name)
        expressions = (config or {}).get("expressions") or {}
        if not isinstance(expressions, dict):
            expressions = {}
        instance_key = own_key(address)  # what `each.key` / `count.index` are in its expressions

        def refs_of(references: Any) -> list[Ref]:
            return self.refs.refs(_arr(references), prefix, instance_key)

        marked = _mark(values, unknown, sensitive, expressions, refs_of, configured=config is not None)
        if not isinstance(marked, dict):  # `sensitive_values: true` / `after_unknown: true`: the whole resource
            marked = {}
        # Attributes that only the configuration knows (the whole `values` is missing for some deferred reads); one
        # marked sensitive is never taken from the configuration, where its constant would be in clear.
        for key, expr in expressions.items():
            if key not in marked:
                hidden = sensitive is True or _sub(sensitive, key) is True
                marked[key] = SENSITIVE if hidden else self._from_expression(expr, refs_of)
        if sensitive is True:
            marked = {key: SENSITIVE for key in set(marked) | set(values)}
        elif unknown is True:
            marked = {key: marked.get(key, Unknown("(known after apply)")) for key in set(marked) | set(values)}
        return Resource(address=address, mode=mode, type=rtype, name=str(name), vals=marked, path=self.path,
                        stack=self.path, actions=actions, source="plan")

    def _config_resource(self, prefix: str, address: str, mode: str, rtype: str, name: str) -> Optional[dict]:
        local = (f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}")
        return self.config_resources.get((strip_instance_keys(prefix), local))

    def _from_expression(self, expr: Any, refs_of: Callable[[Any], list[Ref]]) -> Any:
        if isinstance(expr, list):
            return [self._from_expression(e, refs_of) for e in expr]
        if not isinstance(expr, dict):
            return Unknown("(known after apply)")
        if "constant_value" in expr:
            return expr["constant_value"]
        if "references" in expr:
            return Unknown("(known after apply)", tuple(refs_of(expr.get("references"))))
        return {k: self._from_expression(v, refs_of) for k, v in expr.items()}


def _walk_module(module: dict):
    stack = [module]
    while stack:
        cur = stack.pop()
        if not isinstance(cur, dict):
            continue
        for res in _arr(cur.get("resources")):
            if isinstance(res, dict):
                yield res
        stack.extend(reversed(_arr(cur.get("child_modules"))))


def _module_prefix(address: str, mode: str, rtype: str, name: str) -> str:
    marker = (f"data.{rtype}.{name}" if mode == "data" else f"{rtype}.{name}")
    idx = address.rfind(marker)
    return address[:idx] if idx > 0 else ""


def _mark(values: Any, unknown: Any, sensitive: Any, expressions: Any, refs_of: Callable[[Any], list[Ref]],
          configured: bool = False) -> Any:
    """`configured`: the plan's configuration holds this resource, so an unknown attribute its expressions leave out
    was not written: the provider fills in its default (ProviderDefault)."""
    if sensitive is True:
        return SENSITIVE
    if unknown is True:
        refs = refs_of(expressions.get("references")) if isinstance(expressions, dict) else []
        return Unknown("(known after apply)", tuple(refs))
    # Below an expression (a map or list written as one value) keys are not attributes of the configuration.
    configured = configured and not (isinstance(expressions, dict) and (
        "references" in expressions or "constant_value" in expressions))
    if isinstance(values, dict):
        out = {}
        keys = set(values)
        if isinstance(unknown, dict):
            keys |= {k for k, v in unknown.items() if v is True}
        for key in keys:
            if configured and _sub(unknown, key) is True and values.get(key) is None and \
                    _sub(sensitive, key) is not True and _sub(expressions, key) is None:
                out[key] = ProviderDefault("(known after apply)")
                continue
            out[key] = _mark(values.get(key), _sub(unknown, key), _sub(sensitive, key), _sub(expressions, key),
                             refs_of, configured)
        return out
    if isinstance(values, list):
        out_list = []
        for i, item in enumerate(values):
            if isinstance(expressions, list):  # nested blocks: one expression object per block
                expr = expressions[i] if i < len(expressions) else (expressions[0] if expressions else {})
            elif isinstance(expressions, dict) and "references" in expressions:
                expr = expressions  # one expression made the whole list: its elements share its references
            else:
                expr = {}
            out_list.append(_mark(item, _sub(unknown, i), _sub(sensitive, i), expr, refs_of, configured))
        if isinstance(unknown, list) and len(unknown) > len(values):
            out_list.extend(Unknown("(known after apply)") for _ in unknown[len(values):] if _ is True)
        return out_list
    return values


def _obj(value: Any) -> dict:
    """A plan part that must be an object: anything else (a fuzzed or hand-edited plan) reads as empty, so one
    wrong part is skipped instead of the whole plan."""
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list:
    return value if isinstance(value, list) else []


def _sub(container: Any, key: Any) -> Any:
    if isinstance(container, dict) and isinstance(key, str):
        return container.get(key)
    if isinstance(container, list) and isinstance(key, int) and key < len(container):
        return container[key]
    return None
