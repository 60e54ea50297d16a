"""SQLModel tables. Keyed by prisoner number; names and dates stay in NOMIS and nDelius."""

from sources.store.models.applications import (
    BankApplication,
    BankApplicationLog,
    IdApplication,
    IdApplicationCreate,
    IdApplicationUpdate,
)
from sources.store.models.base import UTCDateTime, utc_now
from sources.store.models.caseload import CaseAllocation
from sources.store.models.leavers import FirstTimeCode, LeaverAccount, LicenceSeen, TodoCreate, TodoItem, TodoUpdate
from sources.store.models.operations import AccessLogEntry, AccessLogEntryCreate, OutboxItem
from sources.store.models.pathways import PathwayStatus, PathwayStatusBase, PathwayStatusChange
from sources.store.models.projection import PrisonPopulation, PrisonProjectionState

__all__ = [
    "AccessLogEntry",
    "AccessLogEntryCreate",
    "BankApplication",
    "BankApplicationLog",
    "CaseAllocation",
    "FirstTimeCode",
    "IdApplication",
    "IdApplicationCreate",
    "IdApplicationUpdate",
    "LeaverAccount",
    "LicenceSeen",
    "OutboxItem",
    "PathwayStatus",
    "PathwayStatusBase",
    "PathwayStatusChange",
    "PrisonPopulation",
    "PrisonProjectionState",
    "TodoCreate",
    "TodoItem",
    "TodoUpdate",
    "UTCDateTime",
    "utc_now",
]
