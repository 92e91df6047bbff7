"""A workload's container configuration that a plan knows only after apply, read from the code it was planned from.

`container_definitions` (ECS) and `container_properties` (Batch) are one JSON string: when any part of it is unknown
at plan time (an image from an `aws_ecr_repository` created in the same apply, a module output), the plan has no
value at all and its `configuration` only lists the references the expression used. The code beside the plan
(plan_source) still says what the containers are: agentlint's evaluation of the `jsonencode(...)` keeps the known
parts (environment names and values, commands) and marks the rest unknown, which is what agent detection reads.
Only these attributes, only when the plan's value is unknown (never one it knows, never a sensitive one) and only
when the code's value is a structure: nothing the plan knows is replaced.
"""

from __future__ import annotations

from typing import Any, Optional

from agentlint.model import Resource
from agentlint.values import SENSITIVE, ProviderDefault, Unknown

# Resource type -> the attribute holding its containers as one JSON document.
CONTAINER_DOCUMENTS = {"aws_ecs_task_definition": "container_definitions",
                       "aws_batch_job_definition": "container_properties"}


def fill_from_code(res: Resource, code: Optional[Resource]) -> bool:
    """Take the code's container document for a plan resource whose planned one is unknown; whether it was taken."""
    attr = CONTAINER_DOCUMENTS.get(res.type)
    if attr is None or code is None or code.type != res.type:
        return False
    planned = res.values.get(attr)
    if not isinstance(planned, Unknown) or isinstance(planned, ProviderDefault) or planned is SENSITIVE:
        return False
    value = code.values.get(attr)
    if not _structured(value):
        return False
    res.values[attr] = value
    return True


def _structured(value: Any) -> bool:
    """A list or object (what `jsonencode` of a partly unknown value evaluates to), or JSON text carrying one."""
    if isinstance(value, str):
        value = getattr(value, "decoded", None)
    return isinstance(value, (list, dict))
