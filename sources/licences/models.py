"""Create and Vary a Licence (CVL) shapes. CVL writes dates as ``dd/MM/yyyy``; they become ``date`` here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from sources.http import UpstreamModel


def _uk_date(value: Any) -> Any:
    if isinstance(value, str) and value:
        return datetime.strptime(value, "%d/%m/%Y").date()
    return value or None


def _uk_datetime(value: Any) -> Any:
    if isinstance(value, str) and value:
        return datetime.strptime(value, "%d/%m/%Y %H:%M:%S")
    return value or None


# Serialised back in CVL's own format, so a copy kept in the cache reads back exactly as CVL sent it.
UkDate = Annotated[date, BeforeValidator(_uk_date), PlainSerializer(lambda d: d.strftime("%d/%m/%Y"), when_used="json")]
UkDateTime = Annotated[datetime, BeforeValidator(_uk_datetime),
                       PlainSerializer(lambda d: d.strftime("%d/%m/%Y %H:%M:%S"), when_used="json")]


class LicenceSummary(UpstreamModel):
    """One result of ``POST /licence/match``."""

    licence_id: int
    nomis_id: str
    crn: str | None = None
    licence_status: str
    licence_type: str
    licence_start_date: UkDate | None = None
    licence_expiry_date: UkDate | None = None
    date_created: UkDateTime | None = None


class StandardCondition(UpstreamModel):
    code: str
    text: str


class AdditionalCondition(UpstreamModel):
    code: str
    category: str | None = None
    text: str
    expanded_text: str | None = None


class BespokeCondition(UpstreamModel):
    text: str


class Licence(UpstreamModel):
    """``GET /licence/id/{licenceId}``: the licence with all of its conditions."""

    id: int
    type_code: str
    status_code: str
    noms_id: str | None = None
    crn: str | None = None
    licence_start_date: UkDate | None = None
    licence_expiry_date: UkDate | None = None
    topup_supervision_expiry_date: UkDate | None = None
    standard_licence_conditions: tuple[StandardCondition, ...] = ()
    standard_pss_conditions: tuple[StandardCondition, ...] = ()
    additional_licence_conditions: tuple[AdditionalCondition, ...] = ()
    bespoke_conditions: tuple[BespokeCondition, ...] = ()
    version: str | None = None
