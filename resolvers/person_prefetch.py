"""Loading a page of people's data before their fields resolve, so that those fields need not wait.

A query over 200 people used to await five loader futures per person: a thousand coroutines and tasks, most
of the request's CPU. ``prefetch`` starts the same batched loads once for the whole page and waits for them;
each Person field then finds its loader's future already settled and returns at once (``now_or_later``).
It is only a warm-up: it never raises, a failed key keeps its exception in the loader, and a field that
finds no settled value awaits the loader exactly as before, so errors, nulls and paths are unchanged. It
loads only what the caller selected and may read, so it adds no upstream call.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from aiodataloader import DataLoader

from resolvers import person_fields
from resolvers.cached import CRN
from resolvers.context import RequestContext
from resolvers.loaders import Loaders
from sources.appointments.models import Appointment
from sources.cache import APPOINTMENTS, COMMUNITY_MANAGER
from sources.nomis.models import Prisoner

T = TypeVar("T")
R = TypeVar("R")

# Person fields (GraphQL names) that read one loader keyed by prisoner number.
BY_PRISONER_NUMBER: dict[str, Callable[[Loaders], DataLoader[str, Any]]] = {
    "licence": lambda loaders: loaders.licence_summary_by_prisoner_number,
    "pathways": lambda loaders: loaders.pathway_statuses_by_prisoner_number,
    "resettlementWorker": lambda loaders: loaders.allocation_by_prisoner_number,
    "keyWorker": lambda loaders: loaders.key_worker_by_prisoner_number,
    "prisonOffenderManager": lambda loaders: loaders.prison_offender_manager_by_prisoner_number,
    "idApplications": lambda loaders: loaders.id_applications_by_prisoner_number,
    "bankApplications": lambda loaders: loaders.bank_applications_by_prisoner_number,
}
# Person fields that start from the CRN (one nDelius look-up per person).
BY_CRN = frozenset({"crn", "risk", "communityOffenderManager", "nextAppointment"})
PREFETCHED = frozenset(BY_PRISONER_NUMBER) | BY_CRN
# Of those, the ones loaded in one batch call or query whatever the number of people (CVL's match, our tables).
BATCHED = frozenset({"licence", "pathways", "resettlementWorker", "idApplications", "bankApplications"})


def settled(future: Awaitable[T]) -> bool:
    """True when ``future`` already holds a value (not an exception): it can be read without waiting."""
    return (isinstance(future, asyncio.Future) and future.done() and not future.cancelled()
            and future.exception() is None)


def now_or_later(future: Awaitable[T], then: Callable[[T], R]) -> R | Awaitable[R]:
    """``then(value)`` at once when the loader's future is settled, else a coroutine that awaits it first."""
    if settled(future):
        return then(future.result())  # type: ignore[attr-defined]

    async def later() -> R:
        return then(await future)

    return later()


async def prefetch(ctx: RequestContext, prisoners: Sequence[Prisoner], fields: Collection[str], *,
                   primed: asyncio.Future[None] | None = None) -> None:
    """Start and await the loads that ``fields`` of these people will read. Never raises. ``primed``: the read
    of the cache's fresh hits started ahead (``Ahead.primed``), waited for rather than made again."""
    wanted = [name for name in fields if name in PREFETCHED]
    if not prisoners or not wanted:
        return
    loaders = ctx.loaders
    numbers = [p.prisoner_number for p in prisoners]
    chosen = [BY_PRISONER_NUMBER[name](loaders) for name in wanted if name in BY_PRISONER_NUMBER]
    loads: list[Awaitable[Any]] = [loader.load(n) for loader in chosen for n in numbers]
    if any(name in BY_CRN for name in wanted):
        loads.append(_by_crn(ctx, prisoners, wanted, primed))
    await settle(loads)


@dataclass(frozen=True, slots=True)
class Ahead:
    """What ``load_ahead`` started: every load (``loads``), and of them the read of the cache's fresh hits for the
    CRN hops (``primed``), which ``prefetch`` waits for instead of reading the same keys again."""

    loads: asyncio.Future[None]
    primed: asyncio.Future[None] | None


def load_ahead(ctx: RequestContext, numbers: Sequence[str], fields: Collection[str]) -> Ahead | None:
    """Start the ``BATCHED`` loads of ``fields`` for all these numbers now, before NOMIS has said who exists, and
    settle the fresh cache hits of the CRN hops (``prefetch`` later finds them all in the loaders). They add no
    call: each load is one batch either way, and a cache read calls nobody. None when there is nothing to start,
    or for the naive baseline's loaders (one call per key, no cache)."""
    if not numbers:
        return None
    loaders = ctx.loaders
    if loaders.cached.bypass:
        return None
    loads: list[Awaitable[Any]] = [BY_PRISONER_NUMBER[name](loaders).load(n)
                                   for name in fields if name in BATCHED for n in numbers]
    primed = None
    if any(name in BY_CRN for name in fields):  # no call either: reads of our cache, settled before NOMIS answers
        manager, window = _crn_hops(fields)
        primed = asyncio.ensure_future(_prime_from_cache(loaders, numbers, manager=manager, window=window))
        loads.append(primed)
    return Ahead(asyncio.ensure_future(settle(loads)), primed) if loads else None


async def settle(loads: Sequence[Awaitable[Any]]) -> None:
    """Wait until every load is done. Failures stay with their keys in the loaders.

    The futures are awaited one after another, not gathered: a batch loader settles its whole batch at once, so
    the first wait covers the batch and the rest are found done, where gathering 1,400 futures scheduled a
    callback for each (a noticeable share of a warm page's CPU). Coroutines become tasks first, so they still run
    side by side.
    """
    started = [load if isinstance(load, asyncio.Future) else asyncio.ensure_future(load) for load in loads]
    for future in started:
        if not future.done():
            with contextlib.suppress(Exception):
                await future
        elif not future.cancelled():
            future.exception()  # seen, as gather(return_exceptions=True) saw it: no "never retrieved" warning


async def _by_crn(ctx: RequestContext, prisoners: Sequence[Prisoner], wanted: Collection[str],
                  primed: asyncio.Future[None] | None) -> None:
    """Each person's CRN, then at once that person's loads keyed by it.

    nDelius has no batch API, so the CRNs arrive one by one over many round trips under its cap. A person's
    community offender manager and appointments are asked for as soon as their own CRN arrives, so the
    appointments system (its own cap) works while nDelius is still answering for the rest of the page.
    """
    loaders = ctx.loaders
    hops: list[Callable[[str], Awaitable[Any]]] = []
    manager, window = _crn_hops(wanted)
    if manager:
        hops.append(loaders.community_manager_by_crn.load)
    if window is not None:
        start, end = window
        hops.append(lambda crn: loaders.appointments_by_window.load((crn, start, end)))

    def keyed_by(crn: str | None) -> list[Awaitable[Any]]:
        return [hop(crn) for hop in hops] if crn is not None else []

    numbers = [p.prisoner_number for p in prisoners]
    if primed is not None:
        await settle([primed])  # then only keys it did not cover are read below (none, as a rule)
    if not loaders.cached.bypass:
        await _prime_from_cache(loaders, numbers, manager=manager, window=window)
    crns = [loaders.crn_by_prisoner_number.load(number) for number in numbers]
    await settle(await _as_each_settles(crns, keyed_by))


def _crn_hops(wanted: Collection[str]) -> tuple[bool, tuple[date, date] | None]:
    """Which loads keyed by a CRN the fields want: the community manager, and the next appointment's window."""
    window = person_fields.next_window(datetime.now(UTC)) if "nextAppointment" in wanted else None
    return "communityOffenderManager" in wanted, window


async def _prime_from_cache(loaders: Loaders, numbers: Sequence[str], *, manager: bool,
                            window: tuple[date, date] | None) -> None:
    """Settle the page's fresh cache hits in a few reads of the cache, before any per-person load starts.

    On a warm page every CRN and appointment list is a cache hit, yet each one asked for through its per-key
    loader cost a task and a chain of coroutines. Primed, those keys settle with the same values (and the same
    hits reported to the metrics); a miss, a stale copy and a key this request has loaded already go through the
    loader as before. The CRNs known so far (primed, or loaded already, as a probation caller's scope check does)
    key the managers and appointments read next.
    """
    cached = loaders.cached
    crn_loader = loaders.crn_by_prisoner_number
    unasked = crn_loader.unasked(numbers)
    hits = await cached.fresh_crns(unasked)
    cached.report_hits(CRN, crn_loader.prime_many(hits))
    missed = set(unasked).difference(hits)
    settled_crns = (crn_loader.load(n) for n in numbers if n not in missed)  # primed, or loaded already
    known = [crn for crn in dict.fromkeys(f.result() for f in settled_crns if settled(f)) if crn is not None]
    if manager and known:
        managers = loaders.community_manager_by_crn
        found_managers = await cached.fresh_community_managers(managers.unasked(known))
        cached.report_hits(COMMUNITY_MANAGER, managers.prime_many(found_managers))
    if window is not None and known:
        start, end = window
        appointments = loaders.appointments_by_window
        windows = appointments.unasked([(crn, start, end) for crn in known])
        found = await cached.fresh_appointments([crn for crn, _, _ in windows], start, end)
        cached.report_hits(APPOINTMENTS,
                           appointments.prime_many({(crn, start, end): items for crn, items in found.items()}))


def _as_each_settles(futures: Sequence[asyncio.Future[T]],
                     then: Callable[[T], list[Awaitable[Any]]]) -> asyncio.Future[list[Awaitable[Any]]]:
    """Call ``then(value)`` as each future settles with a value, in its done callback (no task per future).

    The returned future is done when every one of ``futures`` is, and holds every load ``then`` started. Once it
    is cancelled (the request went away), nothing more is started.
    """
    done: asyncio.Future[list[Awaitable[Any]]] = asyncio.get_running_loop().create_future()
    started: list[Awaitable[Any]] = []
    remaining = len(futures)

    def on_done(future: asyncio.Future[T]) -> None:
        nonlocal remaining
        remaining -= 1
        if done.done():
            return
        try:
            if settled(future):
                started.extend(then(future.result()))
        finally:
            if remaining == 0:
                done.set_result(started)

    if not futures:
        done.set_result(started)
    for future in futures:
        future.add_done_callback(on_done)
    return done


def next_appointment(ctx: RequestContext, prisoner: Prisoner) -> Appointment | Awaitable[Appointment | None] | None:
    """``person_fields.next_appointment``, answered at once when both hops (CRN, appointments) are loaded."""
    now = datetime.now(UTC)
    crn_future = ctx.loaders.crn_by_prisoner_number.load(prisoner.prisoner_number)
    if settled(crn_future):
        crn = crn_future.result()
        if crn is None:
            return None
        start, end = person_fields.next_window(now)
        found = ctx.loaders.appointments_by_window.load((crn, start, end))
        if settled(found):
            return person_fields.soonest(person_fields.visible(ctx, prisoner, found.result() or []), now)
    return person_fields.next_appointment(ctx, prisoner)
