"""Mutations for prison and probation staff. Each names its field group; the resolver checks scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.extensions import FieldExtension

from auth.policy import Access, FieldGroup
from resolvers.writes import allocations, applications, appointments, pathways
from schema.context import Info
from schema.permissions import requires
from schema.types.applications import (
    BankApplication,
    BankApplicationStatusValue,
    DocumentTypeValue,
    IdApplication,
    IdApplicationStatusValue,
)
from schema.types.common import Pathway, PathwayStatusValue
from schema.types.pathway import PathwayStatus
from schema.types.staff import ResettlementWorker
from sources.store.enums import OutboxStatus, PathwayStatusCode
from sources.store.enums import Pathway as PathwayCode
from sources.store.models import OutboxItem


def _writes(group: FieldGroup) -> list[FieldExtension]:
    """The field needs the policy's write grant (so audiences without one never see it); the resolver then
    checks the person's scope."""
    return requires(group, Access.WRITE)


@strawberry.enum(description="Where a side effect owed to a legacy system stands.")
class SideEffectStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@strawberry.type(description="Something owed to a legacy system, delivered by the outbox with retries.")
class SideEffect:
    reference: strawberry.ID = strawberry.field(description="Idempotency key sent to the legacy system.")
    system: str = strawberry.field(description="Which system it is owed to: nomis, delius or appointments.")
    status: SideEffectStatus = strawberry.field(description="PENDING until the system has accepted it.")

    @classmethod
    def from_item(cls, item: OutboxItem) -> SideEffect:
        status = {OutboxStatus.DELIVERED: SideEffectStatus.DELIVERED, OutboxStatus.FAILED: SideEffectStatus.FAILED}.get(
            item.status, SideEffectStatus.PENDING
        )
        return cls(reference=strawberry.ID(item.idempotency_key), system=item.system.value.lower(), status=status)


@strawberry.type(description="A pathway status was recorded; its case note is owed to NOMIS or nDelius.")
class PathwayStatusRecorded:
    pathway_status: PathwayStatus = strawberry.field(description="The status as it now is, with its new version.")
    case_note: SideEffect = strawberry.field(description="Delivery of the case note to NOMIS or nDelius.")


@strawberry.type(description="An appointment was requested; it is owed to the appointments system.")
class AppointmentRequested:
    start: dt.datetime = strawberry.field(description="When it starts.")
    delivery: SideEffect = strawberry.field(description="Delivery to the appointments system.")


@strawberry.input(description="A new status for one pathway, with the case note that explains it.")
class SetPathwayStatusInput:
    prisoner_number: strawberry.ID = strawberry.field(description="Whose pathway, e.g. A1234BC.")
    pathway: Pathway = strawberry.field(description="Which pathway.")  # type: ignore[valid-type]
    status: PathwayStatusValue = strawberry.field(description="The new status.")  # type: ignore[valid-type]
    expected_version: int = strawberry.field(
        description="The version you read (0 if never set). A stale one gets CONFLICT with the current state."
    )
    case_note: str = strawberry.field(description="Why; 1 to 4,000 characters. Sent on to NOMIS or nDelius.")


@strawberry.input(description="A new post-release appointment.")
class CreateAppointmentInput:
    prisoner_number: strawberry.ID = strawberry.field(description="For whom.")
    type: str = strawberry.field(description="What kind, in words, e.g. 'Housing advice'.")
    start: dt.datetime = strawberry.field(description="When, in the future, with a time-zone offset.")
    duration_minutes: int = strawberry.field(description="How long, 5 to 480 minutes.")
    location: str | None = strawberry.field(default=None, description="Where, with the address.")
    notes: str | None = strawberry.field(default=None, description="What to bring, who to ask for.")


@strawberry.input(description="A member of staff who can be assigned people.")
class WorkerInput:
    staff_id: str = strawberry.field(description="Their staff id.")
    name: str = strawberry.field(description="Their name as people should see it.")
    username: str = strawberry.field(description="Their HMPPS Auth username.")


@strawberry.type(description="Record progress for the people you may change.")
class StaffMutations:
    @strawberry.mutation(
        description="Record a pathway status with a case note. The case note is delivered to "
        "NOMIS (prison staff) or nDelius (probation staff) by the outbox.",
        extensions=_writes(FieldGroup.PATHWAY_STATUS),
    )
    async def set_pathway_status(self, info: Info, input: SetPathwayStatusInput) -> PathwayStatusRecorded:
        done = await pathways.set_pathway_status(
            info.context,
            prisoner_number=str(input.prisoner_number),
            pathway=PathwayCode(input.pathway),
            status=PathwayStatusCode(input.status),
            expected_version=input.expected_version,
            case_note=input.case_note,
        )
        status = PathwayStatus.of(done.row.prisoner_number, PathwayCode(done.row.pathway), done.row)
        return PathwayStatusRecorded(pathway_status=status, case_note=SideEffect.from_item(done.case_note))

    @strawberry.mutation(
        description="Request a post-release appointment in the appointments system.",
        extensions=_writes(FieldGroup.APPOINTMENTS),
    )
    async def create_appointment(self, info: Info, input: CreateAppointmentInput) -> AppointmentRequested:
        done = await appointments.create_appointment(
            info.context,
            prisoner_number=str(input.prisoner_number),
            type_=input.type,
            start=input.start,
            duration_minutes=input.duration_minutes,
            location=input.location,
            notes=input.notes,
        )
        return AppointmentRequested(start=done.start, delivery=SideEffect.from_item(done.item))

    @strawberry.mutation(
        description="Record an application for an identity document.", extensions=_writes(FieldGroup.APPLICATIONS)
    )
    async def record_id_application(
        self,
        info: Info,
        prisoner_number: strawberry.ID,
        document_type: DocumentTypeValue,  # type: ignore[valid-type]
        application_submitted_date: dt.date,
        cost_of_application: Decimal,
        is_priority_application: bool = False,
    ) -> IdApplication:
        row = await applications.record_id_application(
            info.context,
            prisoner_number=str(prisoner_number),
            document_type=document_type,
            submitted=application_submitted_date,
            cost=cost_of_application,
            priority=is_priority_application,
        )
        return IdApplication.from_row(row)

    @strawberry.mutation(
        description="Update an ID application: its status, when the document arrived, any refund.",
        extensions=_writes(FieldGroup.APPLICATIONS),
    )
    async def update_id_application(
        self,
        info: Info,
        prisoner_number: strawberry.ID,
        id: strawberry.ID,
        expected_version: int,
        status: IdApplicationStatusValue | None = None,  # type: ignore[valid-type]
        date_is_received: dt.date | None = None,
        refund_amount: Decimal | None = None,
    ) -> IdApplication:
        row = await applications.update_id_application(
            info.context,
            prisoner_number=str(prisoner_number),
            application_id=_row_id(id),
            expected_version=expected_version,
            status=status,
            received=date_is_received,
            refund=refund_amount,
        )
        return IdApplication.from_row(row)

    @strawberry.mutation(
        description="Record an application to open a bank account.", extensions=_writes(FieldGroup.APPLICATIONS)
    )
    async def record_bank_application(
        self, info: Info, prisoner_number: strawberry.ID, bank_name: str, application_submitted_date: dt.date
    ) -> BankApplication:
        row = await applications.record_bank_application(
            info.context,
            prisoner_number=str(prisoner_number),
            bank_name=bank_name,
            submitted=application_submitted_date,
        )
        return BankApplication.from_row(row)

    @strawberry.mutation(
        description="Move a bank application to a new status.", extensions=_writes(FieldGroup.APPLICATIONS)
    )
    async def update_bank_application(
        self,
        info: Info,
        prisoner_number: strawberry.ID,
        id: strawberry.ID,
        expected_version: int,
        status: BankApplicationStatusValue,  # type: ignore[valid-type]
    ) -> BankApplication:
        row = await applications.update_bank_application(
            info.context,
            prisoner_number=str(prisoner_number),
            application_id=_row_id(id),
            expected_version=expected_version,
            status=status,
        )
        return BankApplication.from_row(row)

    @strawberry.mutation(
        description="Assign a resettlement worker to one or many people (at most 200). All or "
        "nothing: if any person is not found, nobody is changed.",
        extensions=_writes(FieldGroup.STAFF_CONTACTS),
    )
    async def assign_worker(
        self, info: Info, prisoner_numbers: list[strawberry.ID], worker: WorkerInput
    ) -> list[ResettlementWorker]:
        rows = await allocations.assign_worker(
            info.context,
            prisoner_numbers=[str(n) for n in prisoner_numbers],
            staff_id=worker.staff_id,
            name=worker.name,
            username=worker.username,
        )
        return [ResettlementWorker.from_row(r) for r in rows]

    @strawberry.mutation(
        description="Unassign the resettlement worker of one or many people; returns how many were assigned.",
        extensions=_writes(FieldGroup.STAFF_CONTACTS),
    )
    async def unassign_worker(self, info: Info, prisoner_numbers: list[strawberry.ID]) -> int:
        return await allocations.unassign_worker(info.context, prisoner_numbers=[str(n) for n in prisoner_numbers])


def _row_id(value: strawberry.ID) -> int:
    from resolvers.errors import BadUserInput

    try:
        return int(str(value))
    except ValueError as error:
        raise BadUserInput("id must be an application id from this API", field="id") from error
