"""Appointments: upcoming and past, one or all as ``.ics``, and the printable Plan Your Future pack."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from starlette.requests import Request
from starlette.responses import Response

from gateway.leaver import graphql, session
from gateway.leaver.dates import LONDON, as_local
from gateway.leaver.render import render

WINDOW = timedelta(days=364)


def full_address(appointment: dict[str, Any]) -> str:
    address = appointment.get("address") or {}
    parts = [*address.get("lines", []), address.get("town"), address.get("county"), address.get("postcode")]
    return ", ".join(p for p in parts if p)


def directions_url(appointment: dict[str, Any]) -> str | None:
    address = full_address(appointment)
    return f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}" if address else None


async def load(request: Request, who: session.SignedIn) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                                  graphql.Outcome]:
    today = datetime.now(LONDON).date()
    outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_appointments",
                                **{"from": (today - WINDOW).isoformat(), "to": (today + WINDOW).isoformat()})
    me = outcome.data.get("me") or {}
    everything = sorted(me.get("appointments") or [], key=lambda a: a["start"])
    for appointment in everything:
        appointment["local_start"] = as_local(appointment["start"])
        appointment["full_address"] = full_address(appointment)
        appointment["directions"] = directions_url(appointment)
        # Upstream sometimes repeats the type as notes, or the address as the location name: say each thing once.
        notes, place = appointment.get("notes"), appointment.get("location")
        appointment["bring"] = notes if notes and notes != appointment["type"] else None
        appointment["place"] = place if place and place not in appointment["full_address"] else None
    now = datetime.now(LONDON)
    upcoming = [a for a in everything if a["local_start"] >= now]
    past = [a for a in reversed(everything) if a["local_start"] < now]
    return upcoming, past, outcome


async def appointments_page(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    upcoming, past, outcome = await load(request, who)
    return session.keep_alive(request, render(
        request, "appointments.html", **session.page_context(who), active="appointments", upcoming=upcoming,
        past=past, unavailable=outcome.unavailable, stale=outcome.stale), who)


async def pack(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    upcoming, _, outcome = await load(request, who)
    me = outcome.data.get("me") or {}
    return session.keep_alive(request, render(
        request, "pack.html", **session.page_context(who), active="appointments", upcoming=upcoming, me=me,
        unavailable=outcome.unavailable, stale=outcome.stale), who)


async def calendar_file(request: Request) -> Response:
    from gateway.leaver.ics import calendar

    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    upcoming, past, outcome = await load(request, who)
    wanted = request.path_params.get("appointment_id")
    if wanted is None:
        chosen, filename = upcoming, "appointments.ics"
    else:
        chosen = [a for a in upcoming + past if str(a["id"]) == wanted]
        filename = f"appointment-{wanted}.ics"
    if "appointments" in outcome.unavailable or (wanted is not None and not chosen):
        return render(request, "not_found.html", status_code=404 if not outcome.unavailable else 503)
    body = calendar(chosen, name="Plan your future")
    return session.keep_alive(request, Response(body, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}), who)
