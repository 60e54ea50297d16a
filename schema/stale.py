"""Says, in the response's ``extensions.stale``, which systems were served from a stale cached copy."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension


class StaleMarker(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        stale = getattr(self.execution_context.context, "stale_systems", None)
        return {"stale": sorted(stale)} if stale else {}
