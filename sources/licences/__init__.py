"""Create and Vary a Licence (CVL)."""

from sources.licences.client import MATCH_LIMIT, LicencesClient
from sources.licences.models import (
    AdditionalCondition,
    BespokeCondition,
    Licence,
    LicenceSummary,
    StandardCondition,
)

__all__ = [
    "MATCH_LIMIT",
    "AdditionalCondition",
    "BespokeCondition",
    "Licence",
    "LicenceSummary",
    "LicencesClient",
    "StandardCondition",
]
