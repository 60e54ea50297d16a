"""The caseload's sort order and the prison's resettlement workers with their load.

The sort codes live in the store (sources/store/caseload.py, no strawberry there); this enum mirrors them
so each value carries its description, which is the integrators' manual for the order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import strawberry

from auth.policy import Access, FieldGroup, may
from resolvers import caseload as caseloads
from resolvers.person_prefetch import settle
from schema.context import Info
from schema.permissions import requires
from schema.selections import below, names_on
from sources.store.allocations import WorkerLoad
from sources.store.caseload import CaseloadFilter, CaseloadRow
from sources.store.caseload import CaseloadSort as CaseloadSortCode


@strawberry.enum(description="How to order a caseload. Ties are broken by prisoner number, so pages never overlap; "
                 "a missing value (no date, no worker) comes last in either direction.")
class CaseloadSort(Enum):
    NAME = strawberry.enum_value("NAME", description="By last name, then first name.")
    RELEASE_DATE = strawberry.enum_value("RELEASE_DATE", description="By the release date shown (releaseDate).")
    RELEASE_ELIGIBILITY = strawberry.enum_value(
        "RELEASE_ELIGIBILITY", description="By releaseEligibilityDate: the earlier of the home detention curfew "
        "eligibility date and the parole eligibility date.")
    PATHWAY_PROGRESS = strawberry.enum_value(
        "PATHWAY_PROGRESS", description="By how many of the seven pathways are complete (SUPPORT_NOT_REQUIRED, "
        "SUPPORT_DECLINED or DONE), then by how many have been started (any status but NOT_STARTED). Ascending "
        "puts the people with least progress first; nothing recorded counts as none complete.")
    WORKER = strawberry.enum_value(
        "WORKER", description="By the assigned resettlement worker's name, then staff id; unassigned people last.")
    LAST_UPDATED = strawberry.enum_value(
        "LAST_UPDATED", description="By when any pathway status last changed; never updated last.")

    @property
    def code(self) -> CaseloadSortCode:
        return CaseloadSortCode[self.name]  # the names are the codes


# A sort added to the store but not here (or the reverse) fails at import, not in front of a user.
if {member.name for member in CaseloadSort} != {code.name for code in CaseloadSortCode}:
    raise RuntimeError("schema CaseloadSort and the store's CaseloadSort disagree")


# Each field names its group itself: GUARDED_BY_PARENT (schema/permissions.py) belongs to another module.
@strawberry.type(description="A resettlement worker in a prison, with how many people there they are assigned now.")
class PrisonWorker:
    load: strawberry.Private[WorkerLoad]

    @strawberry.field(description="The worker's staff id (pass as `assignedWorker` to list their people).",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    def staff_id(self) -> str:
        return self.load.worker.staff_id

    @strawberry.field(description="The worker's name, as on their latest allocation.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    def name(self) -> str:
        return self.load.worker.name

    @strawberry.field(description="The worker's username.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    def username(self) -> str:
        return self.load.worker.username

    @strawberry.field(description="How many people in this prison are assigned to the worker now: the capacity "
                      "they are using. 0 when all their people have been reassigned or unassigned.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    def assigned_count(self) -> int:
        return self.load.assigned


# Entry fields that read the page's pathway statuses.
READS_STATUSES = frozenset({"pathways", "lastUpdated"})


@dataclass(frozen=True, slots=True)
class LoadAhead:
    """What a caseload query selects that can be loaded before its fields resolve: the total, counted while the
    page is read, and the page's pathway statuses in one batch, so each entry's fields answer at once."""

    count: bool
    statuses: bool

    @classmethod
    def of(cls, info: Info) -> LoadAhead:
        selections = [s for field in info.selected_fields for s in field.selections]
        node = names_on(below(below(selections, "CaseloadConnection", "edges"), "CaseloadEdge", "node"),
                        "CaseloadEntry")
        return cls(count="totalCount" in names_on(selections, "CaseloadConnection"),
                   statuses=bool(node & READS_STATUSES)
                   and may(info.context.principal, FieldGroup.PATHWAY_STATUS, Access.READ))

    def start_count(self, info: Info, filters: CaseloadFilter) -> asyncio.Future[int] | None:
        if not self.count:
            return None
        counting = asyncio.ensure_future(caseloads.caseload_total(info.context, filters))
        counting.add_done_callback(_seen)  # its failure is reported by totalCount, not logged as lost
        return counting

    async def rows(self, info: Info, rows: Sequence[CaseloadRow]) -> None:
        if self.statuses:
            loader = info.context.loaders.pathway_statuses_by_prisoner_number
            await settle([loader.load(row.prisoner_number) for row in rows])


def _seen(future: asyncio.Future[int]) -> None:
    if not future.cancelled():
        future.exception()
