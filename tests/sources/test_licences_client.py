from __future__ import annotations

from fixtures.population import Population, SyntheticPerson
from sources.licences import LicencesClient


async def test_match_returns_summaries_with_parsed_uk_dates(licences: LicencesClient, population: Population) -> None:
    people = population.people[:300]
    summaries = await licences.match_licences([p.prisoner_number for p in people])
    expected = {p.prisoner_number: p.licence for p in people if p.licence is not None}
    assert {s.nomis_id for s in summaries} == set(expected)
    for summary in summaries:
        licence = expected[summary.nomis_id]
        assert licence is not None
        assert (summary.licence_id, summary.licence_status) == (licence.licence_id, licence.status)
        assert summary.licence_start_date == licence.start_date
        assert summary.date_created == licence.date_created


async def test_licence_has_all_three_kinds_of_condition(licences: LicencesClient, leaver: SyntheticPerson) -> None:
    assert leaver.licence is not None
    licence = await licences.get_licence(leaver.licence.licence_id)
    assert (licence.status_code, licence.noms_id) == ("ACTIVE", leaver.prisoner_number)
    assert licence.licence_start_date == leaver.licence.start_date
    assert licence.licence_expiry_date == leaver.licence.expiry_date
    assert licence.standard_licence_conditions and licence.additional_licence_conditions
    assert [b.text for b in licence.bespoke_conditions] == list(leaver.licence.bespoke_conditions)
    assert licence.additional_licence_conditions[0].expanded_text
    assert licence.version == "1.0"
