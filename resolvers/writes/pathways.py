"""Record a pathway status with a case note; the note is owed to NOMIS or nDelius through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from auth.policy import FieldGroup
from auth.principal import Audience
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, Conflict
from resolvers.writes.common import author, text, writable_prisoner
from sources.outbox_payloads import CaseNotePayload, case_note_item
from sources.store import outbox
from sources.store.enums import OutboxSystem, Pathway, PathwayStatusCode
from sources.store.errors import VersionConflict
from sources.store.models import OutboxItem, PathwayStatus
from sources.store.pathways import set_status

CASE_NOTE_MAX = 4000


@dataclass(frozen=True, slots=True)
class StatusChanged:
    row: PathwayStatus
    case_note: OutboxItem


async def set_pathway_status(ctx: RequestContext, *, prisoner_number: str, pathway: Pathway,
                             status: PathwayStatusCode, expected_version: int, case_note: str) -> StatusChanged:
    note = text(case_note, field="caseNote", maximum=CASE_NOTE_MAX)
    assert note is not None
    if expected_version < 0:
        raise BadUserInput("expectedVersion must be 0 or more", field="expectedVersion")
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.PATHWAY_STATUS)
    system, crn = await _case_note_destination(ctx, prisoner.prisoner_number)
    now = datetime.now(UTC)
    payload = CaseNotePayload(prisoner_number=prisoner.prisoner_number, crn=crn, pathway=pathway,
                              text=f"Resettlement passport: {pathway.value} is now {status.value}. {note}",
                              occurred_at=now, author=author(ctx))
    async with ctx.sources.database.session() as session:
        try:
            row = await set_status(session=session, prisoner_number=prisoner.prisoner_number, pathway=pathway,
                                   status=status, expected_version=expected_version, case_note=note,
                                   changed_by=author(ctx), now=now)
        except VersionConflict as conflict:
            current = _describe(conflict.current)  # read before the session rolls back and expires the row
            raise Conflict("someone else changed this pathway's status; review it and apply yours again",
                           current=current) from conflict
        item = await outbox.enqueue(session=session, **case_note_item(payload, system=system)._asdict())
        await session.commit()
    return StatusChanged(row=row, case_note=item)


async def _case_note_destination(ctx: RequestContext, prisoner_number: str) -> tuple[OutboxSystem, str | None]:
    """Probation staff write to nDelius when the person has a CRN; otherwise the note goes to NOMIS.

    A failed CRN look-up must not lose the write, so it falls back to NOMIS.
    """
    if ctx.principal.audience is not Audience.PROBATION_STAFF:
        return OutboxSystem.NOMIS, None
    try:
        crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    except Exception:
        crn = None
    return (OutboxSystem.DELIUS, crn) if crn else (OutboxSystem.NOMIS, None)


def _describe(row: PathwayStatus | None) -> dict[str, object]:
    if row is None:
        return {"status": PathwayStatusCode.NOT_STARTED.value, "version": 0}
    return {"status": row.status, "version": row.version, "updatedAt": row.updated_at.isoformat(),
            "updatedBy": row.updated_by}
