"""What the HTTP edge needs to know about the GraphQL operation it just served.

The access log and the request metrics live in ASGI middleware, which cannot see inside GraphQL. This
extension fills in an ``OperationRecord`` that the middleware put in a context variable: the operation's
name and type, the codes of its errors (after ``ErrorCodes`` has coded them) and the loaders' batch sizes.
Without a record (``schema.execute`` in a test) it does nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiodataloader import DataLoader
from strawberry.extensions import SchemaExtension


@dataclass(slots=True)
class OperationRecord:
    name: str | None = None
    type: str | None = None
    executed: bool = False
    has_data: bool = False
    error_codes: list[str] = field(default_factory=list)
    batch_sizes: list[tuple[str, int]] = field(default_factory=list)


current_operation: ContextVar[OperationRecord | None] = ContextVar("current_operation", default=None)


class Observability(SchemaExtension):
    """List it before ``ErrorCodes``: hooks unwind in reverse, so this one sees the coded errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        record = current_operation.get()
        if record is None:
            return
        context = self.execution_context
        record.executed = True
        record.name = context.operation_name
        try:
            record.type = context.operation_type.value
        except RuntimeError:  # the document did not parse
            record.type = None
        result = context.result
        if result is not None:
            record.has_data = result.data is not None
            record.error_codes = [str((e.extensions or {}).get("code", "UNKNOWN")) for e in result.errors or ()]

    def on_execute(self) -> Iterator[None]:
        record = current_operation.get()
        loaders = getattr(self.execution_context.context, "loaders", None)
        if record is not None and dataclasses.is_dataclass(loaders):
            for loader_field in dataclasses.fields(loaders):
                loader = getattr(loaders, loader_field.name)
                if isinstance(loader, DataLoader) and loader.batch:  # a per-key loader's "batch" is one key
                    _count_batches(loader, loader_field.name, record)
        yield


def _count_batches(loader: DataLoader[Any, Any], name: str, record: OperationRecord) -> None:
    batch_load: Callable[[list[Any]], Awaitable[list[Any]]] = loader.batch_load_fn

    async def counted(keys: list[Any]) -> list[Any]:
        record.batch_sizes.append((name, len(keys)))
        return await batch_load(keys)

    loader.batch_load_fn = counted
