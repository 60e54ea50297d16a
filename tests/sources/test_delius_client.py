from __future__ import annotations

import pytest

from fixtures.population import Population, SyntheticPerson
from sources.delius import DeliusClient
from sources.errors import UpstreamNotFound


async def test_crn_by_prisoner_number(delius: DeliusClient, population: Population) -> None:
    with_crn = next(p for p in population.people if p.crn)
    without = next(p for p in population.people if p.crn is None)
    assert await delius.get_crn(with_crn.prisoner_number) == with_crn.crn
    with pytest.raises(UpstreamNotFound):
        await delius.get_crn(without.prisoner_number)


async def test_case_details_and_region(delius: DeliusClient, leaver: SyntheticPerson) -> None:
    assert leaver.crn is not None
    details = await delius.get_case_details(leaver.crn)
    assert details.noms_id == leaver.prisoner_number
    assert details.name.surname == leaver.last_name
    assert details.probation_region is not None and details.probation_region.code == leaver.probation_region
    assert details.main_address is not None and details.main_address.postcode == leaver.contact.address.postcode


async def test_community_manager_allocated_and_unallocated(delius: DeliusClient, population: Population) -> None:
    allocated = next(p for p in population.people if p.crn and p.com)
    unallocated = next(p for p in population.people if p.crn and p.com is None)
    manager = await delius.get_community_manager(allocated.crn or "")
    assert allocated.com is not None and manager.name is not None
    assert (manager.name.surname, manager.unallocated, manager.email) == (
        allocated.com.surname,
        False,
        allocated.com.email,
    )
    nobody = await delius.get_community_manager(unallocated.crn or "")
    assert nobody.unallocated is True and nobody.email is None


async def test_mappa_rosh_and_predictors(delius: DeliusClient, population: Population) -> None:
    person = next(p for p in population.people if p.crn and p.rosh and p.mappa and p.mappa.level > 0)
    assert person.crn is not None and person.mappa is not None and person.rosh is not None
    mappa = await delius.get_mappa(person.crn)
    assert (mappa.level, mappa.category, mappa.is_nominal) == (
        person.mappa.level,
        person.mappa.category,
        False,
    )
    rosh = await delius.get_risk_of_serious_harm(person.crn)
    assert rosh.overall_risk_level == person.rosh.overall
    predictors = await delius.get_risk_predictors(person.crn)
    assert [p.name for p in predictors] == ["OGRS3", "OVP", "RSR"]
