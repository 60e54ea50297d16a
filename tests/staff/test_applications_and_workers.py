"""ID and bank applications, appointments and worker assignment, as staff record them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.support.graphql import codes, gql
from tests.test_person_slice import complete_case

RECORD_ID = """
mutation($n: ID!, $d: Date!) {
  recordIdApplication(prisonerNumber: $n, documentType: BIRTH_CERTIFICATE, applicationSubmittedDate: $d,
                      costOfApplication: "11.00") { id status version costOfApplication }
}
"""
UPDATE_ID = """
mutation($n: ID!, $id: ID!, $v: Int!) {
  updateIdApplication(prisonerNumber: $n, id: $id, expectedVersion: $v, status: ACCEPTED) { status version }
}
"""
APPLICATIONS = "query($n: ID!) { person(prisonerNumber: $n) { idApplications { documentType status } } }"


async def test_an_id_application_is_recorded_updated_and_guarded_by_version(client, tokens, population):
    number = complete_case(population).prisoner_number
    recorded = await gql(client, tokens["prison-staff"], RECORD_ID, n=number, d=date.today().isoformat())
    application = recorded["data"]["recordIdApplication"]
    assert (application["status"], application["version"], application["costOfApplication"]) == (
        "PENDING", 1, "11.00")

    updated = await gql(client, tokens["prison-staff"], UPDATE_ID, n=number, id=application["id"], v=1)
    stale = await gql(client, tokens["prison-staff"], UPDATE_ID, n=number, id=application["id"], v=1)

    assert updated["data"]["updateIdApplication"] == {"status": "ACCEPTED", "version": 2}
    assert codes(stale) == ["CONFLICT"]
    listed = await gql(client, tokens["prison-staff"], APPLICATIONS, n=number)
    assert listed["data"]["person"]["idApplications"] == [{"documentType": "BIRTH_CERTIFICATE",
                                                           "status": "ACCEPTED"}]


async def test_an_application_dated_in_the_future_is_refused(client, tokens, population):
    number = complete_case(population).prisoner_number
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    body = await gql(client, tokens["prison-staff"], RECORD_ID, n=number, d=tomorrow)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "applicationSubmittedDate"}
    listed = await gql(client, tokens["prison-staff"], APPLICATIONS, n=number)
    assert listed["data"]["person"]["idApplications"] == []


async def test_probation_staff_read_applications_but_cannot_record_them(client, tokens, population):
    number = complete_case(population).prisoner_number
    body = await gql(client, tokens["probation-staff"], RECORD_ID, n=number, d=date.today().isoformat())
    assert codes(body) == ["FORBIDDEN"]


async def test_a_leaver_sees_only_the_status_of_their_applications(client, tokens, population):
    from fixtures.population import person_on_licence_with_appointments

    me = person_on_licence_with_appointments(population).prisoner_number
    await gql(client, tokens["prison-staff"], RECORD_ID, n=me, d=date.today().isoformat())
    status_only = await gql(client, tokens["leaver"], APPLICATIONS, n=me)
    costs = await gql(client, tokens["leaver"],
                      "query($n: ID!) { person(prisonerNumber: $n) { idApplications { costOfApplication } } }", n=me)
    assert status_only["data"]["person"]["idApplications"] == [{"documentType": "BIRTH_CERTIFICATE",
                                                                "status": "PENDING"}]
    assert "FORBIDDEN" in codes(costs) or "GRAPHQL_VALIDATION_FAILED" in codes(costs)


async def test_a_bank_application_moves_through_its_statuses(client, tokens, population):
    number = complete_case(population).prisoner_number
    recorded = await gql(client, tokens["prison-staff"], """
        mutation($n: ID!, $d: Date!) { recordBankApplication(prisonerNumber: $n, bankName: "Example Bank",
                                                             applicationSubmittedDate: $d) { id status version } }
    """, n=number, d=date.today().isoformat())
    application = recorded["data"]["recordBankApplication"]
    moved = await gql(client, tokens["prison-staff"], """
        mutation($n: ID!, $id: ID!) { updateBankApplication(prisonerNumber: $n, id: $id, expectedVersion: 1,
                                                             status: ACCOUNT_OPENED) { status version } }
    """, n=number, id=application["id"])
    assert moved["data"]["updateBankApplication"] == {"status": "ACCOUNT_OPENED", "version": 2}


CREATE_APPOINTMENT = """
mutation($n: ID!, $start: DateTime!, $minutes: Int!) {
  createAppointment(input: {prisonerNumber: $n, type: "Housing advice", start: $start, durationMinutes: $minutes,
                            location: "Probation office, 1 High Street", notes: "Bring ID"}) {
    start delivery { status system }
  }
}
"""


async def test_an_appointment_is_owed_to_the_appointments_system(client, tokens, population):
    number = complete_case(population).prisoner_number
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
    body = await gql(client, tokens["prison-staff"], CREATE_APPOINTMENT, n=number, start=start, minutes=45)
    assert body["data"]["createAppointment"]["delivery"]["system"] == "appointments"
    assert body["data"]["createAppointment"]["delivery"]["status"] in {"PENDING", "DELIVERED"}


async def test_an_appointment_in_the_past_or_without_a_crn_is_refused(client, tokens, population):
    number = complete_case(population).prisoner_number
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    no_crn = next(p for p in population.by_prison["MDI"] if p.crn is None).prisoner_number
    in_past = await gql(client, tokens["prison-staff"], CREATE_APPOINTMENT, n=number, start=past, minutes=30)
    too_long = await gql(client, tokens["prison-staff"], CREATE_APPOINTMENT, n=number, start=future, minutes=600)
    without_crn = await gql(client, tokens["prison-staff"], CREATE_APPOINTMENT, n=no_crn, start=future, minutes=30)
    assert in_past["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "start"}
    assert too_long["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "durationMinutes"}
    assert without_crn["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "prisonerNumber"}


ASSIGN = """
mutation($ns: [ID!]!) { assignWorker(prisonerNumbers: $ns, worker: {staffId: "485926", name: "Sam Worker",
                                                                      username: "SWORKER"}) { staffId name } }
"""
WORKER = "query($n: ID!) { person(prisonerNumber: $n) { resettlementWorker { staffId name } } }"


async def test_workers_are_assigned_to_many_people_at_once_and_unassigned(client, tokens, population):
    numbers = [p.prisoner_number for p in population.by_prison["MDI"][:3]]
    body = await gql(client, tokens["prison-staff"], ASSIGN, ns=numbers)
    assert body["data"]["assignWorker"] == [{"staffId": "485926", "name": "Sam Worker"}] * 3
    seen = await gql(client, tokens["prison-staff"], WORKER, n=numbers[1])
    assert seen["data"]["person"]["resettlementWorker"] == {"staffId": "485926", "name": "Sam Worker"}

    removed = await gql(client, tokens["prison-staff"],
                        "mutation($ns: [ID!]!) { unassignWorker(prisonerNumbers: $ns) }", ns=numbers[:2])
    assert removed["data"]["unassignWorker"] == 2
    gone = await gql(client, tokens["prison-staff"], WORKER, n=numbers[0])
    assert gone["data"]["person"]["resettlementWorker"] is None


async def test_assigning_is_all_or_nothing_when_someone_is_out_of_scope(client, tokens, population):
    mine = population.by_prison["MDI"][5].prisoner_number
    elsewhere = population.by_prison["LEI"][0].prisoner_number
    body = await gql(client, tokens["prison-staff"], ASSIGN, ns=[mine, elsewhere])
    assert codes(body) == ["NOT_FOUND"]
    seen = await gql(client, tokens["prison-staff"], WORKER, n=mine)
    assert seen["data"]["person"]["resettlementWorker"] is None
