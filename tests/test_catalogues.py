"""The IAM catalogues shipped as package data: what they hold, that they regenerate byte for byte from the
dataset snapshot, that the curated AWS table keeps only what the snapshot lacks, and that loading is lazy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentlint.iam import catalogues
from agentlint.iam.managed import MANAGED, lookup_managed, managed_policy_name

ROOT = Path(__file__).resolve().parent.parent
DATASET = Path(os.environ.get("AGENTLINT_IAM_DATASET", ROOT.parent / "shared" / "data" / "iam-dataset"))
PACKAGE = ROOT / "agentlint" / "iam" / "catalogues"


def test_aws_managed_policy_by_name_any_case():
    entry = catalogues.aws_managed_policy("amazons3fullaccess")
    assert entry["name"] == "AmazonS3FullAccess" and entry["deprecated"] is False
    assert entry["arn"] == "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    assert entry["document"]["Statement"][0]["Action"] == ["s3:*", "s3-object-lambda:*"]
    assert catalogues.aws_managed_policy("AWSLambdaFullAccess")["deprecated"] is True
    assert catalogues.aws_managed_policy("NoSuchPolicy") is None


def test_path_arn_finds_the_catalogue_entry():
    name = managed_policy_name("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    policy = lookup_managed(name)
    assert policy.tier == "content" and policy.deprecated is False
    assert [st.action_strings() for st in policy.document().statements] == [
        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]]


def test_gcp_role_permissions_decoded():
    role = catalogues.gcp_role("roles/secretmanager.secretAccessor")
    assert role["title"] == "Secret Manager Secret Accessor"
    assert "secretmanager.versions.access" in role["permissions"]
    assert role["permissions"] == sorted(role["permissions"])
    assert catalogues.gcp_role("roles/Storage.Admin") is None  # Google's role names are case-sensitive
    assert "storage.objects.delete" in catalogues.gcp_role("roles/storage.admin")["permissions"]


def test_azure_role_actions_merged():
    role = catalogues.azure_role("storage blob data owner")
    assert role["name"] == "Storage Blob Data Owner" and role["id"] == "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
    assert role["dataActions"] == ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"]
    assert catalogues.azure_role("Owner")["actions"] == ["*"]


def test_curated_table_holds_only_what_the_snapshot_lacks():
    assert sorted(p.name for p in MANAGED.values()) == [
        "AIDevOpsAgentActionsPolicy", "AWSMcpServiceActionsFullAccess", "AdministratorAccess", "PowerUserAccess"]
    for policy in MANAGED.values():
        assert catalogues.aws_managed_policy(policy.name) is None, f"{policy.name} is now in the snapshot"


def test_snapshot_metadata_and_licence():
    meta = catalogues.snapshot()
    assert meta["date"] == "2026-08-22" and meta["commit"] == "2073fa52a"
    assert meta["entries"] == {"aws_managed_policies": 1641, "gcp_predefined_roles": 2461, "azure_builtin_roles": 928}
    assert (PACKAGE / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.skipif(not DATASET.exists(), reason="the iam-dataset snapshot folder is not on this machine")
def test_regenerated_tables_are_the_shipped_ones(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_iam_catalogues.py"), str(DATASET),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("aws_managed_policies.bin", "gcp_predefined_roles.bin", "azure_builtin_roles.bin",
                 "SNAPSHOT.json", "LICENSE"):
        assert (tmp_path / name).read_bytes() == (PACKAGE / name).read_bytes(), name


def _loaded_after_scan(case: str, tmp_path) -> tuple[int, int]:
    """(tables read, entries decompressed) by one `agentlint scan` in a fresh interpreter."""
    code = ("import sys\nfrom agentlint.cli import main\nfrom agentlint.iam import catalogues\n"
            f"sys.argv = ['agentlint', 'scan', {case!r}, '-o', '/dev/null']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(catalogues._table.cache_info().currsize, catalogues._Table.get.cache_info().currsize)\n")
    env = {**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    tables, entries = out.stdout.split()[-2:]
    return int(tables), int(entries)


def test_a_scan_pays_only_for_the_entries_it_touches(tmp_path):
    assert _loaded_after_scan("fixtures/AL201/bad/inline-policy-block", tmp_path) == (0, 0)
    assert _loaded_after_scan("fixtures/AL401/bad/managed-s3-full-access", tmp_path) == (1, 1)
    # AdministratorAccess is curated: the catalogue is never opened for it.
    assert _loaded_after_scan("fixtures/AL201/bad/managed-attachment", tmp_path) == (0, 0)


def test_gcp_roles_judged_by_permissions():
    from agentlint.iam.gcp_roles import data_read_permissions, escalation_permissions

    assert escalation_permissions("roles/iam.dataScientist") == ["iam.serviceAccounts.actAs"]
    assert data_read_permissions("roles/secretmanager.secretAccessor") == ["secretmanager.versions.access"]
    assert escalation_permissions("roles/logging.logWriter") == data_read_permissions("roles/logging.logWriter") == []
    # Google's own service agents need these; their roles are not judged.
    assert escalation_permissions("roles/run.serviceAgent") == data_read_permissions("roles/run.serviceAgent") == []


def test_azure_roles_judged_by_actions_minus_not_actions():
    from agentlint.iam.azure_roles import data_reads, management_actions, permissions

    assert management_actions(permissions("owner")) == list(
        ("Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleDefinitions/write",
         "Microsoft.Storage/storageAccounts/listKeys/action"))
    # Contributor has '*' but NotActions take Microsoft.Authorization/*/Write away.
    assert management_actions(permissions("contributor")) == ["Microsoft.Storage/storageAccounts/listKeys/action"]
    assert data_reads(permissions("storage blob data reader")) == [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]
    assert data_reads(permissions(None, {"data_actions": ["Microsoft.KeyVault/vaults/secrets/*"]})) == [
        "Microsoft.KeyVault/vaults/secrets/getSecret/action"]
    assert management_actions(permissions("reader")) == data_reads(permissions("reader")) == []
