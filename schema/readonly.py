"""Read-only mode: every mutation is refused with ``READ_ONLY`` before validation, and reads carry on.

It acts before validation so the caller hears "read-only" rather than "this schema has no such field"
while a maintenance window is on, whatever mutations the schema has.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from resolvers.errors import CodedError


class ReadOnlyMode(CodedError):
    code = "READ_ONLY"


MESSAGE = "The service is in read-only mode; changes are refused for now. Reads still work."


class ReadOnly(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.MUTATION:
            context.pre_execution_errors = [GraphQLError(MESSAGE, original_error=ReadOnlyMode(MESSAGE))]
        yield
