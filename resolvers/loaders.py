"""Per-request data loaders, named ``<result>_by_<key>``.

Batch-capable systems (NOMIS, CVL) get one call per batch up to their limit. Per-person systems (nDelius,
appointments, NOMIS staff look-ups) get one call per distinct key, run concurrently under the client's cap, each
key settling as soon as its own call returns.
Results line up with keys: a miss is ``None``, and a key that failed on its own carries its own exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from aiodataloader import DataLoader

from resolvers.cached import CachedReads
from resolvers.store_loaders import grouped
from sources.appointments.models import Appointment
from sources.bundle import Sources
from sources.delius.models import CaseDetails, CommunityManager, Mappa, RiskOfSeriousHarm, RiskPredictor
from sources.errors import UpstreamNotFound
from sources.licences.models import Licence, LicenceSummary
from sources.nomis.client import BATCH_LIMIT as NOMIS_BATCH_LIMIT
from sources.nomis.models import Prisoner, PrisonStaff
from sources.store.allocations import AllocationRow, allocation_rows_by_prisoner_numbers
from sources.store.applications import bank_applications_by_prisoner_numbers, id_applications_by_prisoner_numbers
from sources.store.models import BankApplication, IdApplication, PathwayStatusChange
from sources.store.pathways import StatusRow, history_by_prisoner_numbers, status_rows_by_prisoner_numbers

K = TypeVar("K")
V = TypeVar("V")

AppointmentWindow = tuple[str, date, date]  # (crn, start, end)
DB_BATCH = 1000


async def _each(keys: Sequence[K], fetch: Callable[[K], Awaitable[V]]) -> list[V | BaseException | None]:
    """One call per key, concurrently; a 404 becomes None and any other failure stays with its key."""

    async def one(key: K) -> V | BaseException | None:
        try:
            return await fetch(key)
        except UpstreamNotFound:
            return None
        except Exception as error:
            return error

    if len(keys) == 1:  # what ``_per_key`` always passes: no gather, no extra task
        return [await one(keys[0])]
    return list(await asyncio.gather(*(one(k) for k in keys)))


class PerKeyLoader(DataLoader[K, V]):
    """A loader for a system with no batch API: each key's call starts when the key is first asked for, and its
    future settles when that call returns, so a hop chained on it (CRN, then appointments) starts at once rather
    than after the slowest key asked for in the same tick. The per-request cache still makes one call per key.
    """

    def __init__(self, fetch: Callable[[K], Awaitable[V]]) -> None:
        async def calls(keys: list[K]) -> list[V | BaseException | None]:
            return await _each(keys, fetch)

        super().__init__(calls, batch=False)  # type: ignore[arg-type]

    def unasked(self, keys: Sequence[K]) -> list[K]:
        """The keys this request has not loaded (nor primed) yet."""
        cache = self._cache
        return [key for key in keys if self.get_cache_key(key) not in cache]

    def prime_many(self, values: Mapping[K, V]) -> int:
        """Settle these keys with values already at hand (fresh cache hits): no call, no task per key. A key this
        request has loaded (or primed) meanwhile keeps what it has. How many keys were settled here."""
        cache = self._cache
        before = len(cache)
        for key, value in values.items():
            self.prime(key, value)
        return len(cache) - before


def _per_key(fetch: Callable[[Any], Awaitable[Any]]) -> PerKeyLoader[Any, Any]:
    return PerKeyLoader(fetch)


@dataclass(slots=True)
class Loaders:
    prisoner_by_number: DataLoader[str, Prisoner | None]
    key_worker_by_prisoner_number: DataLoader[str, PrisonStaff | None]
    prison_offender_manager_by_prisoner_number: DataLoader[str, PrisonStaff | None]
    crn_by_prisoner_number: PerKeyLoader[str, str | None]
    community_manager_by_crn: PerKeyLoader[str, CommunityManager | None]
    case_details_by_crn: DataLoader[str, CaseDetails | None]
    mappa_by_crn: DataLoader[str, Mappa | None]
    risk_of_serious_harm_by_crn: DataLoader[str, RiskOfSeriousHarm | None]
    risk_predictors_by_crn: DataLoader[str, list[RiskPredictor] | None]
    licence_summary_by_prisoner_number: DataLoader[str, LicenceSummary | None]
    licence_by_id: DataLoader[int, Licence | None]
    appointments_by_window: PerKeyLoader[AppointmentWindow, list[Appointment] | None]
    pathway_statuses_by_prisoner_number: DataLoader[str, list[StatusRow]]
    pathway_history_by_prisoner_number: DataLoader[str, list[PathwayStatusChange]]
    allocation_by_prisoner_number: DataLoader[str, AllocationRow | None]
    id_applications_by_prisoner_number: DataLoader[str, list[IdApplication]]
    bank_applications_by_prisoner_number: DataLoader[str, list[BankApplication]]
    cached: CachedReads

    def forget(self) -> None:
        """Drop every loader's remembered keys and results: see ``RequestContext.release``."""
        for name in Loaders.__slots__:
            loader = getattr(self, name)
            if isinstance(loader, DataLoader):
                loader.clear_all()


def create_loaders(sources: Sources, stale_systems: set[str] | None = None, *, naive: bool = False) -> Loaders:
    """Build a fresh set of loaders for one request. Stale cache hits are noted in ``stale_systems``.

    ``naive`` (settings ``naive_loaders``) is the benchmarks' baseline: no batching and no caches.
    """
    cached = CachedReads(sources, stale_systems if stale_systems is not None else set(), bypass=naive)

    async def prisoners(numbers: list[str]) -> list[Prisoner | None]:
        found = {p.prisoner_number: p for p in await sources.nomis.get_prisoners_by_numbers(numbers)}
        return [found.get(n) for n in numbers]

    async def licences(numbers: list[str]) -> list[LicenceSummary | None]:
        found: dict[str, LicenceSummary] = {}
        for summary in await sources.licences.match_licences(numbers):
            current = found.get(summary.nomis_id)
            if current is None or summary.licence_id > current.licence_id:
                found[summary.nomis_id] = summary
        return [found.get(n) for n in numbers]

    def window(w: AppointmentWindow) -> Awaitable[list[Appointment]]:
        return cached.appointments(w[0], w[1], w[2])

    loaders = Loaders(
        prisoner_by_number=DataLoader(prisoners, max_batch_size=NOMIS_BATCH_LIMIT),
        key_worker_by_prisoner_number=_per_key(sources.nomis.get_key_worker),
        prison_offender_manager_by_prisoner_number=_per_key(sources.nomis.get_prison_offender_manager),
        crn_by_prisoner_number=_per_key(cached.crn),
        community_manager_by_crn=_per_key(cached.community_manager),
        case_details_by_crn=_per_key(sources.delius.get_case_details),
        mappa_by_crn=_per_key(cached.mappa),
        risk_of_serious_harm_by_crn=_per_key(sources.delius.get_risk_of_serious_harm),
        risk_predictors_by_crn=_per_key(sources.delius.get_risk_predictors),
        licence_summary_by_prisoner_number=DataLoader(licences, max_batch_size=500),
        licence_by_id=_per_key(cached.licence),
        appointments_by_window=_per_key(window),
        pathway_statuses_by_prisoner_number=DataLoader(
            grouped(sources, status_rows_by_prisoner_numbers, list, plain=True), max_batch_size=DB_BATCH),
        pathway_history_by_prisoner_number=DataLoader(
            grouped(sources, history_by_prisoner_numbers, list), max_batch_size=DB_BATCH),
        allocation_by_prisoner_number=DataLoader(
            grouped(sources, allocation_rows_by_prisoner_numbers, lambda: None, plain=True),
            max_batch_size=DB_BATCH),
        id_applications_by_prisoner_number=DataLoader(
            grouped(sources, id_applications_by_prisoner_numbers, list), max_batch_size=DB_BATCH),
        bank_applications_by_prisoner_number=DataLoader(
            grouped(sources, bank_applications_by_prisoner_numbers, list), max_batch_size=DB_BATCH),
        cached=cached,
    )
    return _unbatched(loaders) if naive else loaders


def _unbatched(loaders: Loaders) -> Loaders:
    """The same loaders, each calling its batch function with one key and remembering nothing."""
    for name in Loaders.__slots__:
        loader = getattr(loaders, name)
        if isinstance(loader, DataLoader):
            setattr(loaders, name, DataLoader(loader.batch_load_fn, batch=False, cache=False))
    return loaders
