"""Batch functions over our own database: one query per batch of people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from sources.bundle import Sources

V = TypeVar("V")


def grouped(
    sources: Sources, query: Callable[..., Awaitable[dict[str, Any]]], empty: Callable[[], V], *, plain: bool = False
) -> Callable[[list[str]], Coroutine[Any, Any, list[Any]]]:
    """A batch function that runs ``query(session=..., prisoner_numbers=...)`` once and lines results up.
    ``plain``: the query selects columns only, so it runs on a connection instead of an ORM session."""

    async def batch(numbers: list[str]) -> list[Any]:
        opened = sources.database.connection() if plain else sources.database.session()
        async with opened as session:
            found = await query(session=session, prisoner_numbers=numbers)
        return [found.get(n, empty()) for n in numbers]

    return batch
