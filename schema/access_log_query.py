"""``accessLog``: who read whose data, for administrators."""

from __future__ import annotations

import datetime as dt

import strawberry

from auth.policy import FieldGroup
from resolvers.access_log import recent_entries
from schema.context import Info
from schema.permissions import requires
from sources.store.models import AccessLogEntry as AccessLogRow


@strawberry.type(description="One read of one person's data: who, which field groups, when, under which request.")
class AccessLogEntry:
    at: dt.datetime = strawberry.field(description="When the read happened (UTC).")
    principal: str = strawberry.field(description="Who read: a staff username or an integrator's client id.")
    audience: str = strawberry.field(description="The reader's audience, e.g. prison-staff or integrator.")
    prisoner_number: strawberry.ID = strawberry.field(description="Whose data was read.")
    field_groups: list[str] = strawberry.field(description="The field groups read, e.g. identity, risk.")
    correlation_id: str | None = strawberry.field(description="The request's correlation id, to find it in logs.")

    @classmethod
    def from_model(cls, row: AccessLogRow) -> AccessLogEntry:
        return cls(at=row.at, principal=row.principal, audience=row.audience,
                   prisoner_number=strawberry.ID(row.prisoner_number), field_groups=list(row.field_groups),
                   correlation_id=row.correlation_id)


@strawberry.type(description="The access log (administrators only).")
class AccessLogQueries:
    @strawberry.field(description="Reads of people's data, newest first: one person's, or everyone's. "
                      "Append-only; only the admin role may read it.",
                      extensions=requires(FieldGroup.ACCESS_LOG))
    async def access_log(self, info: Info, prisoner_number: strawberry.ID | None = None,
                         first: int = 50) -> list[AccessLogEntry]:
        rows = await recent_entries(info.context, None if prisoner_number is None else str(prisoner_number), first)
        return [AccessLogEntry.from_model(row) for row in rows]
