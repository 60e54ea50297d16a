"""How /graphql reads a request: a bounded body, one operation (no batches), and persisted documents.

First-party clients send an operation id from ``schema/persisted_operations.json``, either as ``{"id": ...}``
or in Apollo's shape ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": ...}}}``. A free-form
``query`` is accepted only where settings allow it (dev and test) or from an integrator.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from auth.principal import Audience, Principal
from schema.persisted import operation_id


class Refused(Exception):
    """A request refused before any GraphQL runs; it becomes a JSON error body with a code."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers or {})

    def response(self) -> JSONResponse:
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def payload_too_large(limit: int) -> Refused:
    return Refused(413, "PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.")


def refuse_declared_size(scope: Scope, limit: int) -> None:
    declared = Headers(scope=scope).get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise payload_too_large(limit)


def capped(receive: Receive, limit: int) -> Receive:
    """``receive``, refusing once the body passes ``limit`` bytes (for bodies without a Content-Length)."""
    seen = 0

    async def receive_capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise payload_too_large(limit)
        return message

    return receive_capped


@dataclass
class OperationRequest(GraphQLRequestData):
    """One operation as the client sent it; ``document_id`` when it named a persisted operation."""

    document_id: str | None = None


def one_operation(data: object) -> OperationRequest:
    """The operation in a decoded JSON body or query string. A JSON list (a batch) is refused."""
    if isinstance(data, list):
        raise Refused(400, "BATCHING_NOT_SUPPORTED", "Send one operation per request; batches are not accepted.")
    if not isinstance(data, dict):
        raise Refused(400, "BAD_REQUEST", "The request body must be a JSON object.")
    query, variables, extensions = data.get("query"), data.get("variables"), data.get("extensions")
    name = data.get("operationName")
    for field, value, kind in (("query", query, str), ("variables", variables, dict),
                               ("extensions", extensions, dict), ("operationName", name, str)):
        if value is not None and not isinstance(value, kind):
            raise Refused(400, "BAD_REQUEST", f"`{field}` must be a {kind.__name__}.")
    return OperationRequest(query=query, variables=variables, operation_name=name, extensions=extensions,
                            document_id=_document_id(data.get("id"), extensions))


def _document_id(given: object, extensions: dict[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if given is None and isinstance(persisted, dict):
        given = persisted.get("sha256Hash")
    if given is None:
        return None
    if not isinstance(given, str):
        raise Refused(400, "BAD_REQUEST", "A persisted operation id must be a string.")
    return given.removeprefix("sha256:")


def may_send_free_form(principal: Principal, free_form_allowed: bool) -> bool:
    return free_form_allowed or principal.audience is Audience.INTEGRATOR


def refusal(code: str, message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def choose_document(request: OperationRequest, *, manifest: Mapping[str, str], principal: Principal,
                    free_form_allowed: bool) -> str | ExecutionResult:
    """The document to run, or the coded refusal to answer with."""
    free_form = may_send_free_form(principal, free_form_allowed)
    if request.document_id is not None:
        known = manifest.get(request.document_id)
        if known is not None:
            return known
        # Apollo clients retry an unknown id with its text; run that only where free-form is allowed anyway.
        if free_form and request.query is not None and hmac.compare_digest(
                operation_id(request.query), request.document_id):
            return request.query
        return refusal("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
    if request.query is None:
        return refusal("BAD_REQUEST", "Send a persisted operation id, or a query where you may.")
    if not free_form:
        return refusal("PERSISTED_QUERY_REQUIRED", "Send a persisted operation id; free-form documents are "
                       "accepted only from integrators.")
    return request.query
