"""Licence conditions, and "Confirm you have read the changes" (the ``confirmLicenceSeen`` mutation)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gateway.leaver import forms, graphql, session
from gateway.leaver.render import BASE, render


async def licence_page(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    message = None
    if request.method == "POST":
        form = await request.form()
        if not session.valid_csrf(who, form.get("csrf_token")):
            return render(request, "sign_in_failed.html", status_code=403)
        confirmed = await graphql.run(request, who.session.subject, who.prisoner_number,
                                      "leaver_confirm_licence_seen", licenceId=forms.text(form, "licence_id"),
                                      version=forms.text(form, "version"))
        if not confirmed.errors and not confirmed.unavailable:
            return session.keep_alive(request, RedirectResponse(f"{BASE}/licence-conditions?confirmed=1", 303), who)
        message = "confirm_failed"
    outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_licence")
    me, plan = outcome.data.get("me") or {}, outcome.data.get("myPlan") or {}
    return session.keep_alive(request, render(
        request, "licence.html", status_code=409 if message else 200, **session.page_context(who),
        active="licence", licence=me.get("licence"), plan=plan, unavailable=outcome.unavailable, stale=outcome.stale,
        message=message, just_confirmed=request.query_params.get("confirmed") == "1"), who)
