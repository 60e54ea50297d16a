"""Public support pages: no login, tailored by area, searchable on the server, in English and Welsh."""

from __future__ import annotations

import html

from gateway.leaver import content
from tests.leaver_pages.conftest import BASE


async def test_the_start_page_lists_a_support_page_for_every_pathway(pages):
    reply = await pages.get(BASE)

    assert reply.status_code == 200
    assert "Plan your future" in reply.text
    assert {p.pathway for p in content.pages("en")} == set(content.PATHWAY_ORDER)
    for page in content.pages("en"):
        assert f'href="{BASE}/support/{page.slug}"' in reply.text


async def test_a_support_page_shows_local_help_and_when_it_was_last_reviewed(pages):
    reply = await pages.get(f"{BASE}/support/accommodation?area=wales")

    assert reply.status_code == 200
    assert "Finding somewhere to live" in reply.text
    assert "Support in Wales" in reply.text and "councils must help prevent homelessness" in reply.text
    assert "This page was last reviewed on 14 September 2026." in reply.text


async def test_search_works_on_the_server(pages):
    reply = await pages.get(f"{BASE}/search", params={"q": "GP register"})

    assert reply.status_code == 200
    assert f'href="{BASE}/support/health"' in reply.text
    assert f'href="{BASE}/support/accommodation"' not in reply.text


async def test_welsh_is_chosen_by_query_and_remembered(pages):
    first = await pages.get(f"{BASE}/support/accommodation?lang=cy")
    assert 'lang="cy"' in first.text and "Dod o hyd i rywle i fyw" in first.text
    assert "Adolygwyd y dudalen hon ddiwethaf ar 14 Medi 2026." in first.text

    again = await pages.get(f"{BASE}/support/health")
    assert '<html lang="cy"' in again.text and "Iechyd, meddygon teulu ac iechyd meddwl" in again.text
    assert 'id="not-translated"' not in again.text

    found = await pages.get(f"{BASE}/search", params={"q": "meddyg teulu"})
    assert f'href="{BASE}/support/health"' in found.text


async def test_every_support_page_is_in_welsh_with_its_local_help(pages):
    for english in content.pages("en"):
        for area in [None, *english.areas]:
            reply = await pages.get(f"{BASE}/support/{english.slug}", params={"lang": "cy"} | (
                {"area": area} if area else {}))
            text = html.unescape(reply.text)
            welsh = content.page(english.slug, "cy")
            assert reply.status_code == 200 and welsh is not None
            assert welsh.title in text and english.title not in text, english.slug
            assert 'id="not-translated"' not in text, english.slug
            if area:
                assert "Nid oes gennym wybodaeth ychwanegol" not in text, (english.slug, area)


async def test_a_missing_page_is_a_friendly_404(pages):
    reply = await pages.get(f"{BASE}/support/nothing-here")
    assert reply.status_code == 404 and "Page not found" in reply.text


async def test_govuk_frontend_is_served_from_the_gateway_and_nothing_else_is(pages):
    css = await pages.get("/assets/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and "url(/assets/govuk/assets/fonts/" in css.text
    assert (await pages.get("/assets/govuk/govuk-frontend.min.js")).status_code == 200
    assert (await pages.get("/assets/govuk/assets/images/favicon.svg")).status_code == 200
    assert (await pages.get("/assets/govuk/package.json")).status_code == 404
    assert (await pages.get("/assets/govuk/../../react/package.json")).status_code == 404


async def test_pages_carry_no_inline_script(pages):
    reply = await pages.get(BASE)
    assert "script-src 'self'" in reply.headers["content-security-policy"]
    assert "<script>" not in reply.text and '<script type="module" src=' in reply.text
