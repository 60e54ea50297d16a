"""Enums and small shared types."""

from __future__ import annotations

import strawberry

from sources.store.enums import Pathway as PathwayCode
from sources.store.enums import PathwayStatusCode

Pathway = strawberry.enum(PathwayCode, description="One of the seven resettlement pathways.")
PathwayStatusValue = strawberry.enum(
    PathwayStatusCode,
    name="PathwayStatusCode",
    description="Where support on a pathway stands. SUPPORT_NOT_REQUIRED, SUPPORT_DECLINED and DONE count "
    "as complete.",
)
