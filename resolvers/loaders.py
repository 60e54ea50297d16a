"""Per-request data loaders, named ``<result>_by_<key>``.

Batch-capable systems (NOMIS, CVL) get one call per batch up to their limit. Per-person systems (nDelius,
appointments) get one call per distinct key, run concurrently under the client's cap. Results line up with
keys: a miss is ``None``, and a key that failed on its own carries its own exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from aiodataloader import DataLoader

from resolvers.cached import CachedDelius
from sources.appointments.models import Appointment
from sources.bundle import Sources
from sources.delius.models import CaseDetails, CommunityManager
from sources.errors import UpstreamNotFound
from sources.licences.models import LicenceSummary
from sources.nomis.client import BATCH_LIMIT as NOMIS_BATCH_LIMIT
from sources.nomis.models import Prisoner
from sources.store.models import PathwayStatus
from sources.store.pathways import statuses_by_prisoner_numbers

K = TypeVar("K")
V = TypeVar("V")

AppointmentWindow = tuple[str, date, date]  # (crn, start, end)


async def _each(keys: Sequence[K], fetch: Callable[[K], Awaitable[V]]) -> list[V | BaseException | None]:
    """One call per key, concurrently; a 404 becomes None and any other failure stays with its key."""

    async def one(key: K) -> V | BaseException | None:
        try:
            return await fetch(key)
        except UpstreamNotFound:
            return None
        except Exception as error:
            return error

    return list(await asyncio.gather(*(one(k) for k in keys)))


@dataclass(slots=True)
class Loaders:
    prisoner_by_number: DataLoader[str, Prisoner | None]
    crn_by_prisoner_number: DataLoader[str, str | None]
    community_manager_by_crn: DataLoader[str, CommunityManager | None]
    case_details_by_crn: DataLoader[str, CaseDetails | None]
    licence_summary_by_prisoner_number: DataLoader[str, LicenceSummary | None]
    appointments_by_window: DataLoader[AppointmentWindow, list[Appointment] | None]
    pathway_statuses_by_prisoner_number: DataLoader[str, list[PathwayStatus]]


def create_loaders(sources: Sources, stale_systems: set[str] | None = None) -> Loaders:
    """Build a fresh set of loaders for one request. Stale cache hits are noted in ``stale_systems``."""
    delius = CachedDelius(sources, stale_systems if stale_systems is not None else set())

    async def prisoners(numbers: list[str]) -> list[Prisoner | None]:
        found = {p.prisoner_number: p for p in await sources.nomis.get_prisoners_by_numbers(numbers)}
        return [found.get(n) for n in numbers]

    async def crns(numbers: list[str]) -> list[str | BaseException | None]:
        return await _each(numbers, delius.crn)

    async def managers(crns: list[str]) -> list[CommunityManager | BaseException | None]:
        return await _each(crns, delius.community_manager)

    async def case_details(crns: list[str]) -> list[CaseDetails | BaseException | None]:
        return await _each(crns, sources.delius.get_case_details)

    async def licences(numbers: list[str]) -> list[LicenceSummary | None]:
        found: dict[str, LicenceSummary] = {}
        for summary in await sources.licences.match_licences(numbers):
            current = found.get(summary.nomis_id)
            if current is None or summary.licence_id > current.licence_id:
                found[summary.nomis_id] = summary
        return [found.get(n) for n in numbers]

    async def appointments(windows: list[AppointmentWindow]) -> list[list[Appointment] | BaseException | None]:
        return await _each(windows, lambda w: sources.appointments.get_appointments(w[0], start=w[1], end=w[2]))

    async def statuses(numbers: list[str]) -> list[list[PathwayStatus]]:
        async with sources.database.session() as session:
            found = await statuses_by_prisoner_numbers(session=session, prisoner_numbers=numbers)
        return [found.get(n, []) for n in numbers]

    return Loaders(
        prisoner_by_number=DataLoader(prisoners, max_batch_size=NOMIS_BATCH_LIMIT),
        crn_by_prisoner_number=DataLoader(crns),  # type: ignore[arg-type]
        community_manager_by_crn=DataLoader(managers),  # type: ignore[arg-type]
        case_details_by_crn=DataLoader(case_details),  # type: ignore[arg-type]
        licence_summary_by_prisoner_number=DataLoader(licences, max_batch_size=500),
        appointments_by_window=DataLoader(appointments),  # type: ignore[arg-type]
        pathway_statuses_by_prisoner_number=DataLoader(statuses, max_batch_size=1000),
    )
