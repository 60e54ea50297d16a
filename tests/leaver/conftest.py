"""Helpers for the leaver's side: GraphQL calls as a persona, fresh One Login subjects, and the demo leaver."""

from __future__ import annotations

import base64
import json
import secrets
import urllib.request
from typing import Any

import pytest

from fixtures.idp import one_login
from fixtures.idp.personas import LeaverIdentity
from fixtures.population import Population, SyntheticPerson, person_on_licence_with_appointments
from fixtures.stubs.runner import AppStack
from gateway.settings import Settings
from sources.store.db import Database
from sources.store.leavers import link_account
from tests.support.graphql import codes, gql

__all__ = ["ISSUE", "LINK", "codes", "error_of", "fresh_leaver_token", "gql", "link_directly"]

ISSUE = """
mutation Issue($n: ID!) { issueFirstTimeCode(prisonerNumber: $n) { code expiresAt } }
"""
LINK = """
mutation Link($code: String!, $born: Date!) {
  linkAccount(code: $code, dateOfBirth: $born) { linkedAt person { prisonerNumber firstName } }
}
"""


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a refused call, with its extensions."""
    [error] = body["errors"]
    return dict(error)


def fresh_leaver_token(stack: AppStack) -> str:
    """A One Login token for a new subject that is linked to nobody yet."""
    subject = one_login.new_subject()
    identity = LeaverIdentity(subject=subject, email=f"{secrets.token_hex(4)}@example.com", phone="07700900000")
    stack.apps["one-login"][one_login.SUBJECTS_KEY][subject] = identity
    request = urllib.request.Request(f"{stack.urls['one-login']}/dev/token", method="POST",
                                     data=json.dumps({"subject": subject}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.loads(response.read())["access_token"])


def subject_of(token: str) -> str:
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


async def link_directly(settings: Settings, token: str, prisoner_number: str) -> None:
    """Link a subject in the database, as a redeemed code would, for tests about something else."""
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            await link_account(session=session, subject=subject_of(token), prisoner_number=prisoner_number)
            await session.commit()
    finally:
        await database.dispose()


@pytest.fixture
def demo_leaver(population: Population) -> SyntheticPerson:
    """The person `tokens['leaver']` is linked to by the seed."""
    return person_on_licence_with_appointments(population)


@pytest.fixture
def another_person(population: Population, demo_leaver: SyntheticPerson) -> SyntheticPerson:
    """Someone else in the prison staff persona's caseload (MDI), with a licence."""
    return next(p for p in population.by_prison["MDI"]
                if p.licence is not None and p.prisoner_number != demo_leaver.prisoner_number)
