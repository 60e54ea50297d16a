"""Walk the full schema and the policy: every field guarded by ``Requires``, and a document that reaches it.

Documents start at a root field in ``ROOTS`` (its one argument is a variable, so the same document asks for a
person in scope or out of it), follow the shortest path of object fields to the guarded field's type, and
select the field (``{ __typename }`` under it when it is an object). Required arguments met on the way get a
plausible literal of their type. Nothing here names a Person field: new fields are picked up as they land.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
    print_ast,
)

from schema.audiences import guard_of
from schema.permissions import Requires

# Root fields a walk may start from, and the variable their one identifying argument takes.
ROOTS: dict[str, tuple[str | None, str | None]] = {
    "person": ("prisonerNumber", "ID!"),
    "prison": ("id", "ID!"),
    "me": (None, None),
    "myPlan": (None, None),
}

# Types with guarded fields that no query root reaches, and why that is fine. A guarded field on a type that
# is unreached and not listed here fails `test_every_guarded_field_is_reached_or_listed`.
UNREACHED: dict[str, str] = {
    "FirstTimeCode": "only in issueFirstTimeCode's payload: a write, covered by tests/leaver/test_link_account.py",
    "LinkResult": "only in linkAccount's payload: a write, covered by tests/leaver/test_link_account.py",
}

_SCALAR_SAMPLES: dict[str, Any] = {
    "ID": "A1234BC", "String": "x", "Int": 1, "Float": 1.0, "Boolean": False,
    "Date": dt.date.today() + dt.timedelta(days=30), "DateTime": dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    "Decimal": "1.00",
}


def sample(type_: GraphQLInputType) -> Any:
    """A Python value of this input type, or raise LookupError when we cannot make one."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        value = next(iter(named.values.values())).value
    elif isinstance(named, GraphQLInputObjectType):
        value = {name: sample(f.type) for name, f in named.fields.items()
                 if is_non_null_type(f.type) and f.default_value is _UNDEFINED()}
    elif named.name in _SCALAR_SAMPLES:
        value = _SCALAR_SAMPLES[named.name]
    else:
        raise LookupError(f"no sample for scalar {named.name}")
    return [value] if is_list_type(get_nullable_type(type_)) else value


def _UNDEFINED() -> Any:
    from graphql.pyutils import Undefined

    return Undefined


def required_arguments(args: dict[str, GraphQLArgument], skip: str | None = None) -> str:
    """``(a: 1, b: "x")`` for the required arguments, or "" when there are none."""
    parts = []
    for name, arg in args.items():
        if name == skip or not is_non_null_type(arg.type) or arg.default_value is not _UNDEFINED():
            continue
        node = ast_from_value(sample(arg.type), arg.type)
        assert node is not None
        parts.append(f"{name}: {print_ast(node)}")
    return f"({', '.join(parts)})" if parts else ""


@dataclass(frozen=True)
class Step:
    field: str
    arguments: str     # literal required arguments (the root's identifying one is a variable)
    on: str | None     # a type condition when the field returns an interface or union


@dataclass(frozen=True)
class Target:
    """A guarded field and the route to it. ``root`` None means the field is itself a root field."""

    type_name: str
    field: str
    guard: Requires
    operation: str
    root: str | None
    steps: tuple[Step, ...]
    composite: bool
    skip: str | None = None

    @property
    def id(self) -> str:
        return f"{self.type_name}.{self.field}"

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(s.field for s in self.steps)

    def document(self) -> str:
        variable, variable_type = ROOTS.get(self.root or "", (None, None))
        header = f"($v: {variable_type})" if variable else ""
        inner: str | None = "__typename" if self.composite else None
        for step in reversed(self.steps):
            if inner is None:
                inner = f"{step.field}{step.arguments}"
                continue
            block = f"... on {step.on} {{ {inner} }}" if step.on else inner
            inner = f"{step.field}{step.arguments} {{ {block} }}"
        return f"{self.operation} Probe{header} {{ {inner} }}"


def _composites(schema: GraphQLSchema, named: Any) -> list[GraphQLObjectType]:
    if isinstance(named, GraphQLObjectType):
        return [named]
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        return list(schema.get_possible_types(named))
    return []


def _routes(schema: GraphQLSchema) -> dict[str, tuple[str, tuple[Step, ...]]]:
    """For each object type a query root reaches: (the root, the shortest route to it)."""
    assert schema.query_type is not None
    routes: dict[str, tuple[str, tuple[Step, ...]]] = {}
    queue: deque[tuple[GraphQLObjectType, str, tuple[Step, ...]]] = deque()
    for root, (variable, _) in ROOTS.items():
        field = schema.query_type.fields.get(root)
        if field is None:
            continue
        arguments = f"({variable}: $v)" if variable else ""
        named = get_named_type(field.type)
        for concrete in _composites(schema, named):
            on = concrete.name if concrete is not named else None
            queue.append((concrete, root, (Step(root, arguments, on),)))
    while queue:
        type_, root, steps = queue.popleft()
        if type_.name in routes:
            continue
        routes[type_.name] = (root, steps)
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            try:
                arguments = required_arguments(field.args)
            except LookupError:
                continue
            for concrete in _composites(schema, named):
                on = concrete.name if concrete is not named else None
                queue.append((concrete, root, (*steps, Step(name, arguments, on))))
    return routes


def targets(schema: GraphQLSchema) -> list[Target]:
    """Every (type, field) guarded by ``Requires`` in the full schema, with its route or a reason to skip."""
    routes = _routes(schema)
    found = []
    for type_name, named in sorted(schema.type_map.items()):
        if type_name.startswith("__") or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for name, field in named.fields.items():
            guard = guard_of(field)
            if not isinstance(guard, Requires):
                continue
            composite = bool(_composites(schema, get_named_type(field.type)))
            operation = "mutation" if named is schema.mutation_type else "query"
            skip = None
            try:
                arguments = required_arguments(field.args, skip=ROOTS.get(name, (None,))[0]
                                               if named is schema.query_type else None)
            except LookupError as error:
                arguments, skip = "", f"cannot make its arguments: {error}"
            if named in (schema.query_type, schema.mutation_type):
                root = name if name in ROOTS and named is schema.query_type else None
                if root is not None and ROOTS[root][0]:
                    arguments = f"({ROOTS[root][0]}: $v{arguments.replace('(', ', ', 1) if arguments else ')'}"
                steps: tuple[Step, ...] = (Step(name, arguments, None),)
            elif type_name in routes:
                root, route = routes[type_name]
                steps = (*route, Step(name, arguments, None))
            else:
                root, steps = None, ()
                skip = UNREACHED.get(type_name, f"UNLISTED: no root in ROOTS reaches {type_name}")
            found.append(Target(type_name, name, guard, operation, root, steps, composite, skip))
    return found


def values_at(data: Any, path: tuple[str, ...]) -> list[tuple[Any, bool]]:
    """Each (parent object, whether it holds the last key) along ``path``, through lists; nulls stop a branch."""
    parents = [data]
    for key in path[:-1]:
        following = []
        for parent in parents:
            value = parent.get(key) if isinstance(parent, dict) else None
            following += value if isinstance(value, list) else [value]
        parents = [p for p in following if p is not None]
    return [(p, path[-1] in p) for p in parents if isinstance(p, dict)]
