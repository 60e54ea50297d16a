from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fixtures.population import SyntheticPerson
from fixtures.stubs import AppStack, state_of
from sources.appointments import (
    AppointmentCreate,
    AppointmentLocation,
    AppointmentsClient,
    iso_duration_minutes,
)

LONDON = ZoneInfo("Europe/London")


async def test_appointments_in_a_window(appointments: AppointmentsClient, leaver: SyntheticPerson) -> None:
    assert leaver.crn is not None
    start, end = date.today() - timedelta(days=400), date.today() + timedelta(days=400)
    found = await appointments.get_appointments(leaver.crn, start=start, end=end)
    assert [a.id for a in found] == [str(a.id) for a in leaver.appointments]
    first = found[0]
    assert first.date_time == leaver.appointments[0].start and first.date_time.tzinfo is not None
    assert first.duration_minutes == iso_duration_minutes(leaver.appointments[0].duration)
    assert first.location is not None and first.location.address is not None
    assert first.location.address.postcode == leaver.appointments[0].address.postcode


async def test_window_excludes_appointments_outside_it(
    appointments: AppointmentsClient, leaver: SyntheticPerson
) -> None:
    assert leaver.crn is not None
    day = leaver.appointments[0].start.date()
    found = await appointments.get_appointments(leaver.crn, start=day, end=day)
    assert [a.date_time.date() for a in found] == [day]


async def test_created_appointment_is_idempotent_and_then_listed(
    appointments: AppointmentsClient, leaver: SyntheticPerson, stack: AppStack
) -> None:
    assert leaver.crn is not None
    when = datetime.combine(date.today() + timedelta(days=200), datetime.min.time(), LONDON).replace(hour=11)
    body = AppointmentCreate(
        type="CRSS",
        date_time=when,
        duration="PT1H30M",
        location=AppointmentLocation(description="Job Centre Plus"),
        notes="Bring ID",
    )
    key = f"test-{leaver.crn}-create"
    first = await appointments.create_appointment(leaver.crn, body, idempotency_key=key)
    again = await appointments.create_appointment(leaver.crn, body, idempotency_key=key)
    assert first == again
    listed = await appointments.get_appointments(leaver.crn, start=when.date(), end=when.date())
    assert [(a.id, a.duration_minutes, a.notes) for a in listed] == [(first, 90, "Bring ID")]
    posts = state_of(stack.apps["appointments"]).requests_to(f"/appointments/{leaver.crn}", "POST")
    assert posts[0].json_body["dateTime"] == when.isoformat()


def test_iso_durations_in_minutes() -> None:
    assert [iso_duration_minutes(d) for d in ("PT30M", "PT1H", "PT1H30M", "P1D", "PT90S")] == [
        30,
        60,
        90,
        1440,
        1,
    ]
