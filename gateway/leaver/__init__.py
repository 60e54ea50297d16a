"""Plan Your Future: the leaver pages at ``/plan-your-future``, rendered on the server with GOV.UK Frontend.

``mount(app, settings)`` adds the routes and the One Login client settings; gateway/app.py calls it.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from gateway.leaver import appointments, assets, licence, link, pages, public, sign_in, todos
from gateway.leaver.render import BASE
from gateway.leaver.settings import leaver_pages_settings
from gateway.settings import Settings

GET_POST = ["GET", "POST"]


def routes() -> list[BaseRoute]:
    return [
        Route("/assets/govuk/{path:path}", assets.govuk_asset),
        Route(f"{BASE}/static/{{name}}", assets.leaver_static),
        Route(BASE, public.start),
        Route(f"{BASE}/support/{{slug}}", public.support_page),
        Route(f"{BASE}/search", public.search),
        Route(f"{BASE}/sign-in", sign_in.sign_in),
        Route(f"{BASE}/auth/callback", sign_in.callback),
        Route(f"{BASE}/sign-out", sign_in.sign_out),
        Route(f"{BASE}/signed-out", sign_in.signed_out),
        Route(f"{BASE}/first-time-code", link.first_time_code, methods=GET_POST),
        Route(f"{BASE}/overview", pages.overview),
        Route(f"{BASE}/profile", pages.profile),
        Route(f"{BASE}/appointments", appointments.appointments_page),
        Route(f"{BASE}/appointments.ics", appointments.calendar_file),
        Route(f"{BASE}/appointments/print", appointments.pack),
        Route(f"{BASE}/appointments/{{appointment_id}}.ics", appointments.calendar_file),
        Route(f"{BASE}/licence-conditions", licence.licence_page, methods=GET_POST),
        Route(f"{BASE}/to-do", todos.todo_list, methods=GET_POST),
        Route(f"{BASE}/to-do/{{todo_id}}", todos.todo_action, methods=["POST"]),
        Route(f"{BASE}/to-do/{{todo_id}}/edit", todos.todo_edit, methods=GET_POST),
    ]


def mount(app: Starlette, settings: Settings) -> None:
    app.state.leaver_pages_settings = leaver_pages_settings(settings)
    app.router.routes.extend(routes())
