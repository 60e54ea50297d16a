"""Objects whose selected fields are all plain leaves read off a dataclass, completed in one loop.

A page of 200 people selects seven pathways each (``pathway``, ``status``), a licence, an appointment and a
worker: some 1,700 small objects per request. Through the plans (``schema/field_plans.py``) each one cost a
trip through graphql-core's sub-field collection, a plan run and a completer per field. When every selected
field of an object type is a leaf with no resolver and no guard, read straight off one of the strawberry
dataclass's own fields, an object of exactly that class is completed here instead: each value read, checked and
serialised as its plan would, into the same dict. Anything out of the ordinary (a null for a non-null field, an
error, an awaitable, a value the type cannot serialise) gives None, and the object goes through the plans after
all; reading a dataclass's fields has no side effect, so reading them twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import types
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from graphql import GraphQLObjectType
from graphql.pyutils import Undefined

if TYPE_CHECKING:
    from schema.field_plans import Planned

FlatLeaves = tuple[type, tuple[tuple[str, Callable[[Any, str], Any], str, Callable[[Any], Any], bool], ...]]
"""The dataclass, and for each selected field (response name, default resolver, attribute, coercion, non-null)."""

# Results that are never awaitable, skipped before graphql-core's more general test.
PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool, type(None), list, tuple, dict})

_NEVER_AWAITABLE: set[type] = {*PLAIN_TYPES, dt.date, dt.datetime, dt.time, Decimal}


def never_awaitable(value: Any) -> bool:
    """True when ``value``'s type cannot be awaited: the plain types, dates, and enum members and strawberry
    objects whose class has no ``__await__`` (checked once per class). False means: ask ``is_awaitable``."""
    kind = type(value)
    if kind in _NEVER_AWAITABLE:
        return True
    if (issubclass(kind, Enum) or hasattr(kind, "__strawberry_definition__")) and not hasattr(kind, "__await__") \
            and not issubclass(kind, types.CoroutineType | types.GeneratorType):
        _NEVER_AWAITABLE.add(kind)  # enum and strawberry classes: as many as the schema has
        return True
    return False


def flat_leaves(parent_type: GraphQLObjectType, planned: Planned) -> FlatLeaves | None:
    """The selection's fields, when every one is a leaf read straight off a dataclass field of the type's
    strawberry class, with no resolver and no guard (a pathway's ``pathway`` and ``status``); else None."""
    definition = parent_type.extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type) or not dataclasses.is_dataclass(origin) or not planned:
        return None
    attributes = {f.name for f in dataclasses.fields(origin)}
    fields = []
    for name, _, plan in planned:
        if plan is None or plan.attribute is None or plan.coerce is None or plan.attribute not in attributes:
            return None
        static = inspect.getattr_static(origin, plan.attribute, None)
        if hasattr(static, "__get__") and not isinstance(static, types.MemberDescriptorType):
            return None  # a property or another descriptor: reading it might do something (a slot never does)
        fields.append((name, plan.strawberry_field.default_resolver, plan.attribute, plan.coerce, plan.non_null))
    return origin, tuple(fields)


def complete_flat(flat: FlatLeaves, source: Any, is_awaitable: Callable[[Any], bool]) -> dict[str, Any] | None:
    """The object's completed fields as its plans would give them, or None for the plans to complete it."""
    completed: dict[str, Any] = {}
    try:
        for name, resolve, attribute, coerce, non_null in flat[1]:
            value = resolve(source, attribute)
            if value is None or value is Undefined:
                if non_null:
                    return None
                completed[name] = None
                continue
            if not never_awaitable(value) and (isinstance(value, Exception) or is_awaitable(value)):
                return None
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                return None
            completed[name] = coerced
    except Exception:
        return None
    return completed
