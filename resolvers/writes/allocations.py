"""Assign or unassign a resettlement worker for one or many people at once: all or nothing."""

from __future__ import annotations

import asyncio

from auth.policy import FieldGroup
from resolvers import validation
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, NotFound
from resolvers.person import visible_prisoner
from resolvers.writes.common import author, require_write, text
from sources.store import allocations as store
from sources.store.models import CaseAllocation

MAX_PEOPLE = 200


async def _all_visible(ctx: RequestContext, raw_numbers: list[str]) -> list[str]:
    require_write(ctx, FieldGroup.STAFF_CONTACTS)
    if not 1 <= len(raw_numbers) <= MAX_PEOPLE:
        raise BadUserInput(f"give 1 to {MAX_PEOPLE} prisoner numbers", field="prisonerNumbers")
    numbers = list(dict.fromkeys(validation.prisoner_number(n, field="prisonerNumbers") for n in raw_numbers))
    found = await asyncio.gather(*(visible_prisoner(ctx, n) for n in numbers))
    missing = [n for n, p in zip(numbers, found, strict=True) if p is None]
    if missing:
        raise NotFound("no such person: nothing was changed", field="prisonerNumbers", prisonerNumbers=missing)
    return numbers


async def assign_worker(ctx: RequestContext, *, prisoner_numbers: list[str], staff_id: str, name: str,
                        username: str) -> list[CaseAllocation]:
    worker = store.Worker(staff_id=text(staff_id, field="staffId", maximum=40) or "",
                          name=text(name, field="name", maximum=200) or "",
                          username=text(username, field="username", maximum=100) or "")
    numbers = await _all_visible(ctx, prisoner_numbers)
    async with ctx.sources.database.session() as session:
        rows = await store.assign(session=session, prisoner_numbers=numbers, worker=worker, by=author(ctx))
        await session.commit()
    return [rows[n] for n in numbers]


async def unassign_worker(ctx: RequestContext, *, prisoner_numbers: list[str]) -> int:
    numbers = await _all_visible(ctx, prisoner_numbers)
    async with ctx.sources.database.session() as session:
        count = await store.unassign(session=session, prisoner_numbers=numbers, by=author(ctx))
        await session.commit()
    return count
