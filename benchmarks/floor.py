"""The floor: a hand-written aiohttp aggregator serving each workload's JSON with the fewest upstream calls.

Same batching and concurrency as the gateway (one NOMIS batch POST, one CVL match POST, per-person nDelius
and appointments calls concurrently under a cap of 16 per system, one SQL query per table) and no GraphQL. As
in the gateway, the calls keyed by a person's CRN start as soon as that CRN is in, while nDelius still answers
for the others. PERSON_SCOPED: as the gateway must, the floor makes a per-person call (nDelius, appointments,
a prisoner's key worker or POM) only for someone NOMIS has answered for: for a number NOMIS does not know,
that call would be an extra one. Batch calls (CVL's match) and SQL, whose count does not change, start at once.
Upstream JSON is read with the adapters' models, where upstream field names are mapped. Run as
``python -m benchmarks.floor --port N --database-url URL --nomis URL ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, TypeVar, cast

import orjson
import uvloop
from aiohttp import ClientSession, ClientTimeout, web
from pydantic import TypeAdapter
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import floor_shapes as shape
from benchmarks.floor_sql import FloorSql
from sources.appointments.models import Appointment, AppointmentList
from sources.delius.models import CommunityManager, CrnLookup, Mappa, RiskOfSeriousHarm, RiskPredictor
from sources.licences.models import LicenceSummary
from sources.nomis.models import Prisoner, PrisonStaff
from sources.store.db import Database

T = TypeVar("T")
CAP = 16
SQL = {
    "statuses": "SELECT prisoner_number, pathway, status, version FROM pathway_status WHERE prisoner_number IN :n",
    "workers": "SELECT prisoner_number, staff_id, staff_name, staff_username FROM case_allocation "
               "WHERE prisoner_number IN :n AND unallocated_at IS NULL",
    "id_apps": "SELECT id, status FROM id_application WHERE prisoner_number IN :n ORDER BY created_at DESC, id DESC",
    "bank_apps": "SELECT id, status FROM bank_application WHERE prisoner_number IN :n "
                 "ORDER BY created_at DESC, id DESC",
}


@cache
def _adapter(kind: Hashable) -> TypeAdapter[Any]:
    return TypeAdapter(cast(Any, kind))


class Floor:
    def __init__(self, urls: dict[str, str], engine: AsyncEngine) -> None:
        self.urls, self.engine = urls, engine
        self.http = ClientSession(timeout=ClientTimeout(total=5))
        self.caps = {system: asyncio.Semaphore(CAP) for system in urls}
        self.cache: dict[tuple[str, ...], asyncio.Future[Any]] = {}
        self.sql = FloorSql(engine)

    async def call(self, system: str, path: str, kind: Any, body: Any = None, **params: str) -> Any:
        """One upstream call; a 404 is None."""
        async with self.caps[system]:
            method = self.http.post if body is not None else self.http.get
            async with method(self.urls[system] + path, json=body, params=params or None) as response:
                if response.status == 404:
                    return None
                response.raise_for_status()
                return _adapter(kind).validate_python(orjson.loads(await response.read()))

    async def cached(self, key: tuple[str, ...], load: Callable[[], Awaitable[T]]) -> T:
        """One call per key until ``/__flush``: a caller asking while it is in flight shares it; a failure is
        not kept."""
        found: asyncio.Future[T] | None = self.cache.get(key)
        if found is None:
            found = self.cache[key] = asyncio.ensure_future(load())
            found.add_done_callback(lambda done: self._forget_failure(key, done))
        return await found

    def _forget_failure(self, key: tuple[str, ...], done: asyncio.Future[Any]) -> None:
        if (done.cancelled() or done.exception() is not None) and self.cache.get(key) is done:
            del self.cache[key]

    async def crn(self, number: str) -> str | None:
        async def load() -> str | None:
            found = await self.call("delius", f"/probation-cases/{number}/crn", CrnLookup)
            return None if found is None else found.crn
        return await self.cached(("crn", number), load)

    async def appointments(self, crn: str | None, now: datetime) -> list[Appointment] | None:
        if crn is None:
            return None
        start, end = now.date().isoformat(), (now + timedelta(days=365)).date().isoformat()
        found = await self.cached(("appointments", crn, start, end), lambda: self.call(
            "appointments", f"/appointments/{crn}", AppointmentList, startDate=start, endDate=end))
        return None if found is None else list(found.results)

    async def prisoners(self, numbers: list[str]) -> dict[str, Prisoner]:
        found = await self.call("nomis", "/prisoner-search/prisoner-numbers", list[Prisoner],
                                {"prisonerNumbers": numbers})
        return {p.prisoner_number: p for p in found}

    async def rows(self, name: str, numbers: list[str]) -> list[Any]:
        async with self.engine.connect() as connection:
            query = text(SQL[name]).bindparams(bindparam("n", expanding=True))
            return list(await connection.execute(query, {"n": numbers}))

    async def people(self, numbers: list[str], *, full: bool = False,
                     prisoners: asyncio.Future[dict[str, Prisoner]] | None = None) -> list[shape.Json]:
        """``prisoners``: NOMIS's answer for ``numbers`` when the caller has already asked for it."""
        numbers = list(dict.fromkeys(numbers))
        now = datetime.now(UTC)
        if prisoners is None:
            prisoners = asyncio.ensure_future(self.prisoners(numbers))

        async def crn_then_appointments(number: str) -> tuple[str | None, list[Appointment] | None]:
            """nDelius is asked only about people NOMIS knows (PERSON_SCOPED); a person's appointments as soon as
            their own CRN is in."""
            if number not in await prisoners:
                return None, None
            crn = await self.crn(number)
            return crn, await self.appointments(crn, now)

        licences, by_crn, statuses, workers = await asyncio.gather(
            self.call("licences", "/licence/match", list[LicenceSummary], {"nomsId": numbers}),
            asyncio.gather(*(crn_then_appointments(n) for n in numbers)), self.rows("statuses", numbers),
            self.rows("workers", numbers))
        found = await prisoners
        latest = shape.latest_licences(licences)
        by_person: dict[str, dict[str, tuple[str, int]]] = {}
        for row in statuses:
            by_person.setdefault(row.prisoner_number, {})[row.pathway] = (row.status, row.version)
        worker = {row.prisoner_number: row for row in workers}
        out = []
        for number, (crn, found_appointments) in zip(numbers, by_crn, strict=True):
            if number not in found:
                continue
            p, w = found[number], worker.get(number)
            item: shape.Json = {
                "prisonerNumber": number, "firstName": p.first_name, "lastName": p.last_name,
                "dateOfBirth": p.date_of_birth.isoformat(), "prisonId": p.prison_id}
            if full:
                item |= {"prisonName": p.prison_name, "cellLocation": p.cell_location}
            item |= {"releaseDate": shape._iso(p.display_release_date), "crn": crn}
            item |= {"licence": shape.licence(latest.get(number), full=full),
                     "nextAppointment": shape.next_appointment(found_appointments, now, full=full),
                     "pathways": shape.pathways(by_person.get(number, {}), full=full)}
            if full:
                item["resettlementWorker"] = None if w is None else {
                    "staffId": w.staff_id, "name": w.staff_name, "username": w.staff_username}
            else:
                item["resettlementWorker"] = None if w is None else {"name": w.staff_name}
            out.append(item)
        return out

    async def person(self, number: str) -> shape.Json | None:
        prisoners = asyncio.ensure_future(self.prisoners([number]))

        async def known(call: Awaitable[T]) -> T | None:
            """A per-person call made only once NOMIS has said the person exists (PERSON_SCOPED)."""
            if number not in await prisoners:
                if inspect.iscoroutine(call):
                    call.close()
                return None
            return await call

        base, (manager, risk), pom, key_worker, ids, banks = await asyncio.gather(
            self.people([number], full=True, prisoners=prisoners), self.probation(number, prisoners),
            known(self.call("nomis", f"/prisoner/{number}/prison-offender-manager", PrisonStaff)),
            known(self.call("nomis", f"/prisoner/{number}/key-worker", PrisonStaff)),
            self.rows("id_apps", [number]), self.rows("bank_apps", [number]))
        if not base:
            return None
        item = base[0]
        ordered = {k: item[k] for k in ("prisonerNumber", "firstName", "lastName", "dateOfBirth", "prisonId",
                                        "prisonName", "cellLocation", "releaseDate", "crn")}
        return ordered | {
            "communityOffenderManager": shape.community_manager(manager),
            "prisonOffenderManager": shape.prison_staff(pom), "keyWorker": shape.prison_staff(key_worker),
            "resettlementWorker": item["resettlementWorker"], "risk": risk, "licence": item["licence"],
            "nextAppointment": item["nextAppointment"], "pathways": item["pathways"],
            "idApplications": [{"id": str(r.id), "status": r.status} for r in ids],
            "bankApplications": [{"id": str(r.id), "status": r.status} for r in banks]}

    async def probation(self, number: str, prisoners: asyncio.Future[dict[str, Prisoner]],
                        ) -> tuple[CommunityManager | None, shape.Json | None]:
        """A person's community offender manager and risk, asked for as soon as their CRN is in (and only for
        someone NOMIS knows), while the appointments system answers for the same CRN."""
        if number not in await prisoners:
            return None, None
        crn = await self.crn(number)
        if crn is None:
            return None, None
        manager, rosh, mappa, predictors = await asyncio.gather(
            self.cached(("com", crn), lambda: self.call(
                "delius", f"/probation-cases/{crn}/community-manager", CommunityManager)),
            self.call("delius", f"/probation-cases/{crn}/risk/rosh", RiskOfSeriousHarm, audience="staff"),
            self.cached(("mappa", crn), lambda: self.call("delius", f"/probation-cases/{crn}/mappa", Mappa)),
            self.call("delius", f"/probation-cases/{crn}/risk/predictors", list[RiskPredictor]))
        return manager, {
            "riskOfSeriousHarm": None if rosh is None else {"overall": rosh.overall_risk_level},
            "mappa": None if mappa is None else {"level": mappa.level, "category": mappa.category},
            "predictors": [{"name": r.name, "score": r.score, "level": r.level} for r in predictors or []]}


FLOOR = web.AppKey("floor", Floor)


async def _handle(request: web.Request) -> web.Response:
    floor, variables = request.app[FLOOR], await request.json()
    operation = request.match_info["operation"]
    if operation == "BenchStack":
        data: Any = {"__typename": "Query"}
    elif operation == "BenchPersonOverview":
        data = {"person": await floor.person(variables["prisonerNumber"])}
    elif operation == "BenchPeople":
        data = {"people": await floor.people(variables["prisonerNumbers"])}
    elif operation == "BenchCaseload":
        data = await floor.sql.caseload(variables["prisonId"])
    elif operation == "BenchDashboard":
        data = await floor.sql.prison_dashboard(variables["prisonId"])
    elif operation == "BenchNationalDashboard":
        data = await floor.sql.national_dashboard()
    else:
        raise web.HTTPNotFound()
    return web.Response(body=orjson.dumps({"data": data}), content_type="application/json")


async def _flush(request: web.Request) -> web.Response:
    request.app[FLOOR].cache.clear()
    return web.Response(status=204)


async def _ping(_: web.Request) -> web.Response:
    return web.Response(text="UP")


def create_app(urls: dict[str, str], database_url: str) -> web.Application:
    app = web.Application()

    async def lifespan(app: web.Application) -> Any:
        database = Database(database_url)  # the gateway's engine settings: pool, pragmas, Postgres settings
        app[FLOOR] = Floor(urls, database.engine)
        yield
        await app[FLOOR].http.close()
        await database.dispose()

    app.cleanup_ctx.append(lifespan)
    app.router.add_post("/w/{operation}", _handle)
    app.router.add_post("/__flush", _flush)
    app.router.add_get("/ping", _ping)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.floor")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    for system in ("nomis", "delius", "licences", "appointments"):
        parser.add_argument(f"--{system}", required=True)
    args = parser.parse_args()
    urls = {s: getattr(args, s) for s in ("nomis", "delius", "licences", "appointments")}
    # The gateway's runtime too: uvloop (uvicorn picks it up), orjson, adapters built once.
    web.run_app(create_app(urls, args.database_url), host="127.0.0.1", port=args.port, print=None,
                access_log=None, loop=uvloop.new_event_loop())
