"""Run the leaver pages' persisted operations on the server, as the signed-in leaver.

Each page names an operation in ``web_clients/leaver/operations/``; its text must be in the persisted
manifest (``schema/persisted_operations.json``), so the pages run nothing the first-party contract lacks.
Errors whose code is UPSTREAM_UNAVAILABLE become the names of the information the page cannot show, and the
systems the response's ``extensions.stale`` names (served from a stale cached copy) make the page say that
what it shows may be out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from starlette.requests import Request

from auth.principal import leaver_principal
from gateway.leaver.render import LEAVER
from resolvers.context import RequestContext
from resolvers.loaders import create_loaders
from schema.persisted import load_manifest, operation_id

OPERATIONS = LEAVER / "operations"
UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
# Which information a failed branch held, by the field it failed under (the last match wins).
_INFORMATION = {"me": "person", "appointments": "appointments", "nextAppointment": "appointments",
                "licence": "licence", "conditions": "licence", "licenceConditionsChangedSinceSeen": "licence",
                "communityOffenderManager": "practitioner", "contactDetails": "contact_details",
                "myPlan": "plan", "todos": "plan"}


class OperationNotPersisted(RuntimeError):
    """A leaver operation is missing from the manifest: run ``python -m schema.persisted``."""


@cache
def operation(name: str) -> str:
    text = (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")
    if operation_id(text) not in load_manifest():
        raise OperationNotPersisted(f"{name}.graphql is not in the persisted manifest")
    return text


@dataclass
class Outcome:
    data: dict[str, Any]
    unavailable: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # every other error: message, path, extensions
    stale: list[str] = field(default_factory=list)  # systems answered from a stale cached copy

    def error_code(self) -> str | None:
        return None if not self.errors else str(self.errors[0]["extensions"].get("code"))


async def run(request: Request, subject: str, prisoner_number: str | None, name: str, **variables: Any) -> Outcome:
    sources = request.app.state.sources
    stale: set[str] = set()
    context = RequestContext(
        principal=leaver_principal(subject, prisoner_number), sources=sources,
        loaders=create_loaders(sources, stale), correlation_id=getattr(request.state, "correlation_id", "unknown"),
        stale_systems=stale,
        first_time_code_key=request.app.state.settings.first_time_code_key.get_secret_value().encode())
    result = await request.app.state.schema.execute(operation(name), variable_values=variables,
                                                    context_value=context)
    outcome = Outcome(data=dict(result.data or {}), stale=[str(s) for s in (result.extensions or {}).get("stale", [])])
    for error in result.errors or []:
        extensions = dict(error.extensions or {})
        if extensions.get("code") == UNAVAILABLE:
            names = [_INFORMATION[str(p)] for p in (error.path or []) if str(p) in _INFORMATION]
            information = names[-1] if names else str(extensions.get("system", "person"))
            if information not in outcome.unavailable:
                outcome.unavailable.append(information)
        else:
            outcome.errors.append({"message": error.message, "path": error.path, "extensions": extensions})
    return outcome
