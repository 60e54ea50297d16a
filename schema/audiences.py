"""One schema contract per audience, cut from the one strawberry schema by the access policy.

A field guarded by ``Requires(group)`` stays in an audience's contract only when ``POLICY[group]`` grants that
audience anything (a write-only field needs a write grant). Roles are not considered: the contract says what
an audience could ever use, and ``Requires`` still checks the roles and ``person_in_scope`` still checks the
person at run time. Types left with no fields, and types no longer reachable, are pruned. The contract is
what the audience introspects *and* what its documents are validated against, so a leaver asking for
``crn`` gets a validation error: the field does not exist for them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    GraphQLType,
    GraphQLUnionType,
    get_named_type,
    validate_schema,
)

from auth.policy import POLICY, Access
from auth.principal import Audience
from schema.permissions import Public, Requires

CompositeType = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


class Contract(StrEnum):
    STAFF = "staff"
    LEAVER = "leaver"
    INTEGRATOR = "integrator"
    PUBLIC = "public"


CONTRACT_OF: dict[Audience, Contract] = {
    Audience.PRISON_STAFF: Contract.STAFF,
    Audience.PROBATION_STAFF: Contract.STAFF,
    Audience.LEAVER: Contract.LEAVER,
    Audience.INTEGRATOR: Contract.INTEGRATOR,
    Audience.PUBLIC: Contract.PUBLIC,
}


def audiences_of(contract: Contract) -> frozenset[Audience]:
    return frozenset(a for a, c in CONTRACT_OF.items() if c is contract)


def guard_of(field: GraphQLField) -> Requires | Public | None:
    """The policy marker on a strawberry field: ``Requires``, ``Public``, or None (guarded by its parent)."""
    definition = field.extensions.get("strawberry-definition")
    for extension in getattr(definition, "extensions", ()):
        if isinstance(extension, Requires | Public):
            return extension
    return None


def granted(contract: Contract, requires: Requires) -> bool:
    """True when the policy grants this field group to some audience of the contract, whatever its roles."""
    grants = POLICY[requires.group]
    return any(
        (grant := grants.get(audience)) is not None
        and (requires.access is Access.READ or grant.access is Access.WRITE)
        for audience in audiences_of(contract)
    )


def _kept_fields(schema: GraphQLSchema, contract: Contract) -> dict[str, list[str]]:
    """Field names kept per composite type (union members for unions), after pruning empty types."""
    kept: dict[str, list[str]] = {}
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            kept[name] = [f for f, field in named.fields.items()
                          if not isinstance(guard := guard_of(field), Requires) or granted(contract, guard)]
        elif isinstance(named, GraphQLUnionType):
            kept[name] = [member.name for member in named.types]
    changed = True
    while changed:  # a field whose type became empty goes too, which may empty its own type
        changed = False
        for name, names in kept.items():
            named = schema.type_map[name]
            if isinstance(named, GraphQLUnionType):
                alive = [m for m in names if kept.get(m)]
            else:
                fields = named.fields  # type: ignore[attr-defined]
                alive = [f for f in names if _alive(get_named_type(fields[f].type), kept)]
            if alive != names:
                kept[name], changed = alive, True
    return kept


def _alive(named: GraphQLNamedType, kept: Mapping[str, list[str]]) -> bool:
    return named.name not in kept or bool(kept[named.name])


def filtered_schema(schema: GraphQLSchema, contract: Contract) -> GraphQLSchema:
    """The graphql-core schema this contract's audiences see. Field resolvers are shared, not copied."""
    kept = _kept_fields(schema, contract)
    rebuilt: dict[str, GraphQLNamedType] = {}

    def wrap(type_: GraphQLType) -> Any:
        if isinstance(type_, GraphQLNonNull):
            return GraphQLNonNull(wrap(type_.of_type))
        if isinstance(type_, GraphQLList):
            return GraphQLList(wrap(type_.of_type))
        assert isinstance(type_, GraphQLNamedType)
        return rebuilt.get(type_.name, type_)  # scalars, enums and inputs are shared as they are

    def fields_of(original: GraphQLObjectType | GraphQLInterfaceType) -> Any:
        return lambda: {name: GraphQLField(**{**original.fields[name].to_kwargs(),
                                              "type_": wrap(original.fields[name].type)})
                        for name in kept[original.name]}

    for name in kept:
        original = schema.type_map[name]
        if isinstance(original, GraphQLObjectType | GraphQLInterfaceType):
            interfaces = original.interfaces
            kwargs = {**original.to_kwargs(), "fields": fields_of(original),
                      "interfaces": lambda i=interfaces: [rebuilt[x.name] for x in i if kept.get(x.name)]}
            rebuilt[name] = type(original)(**kwargs)
        elif isinstance(original, GraphQLUnionType):
            union_kwargs: dict[str, Any] = {**original.to_kwargs(),
                                            "types": lambda n=name: [rebuilt[m] for m in kept[n]]}
            rebuilt[name] = GraphQLUnionType(**union_kwargs)

    query = _root(rebuilt, schema.query_type, kept) or _placeholder_query(contract)
    mutation = _root(rebuilt, schema.mutation_type, kept)
    subscription = _root(rebuilt, schema.subscription_type, kept)
    roots = [t for t in (query, mutation, subscription) if t is not None]
    filtered = GraphQLSchema(
        query=query, mutation=mutation, subscription=subscription, directives=schema.directives,
        types=_with_implementations(rebuilt, kept, _reachable(roots)), extensions=dict(schema.extensions),
        description=schema.description,
    )
    errors = validate_schema(filtered)
    if errors:
        raise ValueError(f"the {contract} contract is not a valid schema: {[e.message for e in errors]}")
    return filtered


def _root(rebuilt: Mapping[str, GraphQLNamedType], original: GraphQLObjectType | None,
          kept: Mapping[str, list[str]]) -> GraphQLObjectType | None:
    if original is None or not kept.get(original.name):
        return None
    root = rebuilt[original.name]
    assert isinstance(root, GraphQLObjectType)
    return root


def _placeholder_query(contract: Contract) -> GraphQLObjectType:
    """GraphQL needs a query field; an audience the policy grants nothing gets only this one."""
    return GraphQLObjectType("Query", description="Nothing here is available without signing in.", fields={
        "audience": GraphQLField(GraphQLNonNull(GraphQLString), resolve=lambda *_: contract.value,
                                 description="The audience whose contract this is."),
    })


def _reachable(roots: Iterable[GraphQLNamedType]) -> dict[str, GraphQLNamedType]:
    seen: dict[str, GraphQLNamedType] = {}
    pending = list(roots)
    while pending:
        named = pending.pop()
        if named.name in seen:
            continue
        seen[named.name] = named
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                pending.append(get_named_type(field.type))
                pending += [get_named_type(arg.type) for arg in field.args.values()]
            pending += named.interfaces
        elif isinstance(named, GraphQLUnionType):
            pending += named.types
        elif isinstance(named, GraphQLInputObjectType):
            pending += [get_named_type(field.type) for field in named.fields.values()]
    return seen


def _with_implementations(rebuilt: Mapping[str, GraphQLNamedType], kept: Mapping[str, list[str]],
                          reachable: dict[str, GraphQLNamedType]) -> list[GraphQLNamedType]:
    """The reachable types, plus every kept object type implementing a reachable interface."""
    extra = [named for name, named in rebuilt.items()
             if name not in reachable and kept.get(name) and isinstance(named, GraphQLObjectType)
             and any(i.name in reachable for i in named.interfaces)]
    return [*reachable.values(), *extra]


def contract_schema(full: strawberry.Schema, contract: Contract) -> strawberry.Schema:
    """A copy of the strawberry schema (same extensions, config and converter) that executes, validates
    and introspects against the contract's graphql-core schema."""
    audience_schema = copy.copy(full)
    filtered = filtered_schema(full._schema, contract)
    filtered.extensions["strawberry-definition"] = audience_schema
    filtered._strawberry_schema = audience_schema  # type: ignore[attr-defined]
    audience_schema._schema = filtered
    return audience_schema


@dataclass(frozen=True, slots=True)
class AudienceSchemas:
    """The full schema (exported as the SDL) and the one each audience runs against."""

    full: strawberry.Schema
    contracts: Mapping[Contract, strawberry.Schema]

    @classmethod
    def build(cls, full: strawberry.Schema) -> AudienceSchemas:
        return cls(full=full, contracts={contract: contract_schema(full, contract) for contract in Contract})

    def for_audience(self, audience: Audience) -> strawberry.Schema:
        return self.contracts[CONTRACT_OF[audience]]
