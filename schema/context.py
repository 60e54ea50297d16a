"""The ``Info`` alias every resolver takes."""

from __future__ import annotations

import strawberry

from resolvers.context import RequestContext

Info = strawberry.Info[RequestContext, None]
