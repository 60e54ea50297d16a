"""Abuse limits on GraphQL documents: depth, aliases, tokens, cost, introspection and field suggestions.

Every refusal is a ``CodedError`` carried as the GraphQL error's original error, so ``ErrorCodes`` (which must
run after this extension) gives it its code. The numbers come from settings; see ``gateway.graphql_view``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    Lexer,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from auth.principal import Audience
from resolvers.errors import CodedError
from schema.cost import operation_cost
from schema.errors import coded
from schema.prepared import PreparedDocuments


class QueryTooDeep(CodedError):
    code = "QUERY_TOO_DEEP"


class TooManyAliases(CodedError):
    code = "TOO_MANY_ALIASES"


class QueryTooLarge(CodedError):
    code = "QUERY_TOO_LARGE"


class QueryTooComplex(CodedError):
    code = "QUERY_TOO_COMPLEX"


class IntrospectionDisabled(CodedError):
    code = "INTROSPECTION_DISABLED"


@dataclass(frozen=True, slots=True)
class GraphQLLimits:
    """What one document may ask for. ``open_introspection`` False: only integrators may introspect or see
    "Did you mean" suggestions (production)."""

    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_cost: int = 10000
    open_introspection: bool = True


def refusal(error: CodedError, node: Any = None) -> GraphQLError:
    return GraphQLError(str(error), nodes=node, original_error=error)


def _fragments(context: ValidationContext) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)}


def _walk(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode],
          seen: frozenset[str]) -> Iterator[tuple[FieldNode, frozenset[str]]]:
    """The fields directly selected here, looking through fragments (each fragment once per path)."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection, seen
        elif isinstance(selection, InlineFragmentNode):
            yield from _walk(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                yield from _walk(fragments[name].selection_set, fragments, seen | {name})


def depth(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode],
          seen: frozenset[str] = frozenset()) -> int:
    """Levels of nested fields; `{ person { crn } }` is 2. Introspection fields do not count (the schema
    bounds them, and the token limit bounds the document)."""
    return max((1 + depth(f.selection_set, fragments, s) for f, s in _walk(selection_set, fragments, seen)
                if not f.name.value.startswith("__")), default=0)


def aliases(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode],
            seen: frozenset[str] = frozenset()) -> int:
    return sum((1 if f.alias else 0) + aliases(f.selection_set, fragments, s)
               for f, s in _walk(selection_set, fragments, seen))


@cache
def shape_rule(limits: GraphQLLimits) -> type[ASTValidationRule]:
    """Depth per operation and aliases per document. One class per limits, so validation can be cached."""

    class ShapeLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = _fragments(context)
            self.alias_count = 0

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            found = depth(node.selection_set, self.fragments)
            if found > limits.max_depth:
                self.report_error(refusal(QueryTooDeep(
                    f"The query is {found} levels deep; the limit is {limits.max_depth}.",
                    depth=found, limit=limits.max_depth), node))
            self.alias_count += aliases(node.selection_set, self.fragments)

        def leave_document(self, *_: Any) -> None:
            if self.alias_count > limits.max_aliases:
                self.report_error(refusal(TooManyAliases(
                    f"The document uses {self.alias_count} aliases; the limit is {limits.max_aliases}.",
                    aliases=self.alias_count, limit=limits.max_aliases)))

    return ShapeLimits


def cost_refusals(schema: GraphQLSchema, document: DocumentNode, limits: GraphQLLimits,
                  variables: Mapping[str, Any]) -> list[GraphQLError]:
    """QUERY_TOO_COMPLEX for each operation whose cost, with these variables, is over the limit."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    refusals: list[GraphQLError] = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        cost = operation_cost(schema, node, fragments, variables)
        if cost > limits.max_cost:
            refusals.append(refusal(QueryTooComplex(
                f"The query would cost {cost}; the limit is {limits.max_cost}. Ask for fewer people "
                "or fewer fields that call other systems.", cost=cost, limit=limits.max_cost), node))
    return refusals


def limit_rules(limits: GraphQLLimits, variables: Mapping[str, Any]) -> type[ASTValidationRule]:
    """Depth, aliases and cost as one validation rule (for checking a document outside a request)."""

    class Limits(shape_rule(limits)):  # type: ignore[misc]
        def leave_document(self, *args: Any) -> None:
            for error in cost_refusals(self.context.schema, self.context.document, limits, variables):
                self.report_error(error)
            super().leave_document(*args)

    return Limits


class NoIntrospection(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays: clients need it for unions)."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(refusal(IntrospectionDisabled("Introspection is not available to you."), node))


def token_count(document: str, cap: int) -> int:
    """Lexical tokens in the document (comments excluded), counting no further than ``cap``."""
    lexer, count = Lexer(Source(document)), 0
    try:
        while count < cap and lexer.advance().kind is not TokenKind.EOF:
            count += 1
    except GraphQLSyntaxError:
        pass
    return count


_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def without_suggestion(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=error.original_error, extensions=error.extensions)


class EnforceLimits(SchemaExtension):
    """Applies ``GraphQLLimits`` to each operation. Register it before ``ErrorCodes``."""

    limits: ClassVar[GraphQLLimits] = GraphQLLimits()
    documents: ClassVar[PreparedDocuments] = PreparedDocuments()

    def _may_introspect(self) -> bool:
        principal = getattr(self.execution_context.context, "principal", None)
        return self.limits.open_introspection or getattr(principal, "audience", None) is Audience.INTEGRATOR

    def on_operation(self) -> Iterator[None]:
        # The parser itself stops after the limit, so a huge document costs no more to refuse than a small one.
        # (strawberry's ParseOptions type predates graphql-core 3.3's max_lexical_tokens.)
        options: dict[str, Any] = self.execution_context.parse_options  # type: ignore[assignment]
        options["max_lexical_tokens"] = self.limits.max_tokens
        yield
        # ErrorCodes has already run (extensions exit in reverse order), so errors made here are coded here.
        result, query = self.execution_context.result, self.execution_context.query
        if result is None or not result.errors:
            return
        if self.execution_context.graphql_document is None and query and self._too_many_tokens(query):
            too_large = QueryTooLarge(f"The document has more than {self.limits.max_tokens} tokens.",
                                      limit=self.limits.max_tokens)
            correlation_id = getattr(self.execution_context.context, "correlation_id", "unknown")
            result.errors = [coded(refusal(too_large), correlation_id)]
        if not self._may_introspect():
            result.errors = [without_suggestion(e) for e in result.errors]

    def _too_many_tokens(self, query: str) -> bool:
        return token_count(query, self.limits.max_tokens + 1) > self.limits.max_tokens

    def on_parse(self) -> Iterator[None]:
        # A remembered document skips the parser; a failing one is left to strawberry, which reports it.
        context = self.execution_context
        if context.graphql_document is None and context.query:
            with suppress(GraphQLError):
                context.graphql_document = self.documents.parse(context.query, context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        # The spec rules, depth, aliases and introspection depend only on the text and the audience's schema,
        # so they are remembered; the cost depends on the variables and is checked on every request.
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None and context.query:
            rules = [*context.validation_rules, shape_rule(self.limits)]
            if not self._may_introspect():
                rules.append(NoIntrospection)
            schema = context.schema._schema
            errors = self.documents.validate(schema, context.query, document, rules)
            context.pre_execution_errors = [*errors, *cost_refusals(schema, document, self.limits,
                                                                    context.variables or {})]
        yield


def enforcing(limits: GraphQLLimits) -> type[SchemaExtension]:
    """The extension class for these limits (strawberry makes one extension per operation from it)."""
    return type("EnforceLimits", (EnforceLimits,), {"limits": limits, "documents": PreparedDocuments()})
