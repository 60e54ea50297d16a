"""Domain codes shared by the store and the schema."""

from __future__ import annotations

from enum import StrEnum


class Pathway(StrEnum):
    ACCOMMODATION = "ACCOMMODATION"
    ATTITUDES_THINKING_AND_BEHAVIOUR = "ATTITUDES_THINKING_AND_BEHAVIOUR"
    CHILDREN_FAMILIES_AND_COMMUNITY = "CHILDREN_FAMILIES_AND_COMMUNITY"
    DRUGS_AND_ALCOHOL = "DRUGS_AND_ALCOHOL"
    EDUCATION_SKILLS_AND_WORK = "EDUCATION_SKILLS_AND_WORK"
    FINANCE_AND_ID = "FINANCE_AND_ID"
    HEALTH = "HEALTH"


class PathwayStatusCode(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    SUPPORT_REQUIRED = "SUPPORT_REQUIRED"
    IN_PROGRESS = "IN_PROGRESS"
    SUPPORT_NOT_REQUIRED = "SUPPORT_NOT_REQUIRED"
    SUPPORT_DECLINED = "SUPPORT_DECLINED"
    DONE = "DONE"

    @property
    def is_complete(self) -> bool:
        return self in COMPLETE_STATUSES


COMPLETE_STATUSES = frozenset(
    {PathwayStatusCode.SUPPORT_NOT_REQUIRED, PathwayStatusCode.SUPPORT_DECLINED, PathwayStatusCode.DONE}
)
