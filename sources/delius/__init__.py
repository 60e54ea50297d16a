"""nDelius: probation case, community offender manager, MAPPA and risk."""

from sources.delius.client import DeliusClient
from sources.delius.models import (
    Address,
    CaseDetails,
    CodeDescription,
    CommunityManager,
    ContactDetails,
    Mappa,
    PersonName,
    RiskOfSeriousHarm,
    RiskPredictor,
)

__all__ = [
    "Address",
    "CaseDetails",
    "CodeDescription",
    "CommunityManager",
    "ContactDetails",
    "DeliusClient",
    "Mappa",
    "PersonName",
    "RiskOfSeriousHarm",
    "RiskPredictor",
]
