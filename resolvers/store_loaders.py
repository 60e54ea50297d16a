"""Batch functions over our own database: one query per batch of people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from sources.bundle import Sources

V = TypeVar("V")


def grouped(
    sources: Sources, query: Callable[..., Awaitable[dict[str, Any]]], empty: Callable[[], V]
) -> Callable[[list[str]], Coroutine[Any, Any, list[Any]]]:
    """A batch function that runs ``query(session=..., prisoner_numbers=...)`` once and lines results up."""

    async def batch(numbers: list[str]) -> list[Any]:
        async with sources.database.session() as session:
            found = await query(session=session, prisoner_numbers=numbers)
        return [found.get(n, empty()) for n in numbers]

    return batch
