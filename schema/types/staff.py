"""Staff contacts: the community offender manager, prison offender manager, key worker and resettlement worker."""

from __future__ import annotations

import strawberry

from auth.policy import FieldGroup
from schema.permissions import requires
from sources.delius.models import CommunityManager
from sources.nomis.models import PrisonStaff
from sources.store.allocations import AllocationRow
from sources.store.models import CaseAllocation


@strawberry.type(description="A member of staff who works with the person.")
class StaffContact:
    allocated: bool = strawberry.field(description="False when nobody is allocated yet; the name is then null.")
    name: str | None = strawberry.field(description="Full name.")
    email: str | None = strawberry.field(description="Work email address.",
                                         extensions=requires(FieldGroup.STAFF_CONTACTS))
    telephone: str | None = strawberry.field(description="Work telephone number.",
                                             extensions=requires(FieldGroup.STAFF_CONTACTS))

    @classmethod
    def from_manager(cls, manager: CommunityManager) -> StaffContact:
        name = manager.name
        full_name = f"{name.forename} {name.surname}" if name and not manager.unallocated else None
        return cls(allocated=not manager.unallocated, name=full_name, email=manager.email,
                   telephone=manager.telephone_number)

    @classmethod
    def from_prison_staff(cls, staff: PrisonStaff) -> StaffContact:
        return cls(allocated=True, name=f"{staff.first_name} {staff.last_name}", email=staff.email, telephone=None)


@strawberry.type(description="The resettlement worker assigned to a person in this service.")
class ResettlementWorker:
    staff_id: str = strawberry.field(description="The worker's staff id.")
    name: str = strawberry.field(description="The worker's name.")
    username: str = strawberry.field(description="The worker's username.")

    @classmethod
    def from_row(cls, row: CaseAllocation | AllocationRow) -> ResettlementWorker:
        return cls(staff_id=row.staff_id, name=row.staff_name, username=row.staff_username)
