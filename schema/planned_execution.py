"""A graphql-core executor that plans each selection once per document instead of once per object.

graphql-core executes every field of every object through the same general path: look up the field, build a
``GraphQLResolveInfo``, convert arguments, build strawberry's ``Info``, run the field extension chain through
``functools.partial``, then complete the value by testing the return type's kind. For 200 people with thirty
fields each, that general path is most of a request's CPU.

``PlannedExecutionContext`` keeps the standard executor and changes only ``execute_fields``. The first time a
selection set (graphql-core's memoised grouped field set) runs, each of its fields gets a plan: its resolver,
its policy guard and a completer built for its return type. Every object of that selection then runs the
plans, and so does every later execution of the same parsed document (persisted operations are parsed once).

A plan covers the common, fully known case: a synchronous strawberry field without arguments or directives,
whose only extension is ``Requires`` or ``Public``, returning leaves, lists and concrete object types. Any
other field, and any value the plan cannot complete synchronously (an awaitable, an abstract type, an
``is_type_of`` check), goes through graphql-core's own ``execute_field`` or ``complete_value``, so results,
nulls, errors and paths are the standard executor's (``tests/perf/test_planned_execution.py`` compares the
two on every persisted operation).
"""

from __future__ import annotations

from asyncio import iscoroutine
from collections.abc import Callable
from enum import Enum
from typing import Any

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
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.extensions.field_extension import FieldExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from schema.access_log import note_read_at
from schema.permissions import Public, Requires

FieldDetailsList = list[FieldDetails]
Completer = Callable[[Any, Any, Any], Any]  # (result, path, FieldInfo); a leaf gets neither
Resolver = Callable[[Any, "PlannedExecutionContext", Any, Path | None], Any]  # (source, executor, context, parent)
Planned = list[tuple[str, FieldDetailsList, "FieldPlan | None"]]  # (response name, details, plan or None)

# Plans shared by every execution of a document, keyed by the identity of its nodes (a persisted document is
# parsed once, schema/prepared.py). Bounded: free-form documents are parsed anew each time and never hit.
SHARED_PLANS = 512
_SHARED: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...], Planned]] = {}


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

    __slots__ = ("complete", "details", "field_def", "field_name", "info_class", "leaf",
                 "parent_type", "resolve", "response_name", "return_type", "strawberry_field")

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
        of = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
        self.leaf = isinstance(of, GraphQLLeafType)

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
            return info.executor.collect_and_execute_subfields(type_, details, path, result, None)

        return complete

    def _list(self, item_type: GraphQLOutputType, inner: Completer) -> Completer:
        details = self.details
        standard = self.standard(GraphQLList(item_type))

        def complete(result: Any, path: Path, info: FieldInfo) -> Any:
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                return None
            if not isinstance(result, list | tuple):  # async iterables, generators, the non-iterable error
                return standard(result, path, info)
            executor = info.executor
            is_awaitable = executor.is_awaitable
            completed: list[Any] = []
            pending: list[int] = []
            try:
                for index, item in enumerate(result):
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
            return PlannedExecutionContext.complete_leaf_value(type_, result)  # raises graphql-core's own error
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
        if iscoroutine(result):  # a loader-backed field whose data was not loaded yet, as in Requires.resolve
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


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with each selection set's fields planned once per document."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[GroupedFieldSet, Planned]] = {}
        strawberry_schema = self.schema.extensions.get("strawberry-definition")
        config = getattr(strawberry_schema, "config", None)
        self._info_class: type[Info[Any, Any]] = getattr(config, "info_class", Info)
        converter = getattr(strawberry_schema, "schema_converter", None)
        # Field-level exception handlers and schema-extension ``resolve`` hooks change every field's path:
        # with either, every field runs the standard way.
        manager = self.middleware_manager
        self._planning = (not getattr(converter, "_exception_handler_specs", ())
                          and (manager is None or not manager.middlewares))

    def _plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Planned:
        key = id(grouped)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is grouped:
            return cached[1]
        planned = self._shared(parent_type, grouped) if self._planning else self._planned(parent_type, grouped)
        self._plans[key] = (grouped, planned)  # the grouped set is kept alive, so its id is not reused
        return planned

    def _shared(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Planned:
        """The plans every execution of this selection shares: the same document's nodes give the same plans.
        Details that depend on variables (``@defer``, fragment arguments) are planned for this execution only."""
        if any(d.defer_usage is not None or d.fragment_variable_values is not None
               for details in grouped.values() for d in details):
            return self._planned(parent_type, grouped)
        nodes = tuple(d.node for details in grouped.values() for d in details)
        key = (id(self.schema), id(parent_type), tuple(grouped), tuple(map(id, nodes)))
        entry = _SHARED.get(key)
        if entry is not None and entry[0] is self.schema and entry[1] == nodes:
            return entry[2]
        planned = self._planned(parent_type, grouped)
        if len(_SHARED) >= SHARED_PLANS:
            del _SHARED[next(iter(_SHARED))]  # the oldest; persisted operations are planned again at once
        _SHARED[key] = (self.schema, nodes, planned)  # the nodes are kept alive, so their ids are not reused
        return planned

    def _planned(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Planned:
        planned: Planned = []
        for name, details in grouped.items():
            field_def = self.schema.get_field(parent_type, details[0].node.name.value)
            field = None if field_def is None or not self._planning else plannable(field_def, details)
            plan = None if field is None or field_def is None else FieldPlan(
                parent_type, name, details, field_def, field, self._info_class)
            planned.append((name, details, plan))
        return planned

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None,
                       grouped_field_set: GroupedFieldSet, position_context: Any) -> Any:
        if position_context is not None:  # incremental delivery (@defer): the standard way
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        context = self.context_value
        type_name = parent_type.name
        try:
            for response_name, details, plan in self._plan(parent_type, grouped_field_set):
                if plan is None:
                    result = self.execute_field(parent_type, source_value, details,
                                                Path(path, response_name, type_name), None)
                    if result is Undefined:
                        continue
                else:
                    result = self._run(plan, source_value, path, context)
                results[response_name] = result
                if type(result) not in _PLAIN and is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gathered_fields(results, awaitable_fields)

    def _run(self, plan: FieldPlan, source: Any, parent: Path | None, context: Any) -> Any:
        try:
            result = plan.resolve(source, self, context, parent)
            if type(result) not in _PLAIN and self.is_awaitable(result):
                info = FieldInfo(plan, self, context, parent)
                return self.complete_awaitable_value(plan.return_type, plan.details, info.raw, info.path, result,
                                                     None)
            if plan.leaf:
                return plan.complete(result, None, None)  # a leaf needs neither its path nor an info
            info = FieldInfo(plan, self, context, parent)
            completed = plan.complete(result, info.path, info)
            if self.is_awaitable(completed):
                return self.error_handled(completed, plan.return_type, plan.details, info.path)
            return completed
        except Exception as raw_error:
            path = Path(parent, plan.response_name, plan.parent_type.name)
            self.handle_field_error(raw_error, plan.return_type, plan.details, path)
            return None

    async def error_handled(self, pending: Any, return_type: GraphQLOutputType, details: FieldDetailsList,
                            path: Path) -> Any:
        """Await a completion, turning its failure into a located error at ``path`` as the standard path does."""
        try:
            return await pending
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None


# Results that are never awaitable, skipped before graphql-core's more general test.
_PLAIN = frozenset({str, int, float, bool, type(None), list, tuple, dict})


async def _gathered_fields(results: dict[str, Any], names: list[str]) -> dict[str, Any]:
    if len(names) == 1:
        results[names[0]] = await results[names[0]]
    else:
        results.update(zip(names, await gather_with_cancel(*(results[n] for n in names)), strict=True))
    return results

