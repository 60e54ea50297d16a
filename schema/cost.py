"""What a query costs, from the fields it asks for and how many of each it may get back.

A field costs its weight once, plus its children's cost once per item it may return. A list field may
return as many items as its ``first``/``limit`` argument, or as the list argument it is given (such as
``prisonerNumbers``), or else its known size below, or else ``DEFAULT_LIST_SIZE``. So ``first: 500`` on a
list of people costs 500 times what is asked of each person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)

DEFAULT_WEIGHT = 1
DEFAULT_LIST_SIZE = 50
SIZE_ARGUMENTS = ("first", "last", "limit")

# Fields that cost more than DEFAULT_WEIGHT. The per-person ones call an upstream system once per person
# (nDelius and appointments have no batch endpoint); batched sources (NOMIS, CVL, our database) cost 1.
# At these weights the full person slice costs 24 a person, so one operation may ask it of about 200 people.
PER_PERSON_CALL = 3
FIELD_WEIGHTS: dict[str, int] = {
    "Person.crn": PER_PERSON_CALL,                        # nDelius case lookup
    "Person.communityOffenderManager": PER_PERSON_CALL,   # nDelius
    "Person.contactDetails": PER_PERSON_CALL,             # nDelius case details
    "Person.nextAppointment": PER_PERSON_CALL,            # appointments system
}

# Lists whose length the domain fixes, so they need no size argument.
LIST_SIZES: dict[str, int] = {
    "Person.pathways": 7,                   # the seven resettlement pathways
    "CaseloadConnection.edges": 100,        # a caseload page holds at most 100 people (its `first`)
    "CaseloadEntry.pathways": 7,
    "PrisonDashboard.windows": 3,           # 12 weeks, 24 weeks, all future
    "ReleaseWindowSummary.pathways": 7,
    "PathwayProgress.statuses": 6,          # the six pathway statuses
    "PrisonDashboard.hotSpots": 3,
    "NationalDashboard.windows": 3,
    "NationalDashboard.hotSpots": 3,
}


def operation_cost(schema: GraphQLSchema, operation: OperationDefinitionNode,
                   fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]) -> int:
    root = schema.get_root_type(operation.operation)
    defaults = {d.variable.name.value: value_from_ast_untyped(d.default_value)
                for d in operation.variable_definitions or () if d.default_value is not None}
    values = {**defaults, **variables}
    return _selection_cost(schema, operation.selection_set, root, fragments, values, frozenset())


def _selection_cost(schema: GraphQLSchema, selection_set: SelectionSetNode | None,
                    parent: GraphQLNamedType | None, fragments: Mapping[str, FragmentDefinitionNode],
                    variables: Mapping[str, Any], seen: frozenset[str]) -> int:
    total = 0
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            total += _field_cost(schema, selection, parent, fragments, variables, seen)
        elif isinstance(selection, InlineFragmentNode):
            on = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            total += _selection_cost(schema, selection.selection_set, on, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:  # a cycle is reported by the spec rules
                fragment = fragments[name]
                on = schema.get_type(fragment.type_condition.name.value)
                total += _selection_cost(schema, fragment.selection_set, on, fragments, variables, seen | {name})
    return total


def _field_cost(schema: GraphQLSchema, node: FieldNode, parent: GraphQLNamedType | None,
                fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any],
                seen: frozenset[str]) -> int:
    name = node.name.value
    if name == "__typename":
        return 0
    if name.startswith("__"):  # introspection: bounded by the schema, counted flat
        return DEFAULT_WEIGHT + _selection_cost(schema, node.selection_set, None, fragments, variables, seen)
    definition = parent.fields.get(name) if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else None
    if definition is None:  # unknown field: the spec rules report it
        return DEFAULT_WEIGHT
    key = f"{parent.name}.{name}" if parent else name
    size = _list_size(node, key, variables) if is_list_type(get_nullable_type(definition.type)) else 1
    children = _selection_cost(schema, node.selection_set, get_named_type(definition.type), fragments,
                               variables, seen)
    return FIELD_WEIGHTS.get(key, DEFAULT_WEIGHT) + size * children


def _list_size(node: FieldNode, key: str, variables: Mapping[str, Any]) -> int:
    for argument in node.arguments or ():
        value: Any = argument.value
        if isinstance(value, VariableNode):
            value = variables.get(value.name.value)
        if argument.name.value in SIZE_ARGUMENTS:
            if isinstance(value, IntValueNode):
                return max(int(value.value), 0)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 0)
        elif isinstance(value, ListValueNode):
            return len(value.values)
        elif isinstance(value, list):
            return len(value)
    return LIST_SIZES.get(key, DEFAULT_LIST_SIZE)
