"""Azure roles judged by their actions: built-in roles from the shipped catalogue, custom roles from their
`permissions` block. Patterns match as Azure matches them (case-insensitive, `*` anywhere); NotActions and
NotDataActions take their matches away."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Optional

from agentlint.iam.catalogues import azure_role

# Control-plane actions that let the holder change who can do what, or read keys that open the data.
MANAGEMENT = {
    "Microsoft.Authorization/roleAssignments/write": "assign any role in the scope",
    "Microsoft.Authorization/roleDefinitions/write": "rewrite role definitions (its own role included, up to '*')",
    "Microsoft.Storage/storageAccounts/listKeys/action": "list storage account keys (full access to their data)",
}
# Data-plane reads of every secret or blob under the scope.
DATA = {
    "Microsoft.KeyVault/vaults/secrets/getSecret/action": "read every secret's value in the scope's key vaults",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read": "read every blob in the scope",
}


def permissions(builtin: Optional[str], custom: Any = None) -> Optional[dict]:
    """{"actions", "notActions", "dataActions", "notDataActions"} of a built-in role (by lower-case name) or of a
    custom role's `permissions` block; None when neither is known."""
    if builtin:
        return azure_role(builtin)
    if isinstance(custom, dict):
        def strings(key: str) -> list:
            value = custom.get(key)
            return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []
        return {"actions": strings("actions"), "notActions": strings("not_actions"),
                "dataActions": strings("data_actions"), "notDataActions": strings("not_data_actions")}
    return None


def _allowed(action: str, allow: list, deny: list) -> bool:
    low = action.lower()
    return any(fnmatchcase(low, a.lower()) for a in allow) and not any(fnmatchcase(low, n.lower()) for n in deny)


def management_actions(perms: Optional[dict]) -> list[str]:
    if not perms:
        return []
    return [a for a in MANAGEMENT if _allowed(a, perms.get("actions") or [], perms.get("notActions") or [])]


def data_reads(perms: Optional[dict]) -> list[str]:
    if not perms:
        return []
    return [a for a in DATA if _allowed(a, perms.get("dataActions") or [], perms.get("notDataActions") or [])]
