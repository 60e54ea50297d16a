"""Signed-in pages that only read: the overview and the leaver's details."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from gateway.leaver import content, graphql, session
from gateway.leaver.dates import LONDON, as_local
from gateway.leaver.render import chosen_language, render

NEEDS_SUPPORT = {"SUPPORT_REQUIRED", "IN_PROGRESS", "NOT_STARTED"}


async def overview(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_overview")
    me, plan = outcome.data.get("me") or {}, outcome.data.get("myPlan") or {}
    next_appointment = me.get("nextAppointment")
    alert = None
    if next_appointment:
        start = as_local(next_appointment["start"])
        next_appointment["local_start"] = start
        today = datetime.now(LONDON).date()
        alert = {today: "alert_today", today + timedelta(days=1): "alert_tomorrow"}.get(start.date())
    lang = chosen_language(request)
    wanted = [p["pathway"] for p in me.get("pathways") or [] if p["status"] in NEEDS_SUPPORT]
    support = [page for page in content.pages(lang) if not wanted or page.pathway in wanted]
    return session.keep_alive(request, render(
        request, "overview.html", **session.page_context(who), active="overview", me=me, plan=plan,
        next_appointment=next_appointment, alert=alert, support=support, unavailable=outcome.unavailable,
        stale=outcome.stale), who)


async def profile(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_profile")
    return session.keep_alive(request, render(
        request, "profile.html", **session.page_context(who), active="profile", me=outcome.data.get("me") or {},
        unavailable=outcome.unavailable, stale=outcome.stale), who)
