"""A person's own contact details, as nDelius holds them."""

from __future__ import annotations

import strawberry

from auth.policy import FieldGroup
from schema.permissions import requires
from schema.types.appointment import Address
from sources.delius.models import Address as DeliusAddress
from sources.delius.models import CaseDetails

# Each field names its group itself, as the Person field that leads here does (no GUARDED_BY_PARENT entry).
_CONTACT = requires(FieldGroup.CONTACT_DETAILS)


@strawberry.type(description="How probation can reach a person: the phone numbers, email address and main "
                 "address nDelius holds. Only their probation practitioner can change them.")
class ContactDetails:
    telephone: str | None = strawberry.field(
        description="Landline telephone number; null when none is held.", extensions=_CONTACT)
    mobile: str | None = strawberry.field(
        description="Mobile telephone number; null when none is held.", extensions=_CONTACT)
    email: str | None = strawberry.field(description="Email address; null when none is held.", extensions=_CONTACT)
    address: Address | None = strawberry.field(
        description="Main address; null when none is held.", extensions=_CONTACT)

    @classmethod
    def from_model(cls, case: CaseDetails) -> ContactDetails:
        held = case.contact_details
        return cls(telephone=held.telephone if held else None, mobile=held.mobile if held else None,
                   email=held.email if held else None, address=_address(case.main_address))


def _address(a: DeliusAddress | None) -> Address | None:
    if a is None:
        return None
    street = " ".join(p for p in (a.building_number, a.street_name) if p)
    lines = [p for p in (a.building_name, street, a.district) if p]
    if not (lines or a.town or a.county or a.postcode):
        return None  # nDelius sends an address object with every part empty when it holds none
    return Address(lines=lines, town=a.town, county=a.county, postcode=a.postcode)
