"""The plans of ``schema/planned_execution.py``: how one field of a selection set is resolved and completed.

A ``FieldPlan`` holds the field's resolver (what strawberry's wrapper and the field's ``Requires``/``Public``
extension would do, without building them per call) and a completer built for its return type (leaves, lists
and concrete objects; anything else is graphql-core's own ``complete_value``). A plan holds nothing of one
execution, so every execution of the same document shares it.
"""

from __future__ import annotations

from asyncio import iscoroutine
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.extensions.field_extension import FieldExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from schema.access_log import note_read_at
from schema.flat_objects import complete_flat, never_awaitable
from schema.permissions import Public, Requires

if TYPE_CHECKING:
    from schema.planned_execution import PlannedExecutionContext

FieldDetailsList = list[FieldDetails]
Completer = Callable[[Any, Any, Any], Any]  # (result, path, FieldInfo); a leaf gets neither
Resolver = Callable[[Any, "PlannedExecutionContext", Any, Path | None], Any]  # (source, executor, context, parent)
Planned = list[tuple[str, FieldDetailsList, "FieldPlan | None"]]  # (response name, details, plan or None)


class FieldInfo:
    """Stands in for strawberry's ``Info`` in a planned field: ``context`` and the parent's path at once; the
    field's own ``path`` and anything else from the real ``Info`` are built the first time they are asked for
    (most leaves never need them)."""

    __slots__ = ("_path", "_plan", "_real", "context", "executor", "parent")

    def __init__(self, plan: FieldPlan, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> None:
        self._plan = plan
        self.executor = executor
        self._real: Info[Any, Any] | None = None
        self._path: Path | None = None
        self.context = context
        self.parent = parent

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self.parent, self._plan.response_name, self._plan.parent_type.name)
        return self._path

    @property
    def raw(self) -> GraphQLResolveInfo[Any]:
        return self.real._raw_info

    @property
    def real(self) -> Info[Any, Any]:
        if self._real is None:
            plan = self._plan
            raw = self.executor.build_resolve_info(plan.field_def, to_nodes(plan.details), plan.parent_type,
                                                   self.path)
            self._real = plan.info_class(_raw_info=raw, _field=plan.strawberry_field)
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class FieldPlan:
    """One field of a selection set, planned: how to resolve it and how to complete what it returns. A plan
    holds nothing of one execution (the executor comes with each call's ``FieldInfo``), so every execution of
    the same document shares it."""

    __slots__ = ("attribute", "coerce", "complete", "details", "field_def", "field_name", "info_class", "leaf",
                 "non_null", "object_type", "parent_type", "resolve", "response_name", "return_type",
                 "strawberry_field")

    def __init__(self, parent_type: GraphQLObjectType, response_name: str,
                 details: FieldDetailsList, field_def: GraphQLField, strawberry_field: StrawberryField,
                 info_class: type[Info[Any, Any]]) -> None:
        self.response_name = response_name
        self.parent_type = parent_type
        self.details = details
        self.field_def = field_def
        self.field_name = details[0].node.name.value
        self.return_type = field_def.type
        self.strawberry_field = strawberry_field
        self.info_class = info_class
        self.resolve: Resolver = _resolver(self, strawberry_field)
        self.complete: Completer = self._completer(field_def.type)
        # A leaf (or a non-null leaf) completes at once and never needs the field's path.
        type_ = field_def.type
        self.non_null = isinstance(type_, GraphQLNonNull)
        of = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        self.leaf = isinstance(of, GraphQLLeafType)
        # A leaf read straight off its source (no resolver, no guard): its value's coercion, for flat_leaves.
        plain = isinstance(of, GraphQLLeafType) and strawberry_field.base_resolver is None and not any(
            isinstance(e, Requires) for e in strawberry_field.extensions)
        self.attribute = strawberry_field.python_name if plain else None
        self.coerce: Callable[[Any], Any] | None = (
            (_enum_names(of) or of.coerce_output_value) if plain and isinstance(of, GraphQLLeafType) else None)
        # An object completed by ``_object``, which may complete it flat (schema/flat_objects.py).
        self.object_type = of if isinstance(of, GraphQLObjectType) and of.is_type_of is None else None

    def standard(self, type_: GraphQLOutputType) -> Completer:
        """graphql-core's own completion of ``type_`` for this field."""
        details = self.details

        def complete(result: Any, path: Path, info: FieldInfo) -> Any:
            return info.executor.complete_value(type_, details, info.raw, path, result, None)

        return complete

    def _completer(self, type_: GraphQLOutputType) -> Completer:
        if isinstance(type_, GraphQLNonNull):
            return self._non_null(self._completer(type_.of_type))
        if isinstance(type_, GraphQLList):
            return self._list(type_.of_type, self._completer(type_.of_type))
        if isinstance(type_, GraphQLLeafType):
            return _leaf(type_)
        if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
            return self._object(type_)
        return self.standard(type_)  # interfaces, unions and objects that check their values

    def _non_null(self, inner: Completer) -> Completer:
        message = f"Cannot return null for non-nullable field {self.parent_type}.{self.field_name}."

        def complete(result: Any, path: Path, info: FieldInfo) -> Any:
            completed = inner(result, path, info)
            if completed is None:
                raise TypeError(message)
            return completed

        return complete

    def _object(self, type_: GraphQLObjectType) -> Completer:
        details = self.details

        def complete(result: Any, path: Path, info: FieldInfo) -> Any:
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                return None
            executor = info.executor
            flat = executor.flat_for(type_, details)
            if flat is not None and type(result) is flat[0]:  # schema/flat_objects.py
                completed = complete_flat(flat, result, executor.is_awaitable)
                if completed is not None:
                    return completed
            return executor.collect_and_execute_subfields(type_, details, path, result, None)

        return complete

    def _list(self, item_type: GraphQLOutputType, inner: Completer) -> Completer:
        details = self.details
        standard = self.standard(GraphQLList(item_type))
        # Items of an object type may complete as flat objects (schema/flat_objects.py), without a path each.
        of = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        object_type = of if isinstance(of, GraphQLObjectType) and of.is_type_of is None else None

        def complete(result: Any, path: Path, info: FieldInfo) -> Any:
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                return None
            if not isinstance(result, list | tuple):  # async iterables, generators, the non-iterable error
                return standard(result, path, info)
            executor = info.executor
            is_awaitable = executor.is_awaitable
            flat = executor.flat_for(object_type, details) if object_type is not None else None
            flat_class = flat[0] if flat is not None else None
            completed: list[Any] = []
            pending: list[int] = []
            try:
                for index, item in enumerate(result):
                    if type(item) is flat_class:
                        done = complete_flat(flat, item, is_awaitable)  # type: ignore[arg-type]
                        if done is not None:
                            completed.append(done)
                            continue
                    item_path = path.add_key(index, None)
                    if is_awaitable(item):
                        completed.append(executor.complete_awaitable_list_item_value(
                            item, item_type, details, info.raw, item_path, None))
                        pending.append(index)
                        continue
                    try:
                        value = inner(item, item_path, info)
                        if is_awaitable(value):
                            value = executor.error_handled(value, item_type, details, item_path)
                            pending.append(index)
                    except Exception as raw_error:
                        executor.handle_field_error(raw_error, item_type, details, item_path)
                        value = None
                    completed.append(value)
            except Exception:
                if pending:
                    executor.settle_in_background([completed[i] for i in pending])
                raise
            if not pending:
                return completed
            return _gathered(completed, pending)

        return complete


async def _gathered(completed: list[Any], pending: list[int]) -> list[Any]:
    for index, value in zip(pending, await gather_with_cancel(*(completed[i] for i in pending)), strict=True):
        completed[index] = value
    return completed


def _leaf(type_: GraphQLLeafType) -> Completer:
    coerce = _enum_names(type_) or type_.coerce_output_value

    def complete(result: Any, path: Path, info: FieldInfo) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        coerced = coerce(result)
        if coerced is Undefined or coerced is None:
            # graphql-core's own error for a value the type cannot serialise
            return StrawberryGraphQLCoreExecutionContext.complete_leaf_value(type_, result)
        return coerced

    return complete


def _enum_names(type_: GraphQLLeafType) -> Callable[[Any], Any] | None:
    """Strawberry's enum output, from a table: its ``coerce_output_value`` compares the value with each name's
    in turn, a noticeable cost over 1,400 pathway statuses. Anything not a member takes strawberry's own path."""
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or not isinstance(wrapped, type) or not issubclass(wrapped, Enum):
        return None
    names: dict[Any, str] = {}
    for member in wrapped:
        for name, value in type_.values.items():
            if member.value == value.value:
                names[member] = name
                break
    coerce = type_.coerce_output_value

    def named(result: Any) -> Any:
        if type(result) is wrapped:
            name = names.get(result)
            if name is not None:
                return name
        return coerce(result)

    return named


def _resolver(plan: FieldPlan, field: StrawberryField) -> Resolver:
    """What strawberry's resolver wrapper and the field's extension would do, without building them per call.
    A ``FieldInfo`` is made only for a resolver that takes ``info`` (or a result still to be awaited)."""
    guard = field.extensions[0] if field.extensions else None
    base = field.base_resolver
    if base is None:
        default, name = field.default_resolver, field.python_name

        def call(source: Any, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> Any:
            return default(source, name)
    else:
        function: Callable[..., Any] = base.wrapped_func  # type: ignore[assignment]
        pass_self = base.self_parameter is not None
        named = [p.name for p in (base.parent_parameter, base.root_parameter) if p is not None]
        info_name = base.info_parameter.name if base.info_parameter is not None else None

        if pass_self and not named and info_name is None:
            def call(source: Any, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> Any:
                return function(source)
        elif pass_self and not named and info_name == "info":
            def call(source: Any, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> Any:
                return function(source, info=FieldInfo(plan, executor, context, parent))
        else:
            def call(source: Any, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> Any:
                kwargs: dict[str, Any] = dict.fromkeys(named, source)
                if info_name is not None:
                    kwargs[info_name] = FieldInfo(plan, executor, context, parent)
                return function(source, **kwargs) if pass_self else function(**kwargs)

    if not isinstance(guard, Requires):
        return call
    check, group = guard.check, guard.group.value

    def guarded(source: Any, executor: PlannedExecutionContext, context: Any, parent: Path | None) -> Any:
        check(context.principal)
        result = call(source, executor, context, parent)
        if not never_awaitable(result) and iscoroutine(result):  # a loader-backed field not loaded yet
            info = FieldInfo(plan, executor, context, parent)
            return guard._noted_when_done(result, source, info)  # type: ignore[arg-type]
        note_read_at(context, parent, source, group)
        return result

    return guarded


def plannable(field_def: GraphQLField, details: FieldDetailsList) -> StrawberryField | None:
    """The strawberry field behind ``field_def`` when a plan can run it exactly as the standard path would."""
    field = field_def.extensions.get("strawberry-definition")
    if not isinstance(field, StrawberryField) or field.is_async or field_def.resolve is None:
        return None
    if field_def.args or field.arguments or any(d.node.arguments or d.node.directives for d in details):
        return None
    if any(d.fragment_variable_values is not None for d in details):
        return None
    extensions = field.extensions
    if len(extensions) > 1 or any(type(e) not in (Requires, Public) for e in extensions):
        return None
    if any(type(e).map_arguments is not FieldExtension.map_arguments for e in extensions):
        return None
    return field
