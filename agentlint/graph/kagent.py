"""kagent (kagent-dev/kagent, an agent platform for Kubernetes) in the identity graph: a Helm release of its chart
is an agent, and so is each of its `Agent` custom resources; both run as Kubernetes service accounts, which assume
cloud identities through their annotations (IRSA, GKE and AKS workload identity).

Helm releases (hashicorp/helm 2.x and 3.x, docs/resources/release.md): `chart` is a name, a path or a URL (an OCI
chart given whole: `oci://ghcr.io/kagent-dev/kagent/helm/kagent`), `repository` where a named chart comes from,
`name`, `namespace` (default `default`); the chart's values are `values` (a list of raw YAML strings: usually
`yamlencode({...})`, `file()` or `templatefile()`), then `set` and `set_list` (blocks in 2.x, lists of objects in 3.x:
`name` is a value path with `\\.` for a literal dot, `value`), which override them. `set_sensitive` is never read.

kagent's chart (helm/kagent): the controller runs as `<fullname>-controller` (fullname: `fullnameOverride`, else
the release name, with `-<nameOverride>` when set) in the release namespace (`namespaceOverride`); the annotations
of that service account are `controller.serviceAccount.annotations`. The chart's built-in agents and its tool
server run as service accounts and RBAC the chart makes itself, which the Terraform code does not show
(RELEASE_UNKNOWN). `kagent-crds` installs the custom resource definitions only: it runs nothing and is no agent.

Agent resources (go/api/v1alpha2/agent_types.go, and the controller's translator): a v1alpha2 agent's pods run as
`spec.declarative.deployment.serviceAccountName` (`spec.byo.deployment` for `type: BYO`) when set, else as a
service account named after the agent, in its namespace, that the controller creates with
`serviceAccountConfig.annotations`. v1alpha1 agents say nothing of it: their identity stays unknown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from agentlint.model import Confidence, Evidence, Resource
from agentlint.values import Unknown, UnknownText, UnknownYAML, blocks, first_block

if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

KAGENT_SOURCE = re.compile(r"kagent-dev/kagent", re.IGNORECASE)
# A chart archive's version suffix (`kagent-0.7.18.tgz`).
_ARCHIVE = re.compile(r"-v?\d+\.\d+[^/]*\.tgz$|\.tgz$")
# Where the chart takes the controller's service account name and annotations, across its versions.
SA_NAME_PATHS = (("controller", "serviceAccount", "name"), ("serviceAccount", "controller", "name"),
                 ("serviceAccount", "name"))
SA_ANNOTATION_PATHS = (("controller", "serviceAccount", "annotations"), ("serviceAccount", "controller", "annotations"),
                       ("serviceAccount", "annotations"))
SA_CREATE_PATHS = (("controller", "serviceAccount", "create"), ("serviceAccount", "controller", "create"),
                   ("serviceAccount", "create"))
RELEASE_UNKNOWN = ("the chart's own agents and tool server run as service accounts and RBAC the chart creates, "
                   "which the scanned code does not show")
MAX_VALUES_TEXT = 1_000_000  # as file() reads
_DIRECTIVE_LINE = re.compile(r"(?m)^[ \t]*%\{[^\n]*\}[ \t]*$")


def chart_confidence(values: dict) -> Optional[Confidence]:
    """How surely a `helm_release` installs kagent: its chart is `kagent` from kagent's registry (high), or a chart
    named `kagent` from elsewhere (a mirror, a local copy: medium); None for any other chart."""
    chart = values.get("chart")
    if not isinstance(chart, str):
        return None
    name = _ARCHIVE.sub("", chart.strip().rstrip("/")).rsplit("/", 1)[-1].lower()
    if name != "kagent":
        return None
    repository = values.get("repository")
    source = chart + " " + (repository if isinstance(repository, str) else "")
    return Confidence.HIGH if KAGENT_SOURCE.search(source) else Confidence.MEDIUM


def release_evidence(res: Resource) -> list[Evidence]:
    confidence = chart_confidence(res.values)
    if confidence is None:
        return []
    # The chart's address is not repeated: a URL may carry a user and password.
    source = "from kagent's registry" if confidence == Confidence.HIGH else "a chart named kagent from elsewhere"
    return [Evidence(kind="helm-chart", detail=f"helm release of the kagent chart ({source}): an agent platform "
                     "with built-in agents", confidence=confidence)]


# -- the release's values ------------------------------------------------------------------------------------

def release_values(values: dict) -> dict:
    """The values a release gives its chart: every `values` document merged in order, then `set` and `set_list`."""
    merged: dict = {}
    items = values.get("values")
    for item in items if isinstance(items, list) else []:
        _merge(merged, _document(item))
    for key in ("set", "set_list"):
        for block in blocks(values.get(key)):
            path = _set_path(block.get("name"))
            if path:
                _merge(merged, _nested(path, block.get("value")))
    return merged


def _document(item: Any) -> dict:
    """One `values` entry as a mapping: a YAML string, `yamlencode` of a value with unknown parts (the object), or a
    template with unknown values (its text, each interpolated value an unknown carrying the call's references)."""
    if isinstance(item, UnknownYAML):
        return item.decoded if isinstance(item.decoded, dict) else {}
    if isinstance(item, UnknownText):  # directive lines (`%{ if ... }`) left out: what they guard is read as is
        doc = _yaml(_DIRECTIVE_LINE.sub("", item.template))
        return _mark_interpolations(doc, item.refs) if isinstance(doc, dict) else {}
    if isinstance(item, str):
        doc = _yaml(item)
        return doc if isinstance(doc, dict) else {}
    return {}


def _yaml(text: str) -> Any:
    """Safe YAML loading, without aliases (no shared or self-referencing nodes, so nothing read here can blow up or
    loop); anything that does not load is no values."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases are not read")
            return super().compose_node(parent, index)

    if len(text) > MAX_VALUES_TEXT:
        return None
    loader = Loader(text)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()


def _mark_interpolations(doc: Any, refs: tuple) -> Any:
    """Strings of a template that hold an interpolation (`${role_arn}`) are unknown, with the references the template
    was given (the template's variables are not kept apart)."""
    if isinstance(doc, dict):
        return {k: _mark_interpolations(v, refs) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_mark_interpolations(v, refs) for v in doc]
    if isinstance(doc, str) and "${" in doc:
        return Unknown(doc, refs)
    return doc


def _set_path(name: Any) -> tuple[str, ...]:
    """A `set` name as a path: split on dots, `\\.` being a dot inside a key (`annotations.eks\\.amazonaws\\.com/...`)."""
    if not isinstance(name, str) or not name:
        return ()
    return tuple(part.replace("\0", ".") for part in name.replace("\\.", "\0").split("."))


def _nested(path: tuple[str, ...], value: Any) -> dict:
    out: dict = {path[-1]: value}
    for key in reversed(path[:-1]):
        out = {key: out}
    return out


def _merge(into: dict, other: dict, depth: int = 0) -> None:
    """Helm's merge of values: maps merge key by key, anything else replaces."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict) and depth < 32:
            _merge(into[key], value, depth + 1)
        else:
            into[key] = value


def value_at(values: dict, path: tuple[str, ...]) -> Any:
    cur: Any = values
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


# -- wiring --------------------------------------------------------------------------------------------------

def wire_release(b: "IdentityGraph", res: Resource) -> None:
    """A kagent release runs as its controller's service account (named in the values, else the chart's default
    `<fullname>-controller`), which assumes what the values' annotations name."""
    from agentlint.graph import kubernetes

    if chart_confidence(res.values) is None:
        return
    node = b._add(res, "workload")
    values = release_values(res.values)
    namespace = kubernetes.namespace_of(b, res.stack, values.get("namespaceOverride") or res.values.get("namespace"),
                                        "default")
    name, attr = _controller_account(b, res, values)
    if name is None:
        return  # the release name is not known: the identity stays unknown
    accounts = kubernetes.service_accounts(b, res.stack, name, namespace)
    for sa in accounts:
        b.store.add_edge(node, sa, rel="runs_as", attr=attr, via=None)
    if any(value_at(values, p) in (False, "false") for p in SA_CREATE_PATHS):
        return  # the chart does not make the account, so its annotations go nowhere
    for path in SA_ANNOTATION_PATHS:
        annotations = value_at(values, path)
        for sa in accounts if isinstance(annotations, dict) else ():
            kubernetes.wire_annotations(b, res.stack, sa, annotations, "values " + ".".join(path), res)


def _controller_account(b: "IdentityGraph", res: Resource, values: dict) -> tuple[Any, str]:
    for path in SA_NAME_PATHS:
        name = value_at(values, path)
        if name not in (None, ""):
            return name, "values " + ".".join(path)
    release = b.resolve(res.stack, res.values.get("name"))
    full = values.get("fullnameOverride")
    if not isinstance(full, str) or not full:
        if not isinstance(release, str) or not release:
            return None, ""
        override = values.get("nameOverride")
        full = f"{release}-{override}" if isinstance(override, str) and override else release
    return f"{full[:63].rstrip('-')}-controller", "the chart's controller service account (<fullname>-controller)"


def agent_account(manifest: dict) -> Optional[tuple[Any, dict, str]]:
    """(service account name, annotations the controller gives it, where that was read) of a kagent `Agent`
    manifest, or None when the manifest does not say (v1alpha1, no name)."""
    api = manifest.get("apiVersion")
    version = api.split("/", 1)[1] if isinstance(api, str) and "/" in api else ""
    spec = first_block(manifest.get("spec"))
    kind = "byo" if spec.get("type") == "BYO" else "declarative"
    deployment = first_block(first_block(spec.get(kind)).get("deployment"))
    named = deployment.get("serviceAccountName")
    if named not in (None, ""):
        return named, {}, f"spec.{kind}.deployment.serviceAccountName"
    name = first_block(manifest.get("metadata")).get("name")
    if version == "v1alpha1" or name in (None, ""):
        return None
    annotations = first_block(deployment.get("serviceAccountConfig")).get("annotations")
    return name, annotations if isinstance(annotations, dict) else {}, "the agent's own service account (its name)"
