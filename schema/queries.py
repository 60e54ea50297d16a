"""The root Query type, composed from one class per domain so each domain keeps its own file."""

from __future__ import annotations

import strawberry

from schema.access_log_query import AccessLogQueries
from schema.leaver import LeaverQueries
from schema.national_query import NationalQueries
from schema.prison_query import PrisonQueries
from schema.query import PersonQueries


@strawberry.type(description="Read the resettlement picture of the people you may see.")
class Query(PersonQueries, LeaverQueries, PrisonQueries, NationalQueries, AccessLogQueries):
    pass
