"""Recording a pathway status: versions, conflicts, history, case notes and the outbox."""

from __future__ import annotations

import asyncio

from tests.support.graphql import codes, gql
from tests.test_person_slice import complete_case

SET = """
mutation Set($n: ID!, $v: Int!, $note: String!, $status: PathwayStatusCode!) {
  setPathwayStatus(input: {prisonerNumber: $n, pathway: ACCOMMODATION, status: $status,
                           expectedVersion: $v, caseNote: $note}) {
    pathwayStatus { pathway status version updatedBy }
    caseNote { status system reference }
  }
}
"""
READ = """
query($n: ID!) { person(prisonerNumber: $n) {
  pathways { pathway status version history { fromStatus toStatus changedBy } }
  caseNotes(pathway: ACCOMMODATION, first: 50) { totalCount notes { text status } }
} }
"""


async def accommodation(client, token, number):
    body = await gql(client, token, READ, n=number)
    person = body["data"]["person"]
    return next(p for p in person["pathways"] if p["pathway"] == "ACCOMMODATION"), person["caseNotes"]


async def test_recording_a_status_bumps_the_version_and_keeps_history(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, notes_before = await accommodation(client, tokens["prison-staff"], number)

    body = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status="IN_PROGRESS",
                     note="Referred to the housing team; appointment booked.")

    assert "errors" not in body, body
    recorded = body["data"]["setPathwayStatus"]
    assert recorded["pathwayStatus"] == {"pathway": "ACCOMMODATION", "status": "IN_PROGRESS",
                                         "version": before["version"] + 1, "updatedBy": "PRISON_STAFF_DEMO"}
    assert recorded["caseNote"]["system"] == "nomis"
    assert recorded["caseNote"]["status"] in {"PENDING", "DELIVERED"}
    after, notes_after = await accommodation(client, tokens["prison-staff"], number)
    assert after["status"] == "IN_PROGRESS"
    assert len(after["history"]) == len(before["history"]) + 1
    assert after["history"][0]["toStatus"] == "IN_PROGRESS"
    assert notes_after["totalCount"] == notes_before["totalCount"] + 1
    assert notes_after["notes"][0]["text"] == "Referred to the housing team; appointment booked."


async def test_a_stale_version_gets_conflict_with_the_current_state_and_writes_nothing(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, _ = await accommodation(client, tokens["prison-staff"], number)
    first = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status="DONE",
                      note="Housing secured.")
    assert "errors" not in first

    stale = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status="SUPPORT_DECLINED",
                      note="Declined.")

    assert codes(stale) == ["CONFLICT"]
    current = stale["errors"][0]["extensions"]["current"]
    assert (current["status"], current["version"]) == ("DONE", before["version"] + 1)
    after, _ = await accommodation(client, tokens["prison-staff"], number)
    assert after["status"] == "DONE" and len(after["history"]) == len(before["history"]) + 1


async def test_two_concurrent_edits_give_one_success_and_one_conflict(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, _ = await accommodation(client, tokens["prison-staff"], number)
    results = await asyncio.gather(*(
        gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status=status, note=status)
        for status in ("DONE", "SUPPORT_REQUIRED")))
    outcomes = sorted(("errors" in r and codes(r)[0]) or "OK" for r in results)
    assert outcomes == ["CONFLICT", "OK"]
    after, _ = await accommodation(client, tokens["prison-staff"], number)
    assert after["version"] == before["version"] + 1


async def test_bad_input_is_refused_by_field_and_nothing_is_written(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, _ = await accommodation(client, tokens["prison-staff"], number)
    empty_note = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status="DONE",
                           note="   ")
    too_long = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], status="DONE",
                         note="x" * 4001)
    bad_number = await gql(client, tokens["prison-staff"], SET, n="12345", v=0, status="DONE", note="ok")
    assert empty_note["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "caseNote"}
    assert too_long["errors"][0]["extensions"]["field"] == "caseNote"
    assert bad_number["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "prisonerNumber"}
    after, _ = await accommodation(client, tokens["prison-staff"], number)
    assert after == before


async def test_people_out_of_scope_and_read_only_callers_cannot_record(client, tokens, population):
    elsewhere = population.by_prison["LEI"][0].prisoner_number
    mine = complete_case(population).prisoner_number
    out_of_scope = await gql(client, tokens["prison-staff"], SET, n=elsewhere, v=0, status="DONE", note="x")
    integrator = await gql(client, tokens["integrator"], SET, n=mine, v=0, status="DONE", note="x")
    leaver = await gql(client, tokens["leaver"], SET, n=mine, v=0, status="DONE", note="x")
    assert codes(out_of_scope) == ["NOT_FOUND"]
    assert codes(integrator) in (["FORBIDDEN"], ["GRAPHQL_VALIDATION_FAILED"])  # read-only contract
    assert codes(leaver) in (["FORBIDDEN"], ["GRAPHQL_VALIDATION_FAILED"])  # not in the leaver's contract


async def test_probation_staff_case_notes_are_owed_to_ndelius(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, _ = await accommodation(client, tokens["probation-staff"], number)
    body = await gql(client, tokens["probation-staff"], SET, n=number, v=before["version"], status="IN_PROGRESS",
                     note="Approved premises referral made.")
    assert body["data"]["setPathwayStatus"]["caseNote"]["system"] == "delius"


async def test_a_value_outside_an_enum_is_bad_user_input_naming_the_field(client, tokens, population):
    number = complete_case(population).prisoner_number
    body = await gql(client, tokens["prison-staff"], SET, n=number, v=0, status="FINISHED", note="x")
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "status"}
    missing = await client.post("/graphql", json={"query": SET, "variables": {"n": number, "v": 0, "note": "x"}},
                                headers={"Authorization": f"Bearer {tokens['prison-staff']}"})
    assert missing.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "status"}


async def test_a_status_read_back_carries_the_time_it_was_recorded_in_utc(client, tokens, population):
    number = complete_case(population).prisoner_number
    before, _ = await accommodation(client, tokens["prison-staff"], number)
    body = await gql(client, tokens["prison-staff"], """
        mutation($n: ID!, $v: Int!) { setPathwayStatus(input: {prisonerNumber: $n, pathway: ACCOMMODATION,
          status: DONE, expectedVersion: $v, caseNote: "Tenancy signed."}) { pathwayStatus { updatedAt } } }
        """, n=number, v=before["version"])
    recorded_at = body["data"]["setPathwayStatus"]["pathwayStatus"]["updatedAt"]

    read = await gql(client, tokens["prison-staff"], """
        query($n: ID!) { person(prisonerNumber: $n) { pathways { pathway updatedAt history { changedAt } } }
                         people(prisonerNumbers: [$n]) { pathways { pathway updatedAt } } }
        """, n=number)
    [accommodation_now] = [p for p in read["data"]["person"]["pathways"] if p["pathway"] == "ACCOMMODATION"]
    [in_people] = [p for p in read["data"]["people"][0]["pathways"] if p["pathway"] == "ACCOMMODATION"]

    assert recorded_at.endswith("+00:00"), recorded_at
    assert accommodation_now["updatedAt"] == in_people["updatedAt"] == recorded_at
    assert accommodation_now["history"][0]["changedAt"] == recorded_at
