"""The root Mutation type, composed from one class per domain so each domain keeps its own file."""

from __future__ import annotations

import strawberry

from schema.leaver import FirstTimeCodeMutations, LeaverMutations
from schema.staff_mutations import StaffMutations


@strawberry.type(description="Change the resettlement picture of the people you may change, or your own plan.")
class Mutation(StaffMutations, LeaverMutations, FirstTimeCodeMutations):
    pass
