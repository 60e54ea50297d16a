"""Slowly changing upstream data through the cross-request cache, with stale copies when a system is down.

TTLs follow the real service: community offender manager 2 h, MAPPA 4 h, licence 1 h. A CRN changes even
less often, so it shares the community offender manager's TTL. When a stale copy is served, the system is
recorded so the response can say which parts are stale.
"""

from __future__ import annotations

from sources import cache as kinds
from sources.bundle import Sources
from sources.cache import get_or_load
from sources.delius.models import CommunityManager
from sources.errors import UpstreamNotFound

CRN = "crn"
CRN_TTL_SECONDS = kinds.ttl_for(kinds.COMMUNITY_MANAGER)
NO_CRN = ""  # cached marker: nDelius said this person has no CRN


class CachedDelius:
    """nDelius reads that go through the cache. One per request, sharing the app's cache."""

    def __init__(self, sources: Sources, stale_systems: set[str]) -> None:
        self.sources = sources
        self.stale_systems = stale_systems

    async def crn(self, prisoner_number: str) -> str | None:
        async def load() -> str:
            try:
                return await self.sources.delius.get_crn(prisoner_number)
            except UpstreamNotFound:
                return NO_CRN

        value, stale = await get_or_load(self.sources.cache, CRN, prisoner_number, load, dump=str, restore=str,
                                          ttl=CRN_TTL_SECONDS)
        self._note(stale)
        return value or None

    async def community_manager(self, crn: str) -> CommunityManager:
        value, stale = await get_or_load(
            self.sources.cache, kinds.COMMUNITY_MANAGER, crn,
            lambda: self.sources.delius.get_community_manager(crn),
            dump=lambda m: m.model_dump(mode="json", by_alias=True),
            restore=CommunityManager.model_validate,
        )
        self._note(stale)
        return value

    def _note(self, stale: bool) -> None:
        if stale:
            self.stale_systems.add(self.sources.delius.system)
