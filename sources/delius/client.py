"""nDelius adapter: one call per person (there is no batch endpoint)."""

from __future__ import annotations

from datetime import datetime

from sources.delius.models import (
    CaseDetails,
    CaseNoteCreated,
    CommunityManager,
    CrnLookup,
    Mappa,
    RiskOfSeriousHarm,
    RiskPredictor,
)
from sources.http import UpstreamClient, segment


class DeliusClient(UpstreamClient):
    """Probation case, community offender manager, MAPPA and risk."""

    async def get_crn(self, prisoner_number: str) -> str:
        """``GET /probation-cases/{nomsId}/crn``."""
        lookup = await self._get(f"/probation-cases/{segment(prisoner_number)}/crn", CrnLookup, op="crn")
        return lookup.crn

    async def get_case_details(self, crn: str) -> CaseDetails:
        """``GET /probation-cases/{crn}/details``."""
        return await self._get(f"/probation-cases/{segment(crn)}/details", CaseDetails, op="case_details")

    async def get_community_manager(self, crn: str) -> CommunityManager:
        """``GET /probation-cases/{crn}/community-manager``."""
        return await self._get(
            f"/probation-cases/{segment(crn)}/community-manager", CommunityManager, op="community_manager"
        )

    async def get_mappa(self, crn: str) -> Mappa:
        """``GET /probation-cases/{crn}/mappa`` (404 when there is no MAPPA registration)."""
        return await self._get(f"/probation-cases/{segment(crn)}/mappa", Mappa, op="mappa")

    async def get_risk_of_serious_harm(self, crn: str, *, audience: str = "staff") -> RiskOfSeriousHarm:
        """``GET /probation-cases/{crn}/risk/rosh?audience=staff``."""
        return await self._get(
            f"/probation-cases/{segment(crn)}/risk/rosh",
            RiskOfSeriousHarm,
            params={"audience": audience},
            op="rosh",
        )

    async def get_risk_predictors(self, crn: str) -> list[RiskPredictor]:
        """``GET /probation-cases/{crn}/risk/predictors``."""
        return await self._get(f"/probation-cases/{segment(crn)}/risk/predictors", list[RiskPredictor], op="predictors")

    async def post_case_note(self, crn: str, *, type: str, text: str, occurred_at: datetime,
                             idempotency_key: str) -> str:
        """``POST /probation-cases/{crn}/case-notes`` with ``Idempotency-Key``; returns the id. Never retried."""
        body = {"type": type, "text": text, "occurredAt": occurred_at.isoformat()}
        created = await self._post(f"/probation-cases/{segment(crn)}/case-notes", body, CaseNoteCreated,
                                   idempotency_key=idempotency_key, op="post_case_note")
        return created.id
