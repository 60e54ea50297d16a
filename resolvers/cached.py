"""Slowly changing upstream data through the cross-request cache, with stale copies when a system is down.

TTLs follow the real service: community offender manager 2 h, MAPPA 4 h, licence 1 h. A CRN changes even
less often, so it shares the community offender manager's TTL. When a stale copy is served, the system is
recorded so the response can say which parts are stale.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from sources import cache as kinds
from sources.appointments.models import Appointment
from sources.bundle import Sources
from sources.cache import get_or_load
from sources.delius.models import CommunityManager, Mappa
from sources.errors import UpstreamNotFound
from sources.licences.models import Licence
from sources.nomis.models import PrisonSummary

CRN = "crn"
CRN_TTL_SECONDS = kinds.ttl_for(kinds.COMMUNITY_MANAGER)
NO_CRN = ""  # cached marker: nDelius said this person has no CRN

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True)


class CachedReads:
    """Upstream reads that go through the cache. One per request, sharing the app's cache."""

    def __init__(self, sources: Sources, stale_systems: set[str], *, bypass: bool = False) -> None:
        self.sources = sources
        self.stale_systems = stale_systems
        # ``bypass``: the benchmarks' naive baseline reads every value from its system.
        self.bypass = bypass
        self._get_or_load = _uncached if bypass else get_or_load

    async def crn(self, prisoner_number: str) -> str | None:
        async def load() -> str:
            try:
                return await self.sources.delius.get_crn(prisoner_number)
            except UpstreamNotFound:
                return NO_CRN

        value, stale = await self._get_or_load(self.sources.cache, CRN, prisoner_number, load, dump=str, restore=str,
                                          ttl=CRN_TTL_SECONDS)
        self._note(stale, self.sources.delius.system)
        return value or None

    async def community_manager(self, crn: str) -> CommunityManager:
        return await self._model(kinds.COMMUNITY_MANAGER, crn, CommunityManager,
                                 lambda: self.sources.delius.get_community_manager(crn), self.sources.delius.system)

    async def mappa(self, crn: str) -> Mappa:
        return await self._model(kinds.MAPPA, crn, Mappa, lambda: self.sources.delius.get_mappa(crn),
                                 self.sources.delius.system)

    async def licence(self, licence_id: int) -> Licence:
        return await self._model(kinds.LICENCE, str(licence_id), Licence,
                                 lambda: self.sources.licences.get_licence(licence_id), self.sources.licences.system)

    async def appointments(self, crn: str, start: date, end: date) -> list[Appointment]:
        """A person's appointments in a window; cached briefly, and dropped when the gateway books one."""
        found = await self.sources.cache.get_restored(kinds.APPOINTMENTS_GENERATION, crn, int)
        key = _appointments_key(crn, found, start, end)
        value, stale = await self._get_or_load(
            self.sources.cache, kinds.APPOINTMENTS, key,
            lambda: self.sources.appointments.get_appointments(crn, start=start, end=end),
            dump=lambda items: [_dump(a) for a in items], restore=_restore_appointments)
        self._note(stale, self.sources.appointments.system)
        return list(value)  # restored values are shared across requests: each caller gets its own list

    # --- Fresh hits for a page of people, in one read of the cache (resolvers/person_prefetch.py) ---------
    # Each answers what the single read above would for a fresh entry; a key left out (a miss, a stale copy) is
    # for the single read to load. Nothing with the cache bypassed. The hits are not reported here: by the time
    # the read comes back, a key may have been loaded one by one (and its hit reported then), so the caller
    # reports the hits it uses (``report_hits``).

    async def fresh_crns(self, prisoner_numbers: Sequence[str]) -> dict[str, str | None]:
        found = await self._fresh(CRN, prisoner_numbers, str)
        return {number: value or None for number, value in found.items()}

    async def fresh_community_managers(self, crns: Sequence[str]) -> dict[str, CommunityManager]:
        return await self._fresh(kinds.COMMUNITY_MANAGER, crns, CommunityManager.model_validate)

    async def fresh_appointments(self, crns: Sequence[str], start: date, end: date) -> dict[str, list[Appointment]]:
        if self.bypass or not crns:
            return {}
        generations = await self.sources.cache.get_restored_many(kinds.APPOINTMENTS_GENERATION, crns, int)
        keys = {_appointments_key(crn, found, start, end): crn for crn, found in zip(crns, generations, strict=True)}
        found = await self._fresh(kinds.APPOINTMENTS, list(keys), _restore_appointments)
        return {keys[key]: list(value) for key, value in found.items()}

    async def _fresh(self, kind: str, keys: Sequence[str], restore: Callable[[Any], T]) -> dict[str, T]:
        if self.bypass or not keys:
            return {}
        found = await self.sources.cache.get_restored_many(kind, keys, restore)
        return {key: entry[0] for key, entry in zip(keys, found, strict=True) if entry is not None and entry[1]}

    def report_hits(self, kind: str, count: int) -> None:
        """Report ``count`` fresh hits of ``kind`` from the reads of many keys, as the single read reports one."""
        on_lookup = self.sources.cache.on_lookup
        if on_lookup is not None:
            for _ in range(count):
                on_lookup(kind, kinds.LOOKUP_HIT)


    async def prisons(self) -> list[PrisonSummary]:
        """The prison register; prisons open and close rarely, so a day's copy will do."""
        value, stale = await self._get_or_load(
            self.sources.cache, kinds.PRISON_REGISTER, "all", self.sources.nomis.get_prisons,
            dump=lambda items: [_dump(p) for p in items],
            restore=lambda raw: tuple(PrisonSummary.model_validate(p) for p in raw))
        self._note(stale, self.sources.nomis.system)
        return list(value)  # restored values are shared across requests: each caller gets its own list

    async def _model(self, kind: str, key: str, model: type[M], load: Callable[[], Awaitable[M]], system: str) -> M:
        value, stale = await self._get_or_load(self.sources.cache, kind, key, load, dump=_dump,
                                          restore=model.model_validate)
        self._note(stale, system)
        return value

    def _note(self, stale: bool, system: str) -> None:
        if stale:
            self.stale_systems.add(system)



def _appointments_key(crn: str, generation: tuple[int, bool] | None, start: date, end: date) -> str:
    number = generation[0] if generation is not None and generation[1] else 0  # as ``get``: fresh, else none yet
    return f"{crn}:{number}:{start.isoformat()}:{end.isoformat()}"


def _restore_appointments(raw: Any) -> tuple[Appointment, ...]:
    return tuple(Appointment.model_validate(a) for a in raw)


async def _uncached(cache: object, kind: str, key: str, load: Callable[[], Awaitable[T]], **_: Any) -> tuple[T, bool]:
    return await load(), False
