"""The leaver pages over HTTP: the app with its lifespan, and signing in through the stub One Login."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from fixtures.idp import one_login
from fixtures.idp.personas import DEMO_LEAVER, LeaverIdentity
from fixtures.population import Population, SyntheticPerson, person_on_licence_with_appointments
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings

BASE = "/plan-your-future"


@pytest.fixture
async def app_and_pages(seeded: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """The running app (for its sources and cache) and a client of it."""
    app = create_app(seeded)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield app, http


@pytest.fixture
def pages(app_and_pages: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return app_and_pages[1]


@pytest.fixture
def demo_leaver(population: Population) -> SyntheticPerson:
    """The person DEMO_LEAVER's One Login account is linked to by the seed."""
    return person_on_licence_with_appointments(population)


def new_one_login_account(stack: AppStack) -> str:
    """A One Login subject that exists at the stub and is linked to nobody."""
    subject = one_login.new_subject()
    stack.apps["one-login"][one_login.SUBJECTS_KEY][subject] = LeaverIdentity(
        subject=subject, email=f"{secrets.token_hex(4)}@example.com", phone="07700900000")
    return subject


def one_login_redirect(authorize_url: str, subject: str) -> str:
    """Choose ``subject`` on the stub's sign-in page, as a person would; the callback URL it sends back."""
    query = dict(parse_qsl(urlsplit(authorize_url).query))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    reply = httpx.post(f"{origin}/authorize", data=query | {"subject": subject}, follow_redirects=False)
    assert reply.status_code in (302, 303), reply.text
    return str(reply.headers["location"])


async def sign_in(pages: httpx.AsyncClient, subject: str = DEMO_LEAVER.subject) -> httpx.Response:
    """Sign in through the stub One Login; the gateway's answer to the callback (a redirect)."""
    start = await pages.get(f"{BASE}/sign-in")
    assert start.status_code == 303
    callback = one_login_redirect(start.headers["location"], subject)
    parts = urlsplit(callback)
    return await pages.get(f"{parts.path}?{parts.query}")


def form_token(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


ISSUE = "mutation Issue($n: ID!) { issueFirstTimeCode(prisonerNumber: $n) { code } }"


@pytest.fixture
def unlinked_person(population: Population, demo_leaver: SyntheticPerson) -> SyntheticPerson:
    """Someone in the prison staff persona's caseload (MDI) whom no One Login account is linked to."""
    return next(p for p in population.by_prison["MDI"]
                if p.licence is not None and p.prisoner_number != demo_leaver.prisoner_number)


async def issue_code(pages: httpx.AsyncClient, staff_token: str, person: SyntheticPerson) -> str:
    """A first-time code, issued as prison staff do it: the issueFirstTimeCode mutation."""
    reply = await pages.post("/graphql", json={"query": ISSUE, "variables": {"n": person.prisoner_number}},
                             headers={"Authorization": f"Bearer {staff_token}"})
    body = reply.json()
    assert "errors" not in body, body
    return str(body["data"]["issueFirstTimeCode"]["code"])


async def enter_code(pages: httpx.AsyncClient, code: str, born: str) -> httpx.Response:
    form_page = await pages.get(f"{BASE}/first-time-code")
    year, month, day = born.split("-")
    return await pages.post(f"{BASE}/first-time-code", data={
        "csrf_token": form_token(form_page.text), "code": code, "dob-day": day, "dob-month": month,
        "dob-year": year})
