"""Who runs which persisted operation with what, for the differential tests of the planned executor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fixtures.population import Population, SyntheticPerson, person_on_licence_with_appointments
from fixtures.stubs.runner import AppStack
from gateway.settings import Settings
from schema.types.pathway import encode_cursor
from tests.perf.planned_runs import Answer, Case, Opened, Step, Variables, run_cases
from tests.test_person_slice import complete_case

MISSING = "Z9999ZZ"  # a well-formed prisoner number nobody has
WORKER = {"staffId": "485926", "name": "Sam Worker", "username": "SWORKER"}


@dataclass(frozen=True, slots=True)
class People:
    """The people the cases ask about."""

    complete: SyntheticPerson  # MDI, with a CRN, a COM, a licence and an upcoming appointment
    without_crn: SyntheticPerson  # MDI, unknown to nDelius
    elsewhere: SyntheticPerson  # LEI: outside the prison staff's caseload and the probation staff's region
    leaver: SyntheticPerson  # the demo leaver, linked to tokens["leaver"] by the seed
    workers: tuple[str, ...]  # MDI people given WORKER before the runs

    @classmethod
    def of(cls, population: Population) -> People:
        complete = complete_case(population, untouched=True)
        mdi = population.by_prison["MDI"]
        return cls(complete=complete, without_crn=next(p for p in mdi if p.crn is None),
                   elsewhere=population.by_prison["LEI"][0], leaver=person_on_licence_with_appointments(population),
                   workers=(complete.prisoner_number, *(p.prisoner_number for p in mdi[:3])))

    def numbers(self, population: Population) -> list[str]:
        """A page of people: in and out of scope, one who does not exist, and a repeat."""
        mdi = [p.prisoner_number for p in population.by_prison["MDI"][:12]]
        others = [p.prisoner_number for p in population.people if p.prison_id != "MDI"][:6]
        return [*mdi, *others, MISSING, mdi[0]]


PERSON_OPERATIONS = ("PersonHeader", "PersonContacts", "PersonLicence", "PersonPathways", "PersonRisk",
                     "PersonApplications", "PersonCaseNotes", "PersonAppointments", "PlanYourFuturePack",
                     "PersonSlice", "BenchPersonOverview")


def query_cases(population: Population, people: People) -> list[Case]:
    """Every persisted query, as callers who may run it, about people in and out of their scope."""
    today = date.today()
    month_ago, year_ago, year_on = (today - timedelta(days=d) for d in (30, 365, -365))
    cases: list[Case] = []
    for name in PERSON_OPERATIONS:
        extra: Variables = {"from": month_ago.isoformat()} if name in ("PersonAppointments",
                                                                        "PlanYourFuturePack") else {}
        asked = [("with a CRN", people.complete), ("without a CRN", people.without_crn),
                 ("outside scope", people.elsewhere)]
        for persona in ("prison-staff", "probation-staff"):
            for label, person in asked:
                main = persona == "prison-staff" and person is people.complete
                cases.append(Case(name, persona, {"prisonerNumber": person.prisoner_number, **extra},
                                  f"{name} {persona} {label}", main=main))
        cases.append(Case(name, "prison-staff", {"prisonerNumber": MISSING, **extra}, f"{name} nobody"))
    cases += [
        Case("BenchPersonOverview", "prison-leader", {"prisonerNumber": people.complete.prisoner_number},
             "BenchPersonOverview prison-leader"),
        Case("PersonCaseNotes", "prison-staff", {"prisonerNumber": people.complete.prisoner_number,
                                                 "pathway": "ACCOMMODATION"}, "PersonCaseNotes one pathway"),
        Case("PersonCaseNotes", "prison-staff", {"prisonerNumber": people.complete.prisoner_number,
                                                 "after": encode_cursor(2)}, "PersonCaseNotes second page"),
    ]
    numbers = people.numbers(population)
    cases += [Case("BenchPeople", persona, {"prisonerNumbers": numbers}, f"BenchPeople {persona}",
                   main=persona == "integrator") for persona in ("integrator", "prison-staff", "probation-staff")]
    caseload: Variables = {"prisonId": "MDI", "sort": "RELEASE_DATE", "descending": False}
    surname = population.by_prison["MDI"][7].last_name
    cases += [
        Case("Caseload", "prison-staff", caseload, "Caseload first page", main=True),
        Case("Caseload", "prison-staff", {**caseload, "after": encode_cursor(20), "sort": "NAME", "descending": True},
             "Caseload second page by name"),
        Case("Caseload", "prison-staff", {**caseload, "releaseWithinDays": 84, "pathway": "ACCOMMODATION",
                                          "status": "IN_PROGRESS", "sort": "PATHWAY_PROGRESS"},
             "Caseload filtered by pathway status"),
        Case("Caseload", "prison-staff", {**caseload, "assignedWorker": WORKER["staffId"], "sort": "WORKER"},
             "Caseload of one worker"),
        Case("Caseload", "prison-staff", {**caseload, "unassigned": True, "sort": "LAST_UPDATED"},
             "Caseload unassigned"),
        Case("Caseload", "prison-staff", {**caseload, "search": surname, "sort": "RELEASE_ELIGIBILITY"},
             "Caseload search"),
        Case("Caseload", "prison-staff", {**caseload, "prisonId": "LEI"}, "Caseload outside scope"),
        Case("Caseload", "probation-staff", caseload, "Caseload probation-staff"),
        Case("BenchStack", "prison-leader", {}, "BenchStack", main=True),
        Case("BenchCaseload", "prison-leader", {"prisonId": "MDI"}, "BenchCaseload", main=True),
        Case("Dashboard", "prison-leader", {"prisonId": "MDI"}, "Dashboard", main=True),
        Case("Dashboard", "prison-staff", {"prisonId": "MDI"}, "Dashboard without the reports role"),
        Case("Dashboard", "prison-leader", {"prisonId": "LEI"}, "Dashboard outside scope"),
        Case("BenchDashboard", "prison-leader", {"prisonId": "MDI"}, "BenchDashboard", main=True),
        Case("BenchNationalDashboard", "national-leader", {}, "BenchNationalDashboard", main=True),
        Case("BenchNationalDashboard", "prison-leader", {}, "BenchNationalDashboard without the role"),
        Case("WorkerLoad", "prison-staff", {"prisonId": "MDI"}, "WorkerLoad", main=True),
        Case("WorkerLoad", "prison-staff", {"prisonId": "LEI"}, "WorkerLoad outside scope"),
        Case("LeaverAppointments", "leaver", {"from": year_ago.isoformat(), "to": year_on.isoformat()},
             "LeaverAppointments", main=True),
        Case("LeaverAppointments", "leaver", {"from": year_on.isoformat(), "to": year_on.isoformat()},
             "LeaverAppointments none in the window"),
        Case("LeaverLicence", "leaver", {}, "LeaverLicence", main=True),
        Case("LeaverOverview", "leaver", {}, "LeaverOverview", main=True),
        Case("LeaverProfile", "leaver", {}, "LeaverProfile", main=True),
        Case("LeaverTodos", "leaver", {}, "LeaverTodos", main=True),
    ]
    return cases


# Queries left out, each with why. Empty: every persisted query is covered.
NOT_COVERED: dict[str, str] = {}


def fault_cases(population: Population, people: People) -> list[Case]:
    numbers = people.numbers(population)
    person = {"prisonerNumber": people.complete.prisoner_number}
    return [
        Case("BenchPersonOverview", "prison-staff", person, "overview"),
        Case("BenchPersonOverview", "prison-staff", {"prisonerNumber": people.without_crn.prisoner_number},
             "overview without a CRN"),
        Case("PlanYourFuturePack", "prison-staff", {**person, "from": (date.today() - timedelta(days=30)).isoformat()},
             "pack"),
        Case("PersonSlice", "probation-staff", person, "slice as probation-staff"),
        Case("BenchPeople", "prison-staff", {"prisonerNumbers": numbers}, "people"),
        Case("BenchPeople", "integrator", {"prisonerNumbers": numbers}, "people as integrator"),
        Case("Caseload", "prison-staff", {"prisonId": "MDI", "sort": "NAME", "descending": False}, "caseload"),
        Case("LeaverOverview", "leaver", {}, "leaver overview"),
    ]


def mutation_steps(people: People) -> list[Step]:
    """A staff member's edits, each after the answers before it (versions and ids come from those)."""
    number = people.complete.prisoner_number
    person = {"prisonerNumber": number}
    today = date.today().isoformat()
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)

    def accommodation(answers: dict[str, Answer]) -> dict[str, Any]:
        pathways = answers["read pathways"].data["person"]["pathways"]
        return dict(next(p for p in pathways if p["pathway"] == "ACCOMMODATION"))

    def set_status(label: str, status: str, note: str, version: Callable[[dict[str, Answer]], int]) -> Step:
        return lambda a: Case("SetPathwayStatus", "prison-staff", {"input": {
            **person, "pathway": "ACCOMMODATION", "status": status, "expectedVersion": version(a),
            "caseNote": note}}, label)

    def id_application(answers: dict[str, Answer]) -> str:
        return str(answers["record id application"].data["recordIdApplication"]["id"])

    return [
        lambda a: Case("PersonPathways", "prison-staff", person, "read pathways"),
        set_status("set status", "IN_PROGRESS", "Referred to the housing team.", lambda a: accommodation(a)["version"]),
        set_status("stale status", "DONE", "Housing secured.", lambda a: accommodation(a)["version"]),
        set_status("empty note", "DONE", "", lambda a: accommodation(a)["version"] + 1),
        lambda a: Case("RecordIdApplication", "prison-staff", {
            **person, "documentType": "PASSPORT", "applicationSubmittedDate": today, "costOfApplication": "82.50",
            "isPriorityApplication": False}, "record id application"),
        lambda a: Case("UpdateIdApplication", "prison-staff", {
            **person, "id": id_application(a), "expectedVersion": 1, "status": "ACCEPTED"}, "update id application"),
        lambda a: Case("UpdateIdApplication", "prison-staff", {
            **person, "id": id_application(a), "expectedVersion": 1, "status": "REJECTED"}, "stale id application"),
        lambda a: Case("AssignWorker", "prison-staff", {"prisonerNumbers": [number], "worker": WORKER}, "assign"),
        lambda a: Case("AssignWorker", "prison-staff", {
            "prisonerNumbers": [number, people.elsewhere.prisoner_number], "worker": WORKER}, "assign out of scope"),
        lambda a: Case("CreateAppointment", "prison-staff", {"input": {
            **person, "type": "Housing advice", "start": start.isoformat(), "durationMinutes": 45,
            "location": "Probation office, 1 High Street", "notes": "Bring ID"}}, "create appointment"),
        lambda a: Case("SetPathwayStatus", "probation-staff", {"input": {
            "prisonerNumber": people.elsewhere.prisoner_number, "pathway": "HEALTH", "status": "DONE",
            "expectedVersion": 0, "caseNote": "Registered with a GP."}}, "set status outside scope"),
        lambda a: Case("PersonPathways", "prison-staff", person, "pathways after"),
        lambda a: Case("PersonCaseNotes", "prison-staff", {**person, "pathway": "ACCOMMODATION"}, "notes after"),
        lambda a: Case("PersonApplications", "prison-staff", person, "applications after"),
        lambda a: Case("WorkerLoad", "prison-staff", {"prisonId": "MDI"}, "workers after"),
    ]


async def prepare(settings: Settings, stack: AppStack, tokens: dict[str, str], people: People,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Data beyond the seed, so that the applications, workers, to-dos and licence-seen fields have something to
    show; through the clients' own persisted mutations."""
    licence = people.leaver.licence
    assert licence is not None
    today = date.today().isoformat()
    number = people.complete.prisoner_number
    setup = [
        Case("AssignWorker", "prison-staff", {"prisonerNumbers": list(people.workers), "worker": WORKER}, "worker"),
        Case("RecordIdApplication", "prison-staff", {
            "prisonerNumber": number, "documentType": "BIRTH_CERTIFICATE", "applicationSubmittedDate": today,
            "costOfApplication": "11.00", "isPriorityApplication": True}, "id application"),
        Case("RecordBankApplication", "prison-staff", {
            "prisonerNumber": number, "bankName": "Example Bank", "applicationSubmittedDate": today}, "bank"),
        Case("LeaverAddTodo", "leaver", {"title": "Register with a GP", "notes": "Take the letter",
                                         "dueDate": today}, "todo"),
        Case("LeaverConfirmLicenceSeen", "leaver", {"licenceId": str(licence.licence_id),
                                                    "version": licence.version}, "licence seen"),
    ]
    answers = await run_cases(Opened(settings, stack, tokens), setup, monkeypatch)
    for label, answer in answers.items():
        assert answer.errors == [] and answer.data, (label, answer.errors)
