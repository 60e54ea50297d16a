"""Field-level authorisation, driven by the declarative policy in ``auth.policy``."""

from __future__ import annotations

from asyncio import iscoroutine
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from auth.policy import Access, FieldGroup, may
from auth.principal import Principal
from resolvers.errors import Forbidden
from schema.access_log import note_read

PUBLIC = "public"


class Requires(FieldExtension):
    """Refuses the field unless the policy grants the caller this field group."""

    def __init__(self, group: FieldGroup, access: Access = Access.READ) -> None:
        self.group = group
        self.access = access
        self._group_value = group.value  # read once: an enum's ``.value`` is a Python-level lookup per call
        # The last principal asked about and the answer. A principal is frozen and the policy is constant, so
        # the answer for the same object cannot change; 200 people's fields then cost one policy look-up.
        self._last: tuple[Principal, bool] | None = None

    def _allowed(self, principal: Principal) -> bool:
        last = self._last
        if last is not None and last[0] is principal:
            return last[1]
        allowed = may(principal, self.group, self.access)
        self._last = (principal, allowed)
        return allowed

    def _check(self, info: Info[Any, Any]) -> None:
        self.check(info.context.principal)

    def check(self, principal: Principal) -> None:
        """FORBIDDEN unless the policy grants this principal the field group."""
        if not self._allowed(principal):
            raise Forbidden(f"not permitted to {'change' if self.access is Access.WRITE else 'read'} "
                            f"{self.group.value}", group=self.group.value)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        self._check(info)
        result = next_(source, info, **kwargs)
        if iscoroutine(result):  # a loader-backed field whose data was not loaded yet (schema/types/person.py)
            return self._noted_when_done(result, source, info)
        note_read(info, source, self._group_value)  # for the access log (schema/access_log.py)
        return result

    async def _noted_when_done(self, pending: Awaitable[Any], source: Any, info: Info[Any, Any]) -> Any:
        result = await pending
        note_read(info, source, self._group_value)  # only once it resolved, as for an async field
        return result

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        self._check(info)
        result = await next_(source, info, **kwargs)
        note_read(info, source, self._group_value)  # for the access log (schema/access_log.py)
        return result


def requires(group: FieldGroup, access: Access = Access.READ) -> list[FieldExtension]:
    return [Requires(group, access)]


class Public(FieldExtension):
    """Marks a field every audience may read (the policy test accepts it)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        return await next_(source, info, **kwargs)


# Types that are only reachable through a field that is itself guarded, so their plain fields inherit that
# guard. The policy test accepts their unguarded fields; any field inside them may still add a stricter one.
GUARDED_BY_PARENT = frozenset({
    "ReleaseDates", "PathwayStatus", "PathwayStatusHistoryEntry", "LicenceSummary", "LicenceConditions",
    "LicenceCondition", "Appointment", "Address", "StaffContact", "ResettlementWorker", "Risk",
    "RiskOfSeriousHarm", "Mappa", "RiskPredictor", "CaseNote", "CaseNotePage", "IdApplication", "BankApplication",
    "SideEffect", "PathwayStatusRecorded", "AppointmentRequested",
    "CaseloadConnection", "CaseloadEdge", "CaseloadPageInfo", "PrisonDashboard", "ReleaseWindowSummary",
    "PathwayProgress", "StatusCount", "HotSpot", "NationalDashboard",
    "AccessLogEntry",  # only through accessLog, which needs the access-log grant (admin role)
})
