"""NOMIS adapter: prisoner search (batch up to 1000) and the prison API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sources.http import UpstreamClient, segment
from sources.nomis.models import CaseNoteCreated, Prisoner, PrisonerPage, PrisonStaff, PrisonSummary

BATCH_LIMIT = 1000


class NomisClient(UpstreamClient):
    """Prisoners, their release dates and prison staff; case notes go back to NOMIS."""

    async def get_prisoners_by_numbers(self, prisoner_numbers: Sequence[str]) -> list[Prisoner]:
        """``POST /prisoner-search/prisoner-numbers``: unknown numbers are simply absent from the result."""
        if len(prisoner_numbers) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} prisoner numbers per call, got {len(prisoner_numbers)}")
        if not prisoner_numbers:
            return []
        body = {"prisonerNumbers": list(prisoner_numbers)}
        return await self._post(
            "/prisoner-search/prisoner-numbers",
            body,
            list[Prisoner],
            idempotent=True,
            op="prisoners_by_numbers",
        )

    async def get_prisoner(self, prisoner_number: str) -> Prisoner:
        """``GET /prisoner/{prisonerNumber}``."""
        return await self._get(f"/prisoner/{segment(prisoner_number)}", Prisoner, op="prisoner")

    async def get_prisoners_in_prison(self, prison_id: str, *, page: int, size: int) -> PrisonerPage:
        """``GET /prisoner-search/prison/{prisonId}?page&size`` (size <= 2000, by prisoner number)."""
        return await self._get(
            f"/prisoner-search/prison/{segment(prison_id)}",
            PrisonerPage,
            params={"page": str(page), "size": str(size)},
            op="prisoners_in_prison",
        )

    async def get_prisons(self) -> list[PrisonSummary]:
        """``GET /prisons`` (the prison register): every prison, active or not."""
        return await self._get("/prisons", list[PrisonSummary], op="prisons")

    async def get_key_worker(self, prisoner_number: str) -> PrisonStaff:
        """``GET /prisoner/{prisonerNumber}/key-worker`` (404 when none is allocated)."""
        return await self._get(f"/prisoner/{segment(prisoner_number)}/key-worker", PrisonStaff, op="key_worker")

    async def get_prison_offender_manager(self, prisoner_number: str) -> PrisonStaff:
        """``GET /prisoner/{prisonerNumber}/prison-offender-manager`` (404 when none is allocated)."""
        return await self._get(
            f"/prisoner/{segment(prisoner_number)}/prison-offender-manager",
            PrisonStaff,
            op="prison_offender_manager",
        )

    async def post_case_note(
        self,
        prisoner_number: str,
        *,
        type: str,
        sub_type: str,
        text: str,
        occurred_at: datetime,
        idempotency_key: str,
    ) -> str:
        """``POST /case-notes/{prisonerNumber}`` with ``Idempotency-Key``; returns the id. Never retried."""
        body = {
            "type": type,
            "subType": sub_type,
            "text": text,
            "occurrenceDateTime": occurred_at.isoformat(),
        }
        created = await self._post(
            f"/case-notes/{segment(prisoner_number)}",
            body,
            CaseNoteCreated,
            idempotency_key=idempotency_key,
            op="post_case_note",
        )
        return created.case_note_id
