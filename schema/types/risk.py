"""Risk from nDelius and OASys: RoSH, MAPPA and predictor scores. Staff only."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from sources.delius.models import Mappa as MappaModel
from sources.delius.models import RiskOfSeriousHarm as RoshModel
from sources.delius.models import RiskPredictor as PredictorModel


@strawberry.type(description="Risk of serious harm in the community, as assessed for staff.")
class RiskOfSeriousHarm:
    overall: str | None = strawberry.field(description="Overall level: LOW, MEDIUM, HIGH or VERY_HIGH.")
    to_children: str | None = strawberry.field(description="Risk to children in the community.")
    to_public: str | None = strawberry.field(description="Risk to the public in the community.")
    to_known_adult: str | None = strawberry.field(description="Risk to a known adult in the community.")
    to_staff: str | None = strawberry.field(description="Risk to staff in the community.")
    assessed_on: dt.datetime | None = strawberry.field(description="When it was assessed.")

    @classmethod
    def from_model(cls, m: RoshModel) -> RiskOfSeriousHarm:
        return cls(overall=m.overall_risk_level, to_children=m.risk_to_children_in_community,
                   to_public=m.risk_to_public_in_community, to_known_adult=m.risk_to_known_adult_in_community,
                   to_staff=m.risk_to_staff_in_community, assessed_on=m.assessed_on)


@strawberry.type(description="Multi-agency public protection arrangements (MAPPA).")
class Mappa:
    level: int = strawberry.field(description="MAPPA level, 0 to 3.")
    level_description: str | None = strawberry.field(description="The level in words.")
    category: int = strawberry.field(description="MAPPA category, 0 to 4.")
    category_description: str | None = strawberry.field(description="The category in words.")
    review_date: dt.date | None = strawberry.field(description="When the arrangement is next reviewed.")

    @classmethod
    def from_model(cls, m: MappaModel) -> Mappa:
        return cls(level=m.level, level_description=m.level_description, category=m.category,
                   category_description=m.category_description, review_date=m.review_date)


@strawberry.type(description="A risk predictor score, e.g. OGRS3, OVP or RSR.")
class RiskPredictor:
    name: str = strawberry.field(description="Which predictor.")
    score: float = strawberry.field(description="The score.")
    level: str | None = strawberry.field(description="The band the score falls in.")

    @classmethod
    def from_model(cls, m: PredictorModel) -> RiskPredictor:
        return cls(name=m.name, score=m.score, level=m.level)


@strawberry.type(description="A person's risk picture. Each part comes from nDelius separately and fails alone.")
class Risk:
    crn: strawberry.Private[str]

    @strawberry.field(description="Risk of serious harm (RoSH).")
    async def risk_of_serious_harm(self, info: Info) -> RiskOfSeriousHarm | None:
        found = await info.context.loaders.risk_of_serious_harm_by_crn.load(self.crn)
        return None if found is None else RiskOfSeriousHarm.from_model(found)

    @strawberry.field(description="MAPPA level and category; null when the person is not managed under MAPPA.")
    async def mappa(self, info: Info) -> Mappa | None:
        found = await info.context.loaders.mappa_by_crn.load(self.crn)
        return None if found is None else Mappa.from_model(found)

    @strawberry.field(description="Risk predictor scores; null when nDelius cannot answer.")
    async def predictors(self, info: Info) -> list[RiskPredictor] | None:
        found = await info.context.loaders.risk_predictors_by_crn.load(self.crn)
        return [RiskPredictor.from_model(p) for p in found or []]
