"""Every adapter turns each kind of upstream failure into the same small set of safe errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest

from fixtures.population import SyntheticPerson
from fixtures.stubs import AppStack, Faults, state_of
from sources.appointments import AppointmentsClient
from sources.delius import DeliusClient
from sources.errors import UpstreamBadResponse, UpstreamError, UpstreamNotFound, UpstreamUnavailable
from sources.http import UpstreamClient
from sources.licences import LicencesClient
from sources.nomis import NomisClient, Prisoner

Call = Callable[[Any, SyntheticPerson], Awaitable[object]]
TODAY = date.today()

#: system -> (adapter class, a representative read, the same read for something that does not exist)
READS: dict[str, tuple[type[UpstreamClient], Call, Call]] = {
    "nomis": (
        NomisClient,
        lambda c, p: c.get_prisoner(p.prisoner_number),
        lambda c, p: c.get_prisoner("Z9999ZZ"),
    ),
    "delius": (
        DeliusClient,
        lambda c, p: c.get_community_manager(p.crn),
        lambda c, p: c.get_community_manager("Z999999"),
    ),
    "licences": (
        LicencesClient,
        lambda c, p: c.get_licence(p.licence.licence_id if p.licence else 0),
        lambda c, p: c.get_licence(1),
    ),
    "appointments": (
        AppointmentsClient,
        lambda c, p: c.get_appointments(p.crn, start=TODAY, end=TODAY + timedelta(days=30)),
        lambda c, p: c.get_appointments("Z999999", start=TODAY, end=TODAY),
    ),
}
SYSTEMS = sorted(READS)


@pytest.mark.parametrize("system", SYSTEMS)
async def test_a_healthy_system_answers_and_pings(system: str, make_client: Any, leaver: SyntheticPerson) -> None:
    cls, read, _ = READS[system]
    client = await make_client(cls, system)
    assert await read(client, leaver) is not None
    assert await client.ping() is True


@pytest.mark.parametrize("system", SYSTEMS)
async def test_an_unknown_identifier_is_not_found(system: str, make_client: Any, leaver: SyntheticPerson) -> None:
    cls, _, missing = READS[system]
    with pytest.raises(UpstreamNotFound) as caught:
        await missing(await make_client(cls, system), leaver)
    assert caught.value.system == system


@pytest.mark.parametrize(
    ("faults", "expected", "message"),
    [
        (Faults.failing(503), UpstreamUnavailable, "unavailable: HTTP 503"),
        (Faults.failing(500), UpstreamUnavailable, "unavailable: HTTP 500"),
        (Faults.failing(400), UpstreamBadResponse, "rejected the request: HTTP 400"),
        (Faults(malformed=True), UpstreamBadResponse, "bad response: body is not JSON"),
        (Faults(hang=True), UpstreamUnavailable, "unavailable: timed out"),
    ],
    ids=["503", "500", "400", "malformed", "hang"],
)
@pytest.mark.parametrize("system", SYSTEMS)
async def test_faults_become_short_safe_errors(
    system: str,
    faults: Faults,
    expected: type[UpstreamError],
    message: str,
    stack: AppStack,
    make_client: Any,
    leaver: SyntheticPerson,
) -> None:
    cls, read, _ = READS[system]
    client = await make_client(cls, system, timeout_seconds=0.2)
    state_of(stack.apps[system]).faults = faults
    with pytest.raises(expected) as caught:
        await read(client, leaver)
    assert str(caught.value) == f"{system} {message}"
    assert caught.value.system == system


@pytest.mark.parametrize("system", SYSTEMS)
async def test_a_refused_connection_is_unavailable(
    system: str, make_client: Any, leaver: SyntheticPerson, closed_port_url: str
) -> None:
    cls, read, _ = READS[system]
    client = await make_client(cls, system, url=closed_port_url)
    with pytest.raises(UpstreamUnavailable, match="connection failed"):
        await read(client, leaver)
    assert await client.ping() is False


async def test_a_wrong_shape_is_a_bad_response(nomis: NomisClient, leaver: SyntheticPerson) -> None:
    # A prisoner page is not a prisoner: an answer of the wrong shape must fail as cleanly as bad JSON.
    with pytest.raises(UpstreamBadResponse, match="unexpected shape"):
        await nomis._get(f"/prisoner-search/prison/{leaver.prison_id}", Prisoner, params={"size": "1"})
