"""The committed SDL matches the code, and every field is covered by the access policy."""

from __future__ import annotations

from graphql import GraphQLObjectType

from schema import SNAPSHOT, build_schema, export_sdl
from schema.permissions import GUARDED_BY_PARENT, Public, Requires


def test_committed_schema_snapshot_matches_the_code():
    assert SNAPSHOT.read_text(encoding="utf-8") == export_sdl(), (
        "schema/schema.graphql is out of date: run `make schema` and commit it")


def test_every_field_is_named_in_the_policy():
    schema = build_schema()
    missing = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, graphql_field in graphql_type.fields.items():
            field = graphql_field.extensions["strawberry-definition"]
            guarded = any(isinstance(e, Requires | Public) for e in field.extensions)
            if not guarded and type_name not in GUARDED_BY_PARENT:
                missing.append(f"{type_name}.{name}")
    assert not missing, f"fields with no policy entry: {missing}"


def test_every_type_and_field_has_a_description():
    schema = build_schema()
    undocumented = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if not graphql_type.description:
            undocumented.append(type_name)
        undocumented += [f"{type_name}.{n}" for n, f in graphql_type.fields.items() if not f.description]
    assert not undocumented


OWN_DATA_FIELDS = {("Person", "pathways"), ("Person", "caseNotes"), ("Person", "idApplications"),
                   ("Person", "bankApplications"), ("PathwayStatus", "history"), ("MyPlan", "todos"),
                   ("CaseloadConnection", "totalCount"), ("CaseloadEntry", "pathways")}


def test_every_field_that_calls_another_system_is_nullable():
    """A failing legacy system must null only its own branch, never its parent (DESIGN.md §7)."""
    import inspect

    from graphql import GraphQLNonNull

    schema = build_schema()
    strict = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or type_name in {"Query", "Mutation"}:
            continue
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for name, graphql_field in graphql_type.fields.items():
            field = graphql_field.extensions["strawberry-definition"]
            resolver = field.base_resolver
            calls_out = resolver is not None and inspect.iscoroutinefunction(resolver.wrapped_func)
            nullable = not isinstance(graphql_field.type, GraphQLNonNull)
            if calls_out and (type_name, name) not in OWN_DATA_FIELDS and not nullable:
                strict.append(f"{type_name}.{name}")
    assert not strict, f"non-null fields that call another system: {strict}"
