"""Signed-in pages over HTTP: overview, appointments (.ics), licence conditions, to-dos, details, outages."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import httpx
from icalendar import Calendar

from fixtures.stubs.base import Faults, state_of
from gateway.leaver.dates import LONDON, long_date, time_of_day
from tests.leaver_pages.conftest import BASE, form_token, sign_in


def text_of(reply) -> str:
    return html.unescape(re.sub(r"\s+", " ", reply.text))


async def test_overview_shows_next_appointment_licence_end_and_practitioner(pages, demo_leaver):
    await sign_in(pages)
    reply = await pages.get(f"{BASE}/overview")
    text = text_of(reply)

    assert reply.status_code == 200
    assert "Your next appointment" in text
    assert f"Your licence ends on {long_date(demo_leaver.licence.expiry_date)}" in text
    assert f"Your probation practitioner: {demo_leaver.com.forename}" in text
    assert "Your licence conditions have changed" in text  # never confirmed yet
    assert 'id="support-links"' in reply.text


async def test_the_overview_alerts_to_an_appointment_today_or_tomorrow(pages, stack, demo_leaver):
    """Booked in the appointments system (its real create call) two minutes from now, so it is the next one."""
    now = datetime.now(LONDON)
    soon = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    stub = state_of(stack.apps["appointments"])
    async with httpx.AsyncClient() as http:
        booked = await http.post(f"{stack.urls['appointments']}/appointments/{demo_leaver.crn}", json={
            "type": "COAP", "dateTime": soon.isoformat(), "duration": "PT30M"})
    assert booked.status_code == 201
    try:
        await sign_in(pages)
        text = text_of(await pages.get(f"{BASE}/overview"))
        welsh = text_of(await pages.get(f"{BASE}/overview?lang=cy"))
    finally:
        stub.written["appointments"] = [a for a in stub.written["appointments"] if a["id"] != booked.json()["id"]]

    day, diwrnod = ("today", "heddiw") if soon.date() == now.date() else ("tomorrow", "yfory")
    assert f"You have an appointment {day} at {time_of_day(soon)}" in text
    assert f"Mae gennych apwyntiad {diwrnod} am {time_of_day(soon)}" in welsh


async def test_appointments_list_details_and_download_as_icalendar(pages, demo_leaver):
    await sign_in(pages)
    reply = await pages.get(f"{BASE}/appointments")
    text = text_of(reply)
    assert reply.status_code == 200
    assert "Upcoming appointments" in text and "Past appointments" in text
    for label in ("When", "How long", "Who", "Where", "What to bring"):
        assert label in text

    everything = await pages.get(f"{BASE}/appointments.ics")
    assert everything.status_code == 200 and everything.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(everything.content).walk("VEVENT")
    assert events and all(e.get("dtstart") and e.get("uid") and e.get("location") for e in events)

    first_id = str(events[0]["uid"]).split("@")[0].removeprefix("appointment-")
    one = await pages.get(f"{BASE}/appointments/{first_id}.ics")
    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == 1
    assert (await pages.get(f"{BASE}/appointments/999999999.ics")).status_code == 404


async def test_the_printable_pack_has_the_upcoming_appointments_and_a_print_stylesheet(pages, demo_leaver):
    await sign_in(pages)
    reply = await pages.get(f"{BASE}/appointments/print")
    assert reply.status_code == 200
    assert "Your Plan your future pack" in text_of(reply)
    assert 'href="/plan-your-future/static/print.css" media="print"' in reply.text
    css = await pages.get(f"{BASE}/static/print.css")
    assert "size: A4" in css.text


async def test_confirming_licence_changes_records_them_and_the_banner_goes(pages, demo_leaver):
    await sign_in(pages)
    licence = await pages.get(f"{BASE}/licence-conditions")
    text = text_of(licence)
    assert "Standard conditions" in text and "Additional conditions" in text and "Conditions set just for you" in text
    assert "Confirm you have read the changes" in text

    fields = dict(re.findall(r'name="(csrf_token|licence_id|version)" value="([^"]*)"', licence.text))
    confirmed = await pages.post(f"{BASE}/licence-conditions", data=fields)

    assert confirmed.status_code == 303
    after = text_of(await pages.get(confirmed.headers["location"]))
    assert "We have recorded that you read your licence conditions" in after
    assert "Confirm you have read the changes" not in after
    assert "Your licence conditions have changed" not in text_of(await pages.get(f"{BASE}/overview"))


async def test_to_dos_can_be_added_changed_completed_and_deleted(pages):
    await sign_in(pages)
    page = await pages.get(f"{BASE}/to-do")
    token = form_token(page.text)

    empty = await pages.post(f"{BASE}/to-do", data={"csrf_token": token, "title": ""})
    assert empty.status_code == 400 and "Enter what you need to do" in empty.text

    added = await pages.post(f"{BASE}/to-do", data={"csrf_token": token, "title": "Book a GP appointment",
                                                   "due-day": "3", "due-month": "3", "due-year": "2027"})
    assert added.status_code == 303
    listed = await pages.get(f"{BASE}/to-do")
    assert "Book a GP appointment" in listed.text and "Do by 3 March 2027" in listed.text
    todo_id = re.search(r'id="todo-(\d+)"', listed.text).group(1)
    version = re.search(rf'action="{BASE}/to-do/{todo_id}".*?name="version" value="(\d+)"', listed.text, re.S).group(1)

    edit = await pages.get(f"{BASE}/to-do/{todo_id}/edit")
    assert 'value="Book a GP appointment"' in edit.text
    changed = await pages.post(f"{BASE}/to-do/{todo_id}/edit", data={
        "csrf_token": token, "version": version, "title": "Register with a GP", "notes": "Take licence"})
    assert changed.status_code == 303
    listed = await pages.get(f"{BASE}/to-do")
    assert "Register with a GP" in listed.text and "Do by" not in listed.text
    version = re.search(rf'action="{BASE}/to-do/{todo_id}".*?name="version" value="(\d+)"', listed.text, re.S).group(1)

    done = await pages.post(f"{BASE}/to-do/{todo_id}", data={"csrf_token": token, "version": version,
                                                             "action": "complete"})
    assert done.status_code == 303
    assert "pyf-todo-done" in (await pages.get(f"{BASE}/to-do")).text

    gone = await pages.post(f"{BASE}/to-do/{todo_id}", data={"csrf_token": token, "action": "delete"})
    assert gone.headers["location"].endswith("done=deleted")
    assert "Register with a GP" not in (await pages.get(f"{BASE}/to-do")).text


async def test_a_to_do_form_from_another_site_is_refused(pages):
    await sign_in(pages)
    reply = await pages.post(f"{BASE}/to-do", data={"csrf_token": "forged", "title": "x"})
    assert reply.status_code == 403


async def test_profile_shows_the_details_held_and_how_to_change_them(pages, demo_leaver):
    await sign_in(pages)
    reply = await pages.get(f"{BASE}/profile")
    text = text_of(reply)
    assert f"{demo_leaver.first_name} {demo_leaver.last_name}" in text
    assert demo_leaver.prisoner_number in text
    contact = demo_leaver.contact
    for key, label, value in (("telephone", "Phone", contact.telephone), ("mobile", "Mobile", contact.mobile),
                              ("email", "Email", contact.email)):
        row = re.search(rf'id="contact-{key}">(.*?)</div>', reply.text, re.S)
        assert row is not None and label in row.group(1)
        assert (value or "Not held") in html.unescape(row.group(1))
    address = re.search(r'id="contact-address">(.*?)</div>', reply.text, re.S)
    assert address is not None and contact.address.postcode in address.group(1)
    assert contact.address.street_name in html.unescape(address.group(1))
    assert "Tell your probation practitioner if any of these details are wrong or change" in text
    assert "You cannot change them here" in text

    welsh = text_of(await pages.get(f"{BASE}/profile?lang=cy"))
    assert "Manylion cyswllt" in welsh and "Dywedwch wrth eich ymarferydd prawf" in welsh
    assert contact.address.postcode in welsh


async def test_when_appointments_are_down_the_page_says_so_and_the_licence_still_shows(pages, stack, demo_leaver):
    await sign_in(pages)
    stub = state_of(stack.apps["appointments"])
    stub.faults = Faults.failing(503)
    try:
        overview = text_of(await pages.get(f"{BASE}/overview"))
        appointments = await pages.get(f"{BASE}/appointments")
        licence = text_of(await pages.get(f"{BASE}/licence-conditions"))
    finally:
        stub.faults = Faults()
    assert "Some information is not available right now: your appointments." in overview
    assert f"Your licence ends on {long_date(demo_leaver.licence.expiry_date)}" in overview
    assert appointments.status_code == 200 and "your appointments" in text_of(appointments)
    assert "Standard conditions" in licence
