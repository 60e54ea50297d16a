"""CVL adapter: licence match by prisoner numbers (batch) and licence by id."""

from __future__ import annotations

from collections.abc import Sequence

from sources.http import UpstreamClient
from sources.licences.models import Licence, LicenceSummary

MATCH_LIMIT = 1000


class LicencesClient(UpstreamClient):
    """Licences and their conditions from Create and Vary a Licence."""

    async def match_licences(self, prisoner_numbers: Sequence[str]) -> list[LicenceSummary]:
        """``POST /licence/match`` with ``{"nomsId": [...]}``; people without a licence are absent."""
        if len(prisoner_numbers) > MATCH_LIMIT:
            raise ValueError(f"at most {MATCH_LIMIT} prisoner numbers per call, got {len(prisoner_numbers)}")
        if not prisoner_numbers:
            return []
        body = {"nomsId": list(prisoner_numbers)}
        return await self._post("/licence/match", body, list[LicenceSummary], idempotent=True, op="match_licences")

    async def get_licence(self, licence_id: int) -> Licence:
        """``GET /licence/id/{licenceId}``."""
        return await self._get(f"/licence/id/{int(licence_id)}", Licence, op="licence")
