"""What a query selects below a field, read from strawberry's selection tree, for resolvers that load ahead.

Only fields selected unconditionally count: anything under a directive (``@include``, ``@skip``) is left to
resolve on its own, so a load made ahead is never one the query would not make.
"""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def names_on(selections: Iterable[Selection], type_name: str) -> set[str]:
    """The names of the fields selected on ``type_name`` itself, through fragments on it."""
    return {field.name for field in fields_on(selections, type_name)}


def fields_on(selections: Iterable[Selection], type_name: str) -> list[SelectedField]:
    """The fields selected on ``type_name`` itself, through fragments on it, in order."""
    found: list[SelectedField] = []
    for selection in selections:
        if selection.directives:
            continue
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            if selection.type_condition in (None, type_name):
                found += fields_on(selection.selections, type_name)
        else:
            found.append(selection)
    return found


def below(selections: Iterable[Selection], type_name: str, name: str) -> list[Selection]:
    """Everything selected under field ``name`` of ``type_name`` (all its occurrences, merged)."""
    return [child for field in fields_on(selections, type_name) if field.name == name for child in field.selections]
