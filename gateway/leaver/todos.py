"""The leaver's to-do list with plain forms: add, change, complete, delete. Works with JavaScript off."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gateway.leaver import forms, graphql, session
from gateway.leaver.render import BASE, Translator, chosen_language, render

TITLE_MAX = 200


async def _todos(request: Request, who: session.SignedIn) -> tuple[list[dict[str, Any]], graphql.Outcome]:
    outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_todos")
    return list((outcome.data.get("myPlan") or {}).get("todos") or []), outcome


def _fields(form: FormData, t: Translator) -> tuple[dict[str, Any], dict[str, str]]:
    title, notes, parts = forms.text(form, "title"), forms.text(form, "notes"), forms.date_parts(form, "due")
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = t("error_title_missing")
    elif len(title) > TITLE_MAX:
        errors["title"] = t("error_title_long")
    due = forms.typed_date(parts) if any(parts.values()) else None
    if any(parts.values()) and due is None:
        errors["due-day"] = t("error_due_invalid")
    values = {"title": title, "notes": notes or None, "dueDate": due.isoformat() if due else None}
    return values, errors


async def todo_list(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    t = Translator(chosen_language(request))
    errors: dict[str, str] = {}
    entered: dict[str, Any] = {}
    if request.method == "POST":
        form = await request.form()
        if not session.valid_csrf(who, form.get("csrf_token")):
            return render(request, "sign_in_failed.html", status_code=403)
        entered, errors = _fields(form, t)
        entered["due"] = forms.date_parts(form, "due")
        if not errors:
            values = {k: entered[k] for k in ("title", "notes", "dueDate")}
            await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_add_todo", **values)
            return session.keep_alive(request, RedirectResponse(f"{BASE}/to-do?done=added", 303), who)
    todos, outcome = await _todos(request, who)
    return session.keep_alive(request, render(
        request, "todos.html", status_code=400 if errors else 200, **session.page_context(who), active="todos",
        todos=todos, errors=errors, entered=entered, unavailable=outcome.unavailable,
        done=request.query_params.get("done")), who)


async def todo_action(request: Request) -> Response:
    """POST: complete, reopen or delete one to-do (the button pressed says which)."""
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    form = await request.form()
    if not session.valid_csrf(who, form.get("csrf_token")):
        return render(request, "sign_in_failed.html", status_code=403)
    todo_id, action = request.path_params["todo_id"], forms.text(form, "action")
    version = int(forms.text(form, "version") or 0)
    if action == "delete":
        outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_delete_todo",
                                    id=todo_id)
        done = "deleted"
    else:
        outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_complete_todo",
                                    id=todo_id, expectedVersion=version, completed=action == "complete")
        done = "saved"
    if outcome.error_code() == "CONFLICT":
        done = "conflict"
    return session.keep_alive(request, RedirectResponse(f"{BASE}/to-do?done={done}", 303), who)


async def todo_edit(request: Request) -> Response:
    who = await session.signed_in_and_linked(request)
    if isinstance(who, Response):
        return who
    todos, _ = await _todos(request, who)
    todo = next((x for x in todos if str(x["id"]) == request.path_params["todo_id"]), None)
    if todo is None:
        return render(request, "not_found.html", status_code=404, **session.page_context(who))
    errors: dict[str, str] = {}
    due = (todo.get("dueDate") or "").split("-")
    entered: dict[str, Any] = {"title": todo["title"], "notes": todo.get("notes") or "",
                               "due": {"year": due[0], "month": due[1].lstrip("0"), "day": due[2].lstrip("0")}
                               if len(due) == 3 else {}}
    if request.method == "POST":
        form = await request.form()
        if not session.valid_csrf(who, form.get("csrf_token")):
            return render(request, "sign_in_failed.html", status_code=403)
        values, errors = _fields(form, Translator(chosen_language(request)))
        entered = {**values, "due": forms.date_parts(form, "due")}
        if not errors:
            seen_version = int(forms.text(form, "version") or todo["version"])
            outcome = await graphql.run(request, who.session.subject, who.prisoner_number, "leaver_update_todo",
                                        id=todo["id"], expectedVersion=seen_version, **values)
            done = "conflict" if outcome.error_code() == "CONFLICT" else "saved"
            return session.keep_alive(request, RedirectResponse(f"{BASE}/to-do?done={done}", 303), who)
    return session.keep_alive(request, render(
        request, "todo_edit.html", status_code=400 if errors else 200, **session.page_context(who), active="todos",
        todo=todo, errors=errors, entered=entered), who)
