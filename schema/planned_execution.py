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
two on every persisted operation). The plans themselves are in ``schema/field_plans.py``.
"""
from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from schema.field_plans import FieldDetailsList, FieldInfo, FieldPlan, Planned, plannable
from schema.flat_objects import FlatLeaves, complete_flat, flat_leaves, never_awaitable

# Plans shared by every execution of a document, keyed by the identity of its nodes (a persisted document is
# parsed once, schema/prepared.py). Bounded: free-form documents are parsed anew each time and never hit.
SHARED_PLANS = 512
_SHARED: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...], Planned, FlatLeaves | None]] = {}


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with each selection set's fields planned once per document."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[GroupedFieldSet, Planned, FlatLeaves | None]] = {}
        self._flat: dict[int, tuple[FieldDetailsList, FlatLeaves | None]] = {}
        strawberry_schema = self.schema.extensions.get("strawberry-definition")
        config = getattr(strawberry_schema, "config", None)
        self._info_class: type[Info[Any, Any]] = getattr(config, "info_class", Info)
        converter = getattr(strawberry_schema, "schema_converter", None)
        # Field-level exception handlers and schema-extension ``resolve`` hooks change every field's path:
        # with either, every field runs the standard way.
        manager = self.middleware_manager
        self._planning = (not getattr(converter, "_exception_handler_specs", ())
                          and (manager is None or not manager.middlewares))

    def _plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> tuple[Planned, FlatLeaves | None]:
        """The selection's plans, and its fields as flat leaves when every one is (``flat_leaves``)."""
        key = id(grouped)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is grouped:
            return cached[1], cached[2]
        if self._planning:
            planned, flat = self._shared(parent_type, grouped)
        else:
            planned, flat = self._planned(parent_type, grouped), None
        self._plans[key] = (grouped, planned, flat)  # the grouped set is kept alive, so its id is not reused
        return planned, flat

    def flat_for(self, type_: GraphQLObjectType, details: FieldDetailsList) -> FlatLeaves | None:
        """The sub-selection of a field (``details``) on an object of ``type_`` as flat leaves, when it is one and
        nothing is deferred: what ``collect_and_execute_subfields`` would run, found once per execution."""
        key = id(details)
        found = self._flat.get(key)
        if found is not None and found[0] is details:
            return found[1]
        grouped, new_defer_usages, _ = self.collect_subfields(type_, details)
        flat = None if new_defer_usages else self._plan(type_, grouped)[1]
        self._flat[key] = (details, flat)  # the details are kept alive, so their id is not reused
        return flat

    def _shared(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> tuple[Planned, FlatLeaves | None]:
        """The plans every execution of this selection shares: the same document's nodes give the same plans.
        Details that depend on variables (``@defer``, fragment arguments) are planned for this execution only."""
        if any(d.defer_usage is not None or d.fragment_variable_values is not None
               for details in grouped.values() for d in details):
            return self._planned(parent_type, grouped), None
        nodes = tuple(d.node for details in grouped.values() for d in details)
        key = (id(self.schema), id(parent_type), tuple(grouped), tuple(map(id, nodes)))
        entry = _SHARED.get(key)
        if entry is not None and entry[0] is self.schema and entry[1] == nodes:
            return entry[2], entry[3]
        planned = self._planned(parent_type, grouped)
        flat = flat_leaves(parent_type, planned)
        if len(_SHARED) >= SHARED_PLANS:
            del _SHARED[next(iter(_SHARED))]  # the oldest; persisted operations are planned again at once
        _SHARED[key] = (self.schema, nodes, planned, flat)  # the nodes are kept alive, so their ids are not reused
        return planned, flat

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
        planned, flat = self._plan(parent_type, grouped_field_set)
        is_awaitable = self.is_awaitable
        if flat is not None and type(source_value) is flat[0]:
            completed = complete_flat(flat, source_value, is_awaitable)
            if completed is not None:
                return completed
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        context = self.context_value
        type_name = parent_type.name
        try:
            for response_name, details, plan in planned:
                if plan is None:
                    result = self.execute_field(parent_type, source_value, details,
                                                Path(path, response_name, type_name), None)
                    if result is Undefined:
                        continue
                else:
                    result = self._run(plan, source_value, path, context)
                results[response_name] = result
                if not never_awaitable(result) and is_awaitable(result):
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
            if not never_awaitable(result) and self.is_awaitable(result):
                info = FieldInfo(plan, self, context, parent)
                return self.complete_awaitable_value(plan.return_type, plan.details, info.raw, info.path, result,
                                                     None)
            if plan.leaf:
                return plan.complete(result, None, None)  # a leaf needs neither its path nor an info
            if plan.object_type is not None:  # a flat object needs neither either (as in the plan's completer)
                flat = self.flat_for(plan.object_type, plan.details)
                if flat is not None and type(result) is flat[0]:
                    completed = complete_flat(flat, result, self.is_awaitable)
                    if completed is not None:
                        return completed
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


async def _gathered_fields(results: dict[str, Any], names: list[str]) -> dict[str, Any]:
    if len(names) == 1:
        results[names[0]] = await results[names[0]]
    else:
        results.update(zip(names, await gather_with_cancel(*(results[n] for n in names)), strict=True))
    return results

