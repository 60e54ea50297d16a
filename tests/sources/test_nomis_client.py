from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fixtures.population import Population, SyntheticPerson
from fixtures.stubs import AppStack, state_of
from sources.errors import UpstreamNotFound
from sources.nomis import BATCH_LIMIT, NomisClient


async def test_prisoners_by_numbers_returns_known_people_in_one_call(
    nomis: NomisClient, population: Population, stack: AppStack
) -> None:
    wanted = [p.prisoner_number for p in population.people[:50]]
    prisoners = await nomis.get_prisoners_by_numbers([*wanted, "Z9999ZZ"])
    assert sorted(p.prisoner_number for p in prisoners) == sorted(wanted)
    assert len(state_of(stack.apps["nomis"]).requests) == 1


async def test_prisoner_carries_release_dates_and_the_display_rule(nomis: NomisClient, population: Population) -> None:
    for person in population.people[:40]:
        prisoner = await nomis.get_prisoner(person.prisoner_number)
        assert (prisoner.first_name, prisoner.cell_location) == (person.first_name, person.cell_location)
        assert prisoner.conditional_release_date == person.conditional_release_date
        assert prisoner.display_release_date == person.release_date


async def test_more_than_the_batch_limit_is_refused_before_any_call(nomis: NomisClient, stack: AppStack) -> None:
    with pytest.raises(ValueError, match="at most 1000"):
        await nomis.get_prisoners_by_numbers([f"A{i:04d}AA" for i in range(BATCH_LIMIT + 1)])
    assert await nomis.get_prisoners_by_numbers([]) == []
    assert state_of(stack.apps["nomis"]).requests == []


async def test_prisoners_in_prison_pages_through_everyone(nomis: NomisClient, population: Population) -> None:
    first = await nomis.get_prisoners_in_prison("MDI", page=0, size=1000)
    second = await nomis.get_prisoners_in_prison("MDI", page=1, size=1000)
    assert first.total_elements == len(population.by_prison["MDI"]) == 1500
    assert (first.total_pages, first.last, second.last) == (2, False, True)
    numbers = [p.prisoner_number for p in (*first.content, *second.content)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 1500


async def test_staff_contacts(nomis: NomisClient, population: Population) -> None:
    person = next(p for p in population.people if p.key_worker and p.prison_offender_manager)
    unallocated = next(p for p in population.people if p.key_worker is None)
    key_worker = await nomis.get_key_worker(person.prisoner_number)
    assert person.key_worker is not None and key_worker.last_name == person.key_worker.surname
    pom = await nomis.get_prison_offender_manager(person.prisoner_number)
    assert person.prison_offender_manager is not None
    assert pom.email == person.prison_offender_manager.email
    with pytest.raises(UpstreamNotFound):
        await nomis.get_key_worker(unallocated.prisoner_number)


async def test_case_note_is_stored_once_per_idempotency_key(
    nomis: NomisClient, leaver: SyntheticPerson, stack: AppStack
) -> None:
    state = state_of(stack.apps["nomis"])
    before = len(state.written.get("case_notes", []))
    kwargs = {
        "type": "RESET",
        "sub_type": "ACCOM",
        "text": "Housing referral made.",
        "occurred_at": datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        "idempotency_key": f"test-{leaver.prisoner_number}-note",
    }
    first = await nomis.post_case_note(leaver.prisoner_number, **kwargs)  # type: ignore[arg-type]
    again = await nomis.post_case_note(leaver.prisoner_number, **kwargs)  # type: ignore[arg-type]
    assert first == again
    notes = state.written["case_notes"]
    assert len(notes) == before + 1
    assert notes[-1]["text"] == "Housing referral made." and notes[-1]["caseNoteId"] == first
