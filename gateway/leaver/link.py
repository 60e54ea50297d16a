"""The first visit: link the One Login account to a prison record with the first-time code and date of birth."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gateway.leaver import forms, graphql, session
from gateway.leaver.dates import LONDON, long_date, time_of_day
from gateway.leaver.render import BASE, Translator, chosen_language, render


async def first_time_code(request: Request) -> Response:
    who = await session.signed_in(request)
    if isinstance(who, Response):
        return who
    if who.prisoner_number is not None:
        return RedirectResponse(f"{BASE}/overview", 303)
    if request.method == "GET":
        return session.keep_alive(request, _page(request, who), who)
    form = await request.form()
    if not session.valid_csrf(who, form.get("csrf_token")):
        return render(request, "sign_in_failed.html", status_code=403)
    t = Translator(chosen_language(request))
    code, parts = forms.text(form, "code"), forms.date_parts(form, "dob")
    born = forms.typed_date(parts)
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = t("error_code_missing")
    if born is None:
        errors["dob-day"] = t("error_dob_invalid")
    if errors:
        return session.keep_alive(request, _page(request, who, errors, code, parts, 400), who)
    outcome = await graphql.run(request, who.session.subject, None, "leaver_link_account", code=code,
                                dateOfBirth=born.isoformat() if born else None)
    error = outcome.errors[0]["extensions"] if outcome.errors else None
    if error is None or error.get("code") == "CONFLICT":
        return session.keep_alive(request, RedirectResponse(f"{BASE}/overview", 303), who)
    if error.get("code") == "CODE_LOCKED":
        until = datetime.fromisoformat(str(error["lockedUntil"])).astimezone(LONDON)
        lang = chosen_language(request)
        response = render(request, "locked.html", status_code=429, signed_in=False,
                          until=f"{time_of_day(until)}, {long_date(until, lang)}")
        return session.keep_alive(request, response, who)
    reason, remaining = error.get("reason"), error.get("attemptsRemaining")
    if reason == "EXPIRED":
        message = t("error_code_expired")
    elif reason == "USED":
        message = t("error_code_used")
    elif isinstance(remaining, int):
        message = t("error_code_wrong_remaining", count=remaining)
    else:
        message = t("error_code_wrong")
    return session.keep_alive(request, _page(request, who, {"code": message}, code, parts, 400), who)


def _page(request: Request, who: session.SignedIn, errors: dict[str, str] | None = None, code: str = "",
          parts: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "first_time_code.html", status_code=status_code, errors=errors or {}, code=code,
                  dob=parts or {"day": "", "month": "", "year": ""}, csrf=who.csrf, signed_in=False)
