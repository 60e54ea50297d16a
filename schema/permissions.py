"""Field-level authorisation, driven by the declarative policy in ``auth.policy``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from auth.policy import Access, FieldGroup, may
from resolvers.errors import Forbidden

PUBLIC = "public"


class Requires(FieldExtension):
    """Refuses the field unless the policy grants the caller this field group."""

    def __init__(self, group: FieldGroup, access: Access = Access.READ) -> None:
        self.group = group
        self.access = access

    def _check(self, info: Info[Any, Any]) -> None:
        if not may(info.context.principal, self.group, self.access):
            raise Forbidden(f"not permitted to {'change' if self.access is Access.WRITE else 'read'} "
                            f"{self.group.value}", group=self.group.value)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        self._check(info)
        return await next_(source, info, **kwargs)


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
GUARDED_BY_PARENT = frozenset({"ReleaseDates", "PathwayStatus", "LicenceSummary", "Appointment", "StaffContact"})
