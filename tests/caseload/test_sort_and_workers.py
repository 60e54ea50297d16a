"""The caseload's other sortable columns (release eligibility, pathway progress, worker) and the prison's
workers with their capacity, checked against an independent reckoning from the population and the seed."""

from __future__ import annotations

from datetime import date

import pytest

from fixtures.population import SyntheticPerson
from sources.store import allocations
from sources.store.allocations import Worker
from sources.store.db import Database
from tests.caseload.conftest import ALICE, BOB, PATHWAYS, Reckoning, by_release_date, due_within
from tests.caseload.test_caseload import caseload, walk
from tests.support.graphql import gql

COMPLETE = {"SUPPORT_NOT_REQUIRED", "SUPPORT_DECLINED", "DONE"}
WORKERS = "query($id: ID!) { prison(id: $id) { workers { staffId name username assignedCount } } }"
ASSIGN = """mutation($numbers: [ID!]!, $worker: WorkerInput!) {
  assignWorker(prisonerNumbers: $numbers, worker: $worker) { staffId } }"""
UNASSIGN = "mutation($numbers: [ID!]!) { unassignWorker(prisonerNumbers: $numbers) }"


def soon(reckoning: Reckoning) -> list[SyntheticPerson]:
    return sorted((p for p in reckoning.mdi if due_within(p, 84)), key=lambda p: p.prisoner_number)


def eligibility(person: SyntheticPerson) -> date | None:
    dates = [d for d in (person.home_detention_curfew_eligibility_date, person.parole_eligibility_date) if d]
    return min(dates, default=None)


def ordered(people: list[SyntheticPerson], key, *, descending: bool) -> list[str]:
    """Sorted on key (nulls last either way), ties by prisoner number ascending, as the schema documents."""
    known = [p for p in people if key(p) is not None]
    known.sort(key=lambda p: p.prisoner_number)
    known.sort(key=key, reverse=descending)
    return [p.prisoner_number for p in known] + [p.prisoner_number for p in people if key(p) is None]


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_by_release_eligibility_uses_the_earlier_of_hdced_and_ped(client, tokens, reckoning, descending):
    people = soon(reckoning)
    assert any(eligibility(p) for p in people) and any(not eligibility(p) for p in people)
    assert any(p.parole_eligibility_date and eligibility(p) == p.parole_eligibility_date for p in people)

    got = await walk(client, tokens["prison-staff"], days=84, sort="RELEASE_ELIGIBILITY", descending=descending,
                     first=100)

    assert got == ordered(people, eligibility, descending=descending)


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_by_pathway_progress_counts_complete_then_started(client, tokens, reckoning, descending):
    def progress(p: SyntheticPerson) -> tuple[int, int]:
        statuses = [reckoning.status(p.prisoner_number, w) for w in PATHWAYS]
        return sum(s in COMPLETE for s in statuses), sum(s != "NOT_STARTED" for s in statuses)

    people = soon(reckoning)
    assert len({progress(p)[0] for p in people}) > 2, "the seed spreads progress, so the order means something"

    got = await walk(client, tokens["prison-staff"], days=84, sort="PATHWAY_PROGRESS", descending=descending,
                     first=100)

    assert got == ordered(people, progress, descending=descending)
    page = await caseload(client, tokens["prison-staff"], days=84, sort="PATHWAY_PROGRESS", descending=descending)
    shown = [sum(p["status"] in COMPLETE for p in e["node"]["pathways"]) for e in page["edges"]]
    assert shown == sorted(shown, reverse=descending)  # what the Pathways column shows, in order


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_by_worker_puts_unassigned_last_and_pages_never_overlap(client, tokens, reckoning, descending):
    people = soon(reckoning)

    def worker(p: SyntheticPerson) -> tuple[str, str] | None:
        w = reckoning.assigned.get(p.prisoner_number)
        return (w.name, w.staff_id) if w else None

    expected = ordered(people, worker, descending=descending)
    assert await walk(client, tokens["prison-staff"], days=84, sort="WORKER", descending=descending,
                      first=100) == expected
    small_pages = await walk(client, tokens["prison-staff"], days=84, sort="WORKER", descending=descending, first=7)
    assert small_pages == expected
    first_names = [reckoning.assigned[n].name for n in expected[:8]]
    assert first_names == (["Alice Smith"] * 5 + ["Bob Jones"] * 3 if not descending
                           else ["Bob Jones"] * 3 + ["Alice Smith"] * 5)


async def test_workers_show_their_capacity_and_it_follows_each_assignment(client, tokens, reckoning: Reckoning):
    staff = tokens["prison-staff"]

    async def workers() -> list[tuple[str, str, int]]:
        body = await gql(client, staff, WORKERS, id="MDI")
        assert "errors" not in body, body
        return [(w["staffId"], w["name"], w["assignedCount"]) for w in body["data"]["prison"]["workers"]]

    assert await workers() == [(ALICE.staff_id, ALICE.name, 5), (BOB.staff_id, BOB.name, 3)]

    alices = [n for n, w in reckoning.assigned.items() if w == ALICE]
    moved = await gql(client, staff, ASSIGN, numbers=alices[:2],
                      worker={"staffId": BOB.staff_id, "name": BOB.name, "username": BOB.username})
    assert "errors" not in moved, moved
    assert await workers() == [(ALICE.staff_id, ALICE.name, 3), (BOB.staff_id, BOB.name, 5)]

    newcomer = [p.prisoner_number for p in by_release_date(reckoning.mdi) if p.prisoner_number
                not in reckoning.assigned][:4]
    added = await gql(client, staff, ASSIGN, numbers=newcomer,
                      worker={"staffId": "PRISON_STAFF_DEMO", "name": "Pat Prison", "username": "PRISON_STAFF_DEMO"})
    assert "errors" not in added, added
    bobs = [n for n, w in reckoning.assigned.items() if w == BOB] + alices[:2]
    assert "errors" not in await gql(client, staff, UNASSIGN, numbers=bobs)

    # Bob's people are all unassigned now, yet he is still listed, with spare capacity.
    assert await workers() == [(ALICE.staff_id, ALICE.name, 3), (BOB.staff_id, BOB.name, 0),
                               ("PRISON_STAFF_DEMO", "Pat Prison", 4)]


async def test_a_worker_with_people_only_in_another_prison_is_not_listed(client, tokens, seeded, reckoning):
    elsewhere = reckoning.population.by_prison["LEI"][0].prisoner_number
    database = Database(seeded.database_url)
    try:
        async with database.session() as session:
            await allocations.assign(session=session, prisoner_numbers=[elsewhere], by="lead",
                                     worker=Worker(staff_id="999001", username="LEI_ONLY", name="Lei Only"))
            await session.commit()
    finally:
        await database.dispose()

    for prison, expected in (("MDI", [ALICE.staff_id, BOB.staff_id]), ("LEI", ["999001"])):
        body = await gql(client, tokens["integrator"], WORKERS, id=prison)  # integrators may read any prison
        assert [w["staffId"] for w in body["data"]["prison"]["workers"]] == expected


async def test_workers_are_refused_to_those_who_may_not_see_the_prison(client, tokens, reckoning):
    assert (await gql(client, tokens["prison-staff"], WORKERS, id="LEI"))["data"] == {"prison": None}
    leader = await gql(client, tokens["prison-leader"], WORKERS, id="MDI")
    assert "errors" not in leader and leader["data"]["prison"]["workers"][0]["assignedCount"] == 5
    probation = await gql(client, tokens["probation-staff"], WORKERS, id="MDI")
    assert probation["data"] == {"prison": None} and "errors" not in probation
