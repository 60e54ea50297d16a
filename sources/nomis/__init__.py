"""NOMIS: prisoner search and prison API."""

from sources.nomis.client import BATCH_LIMIT, NomisClient
from sources.nomis.models import CaseNoteCreated, Prisoner, PrisonerPage, PrisonStaff

__all__ = ["BATCH_LIMIT", "CaseNoteCreated", "NomisClient", "PrisonStaff", "Prisoner", "PrisonerPage"]
