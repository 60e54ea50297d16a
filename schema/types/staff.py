"""Staff contacts: the community offender manager and others."""

from __future__ import annotations

import strawberry

from auth.policy import FieldGroup
from schema.permissions import requires
from sources.delius.models import CommunityManager


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
