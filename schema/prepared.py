"""Parsed documents and their validation, remembered across requests.

The first-party clients send the same few persisted operations all day, and parsing and validating one
costs more than answering a small query. Both depend only on the document text and on the schema it is
checked against (each audience has its own contract, so the same text may be valid for staff and invalid
for a leaver), plus whether introspection is refused. The cost limit depends on the request's variables
(``prisonerNumbers`` of 10 or of 1,000 people), so it is not part of what is remembered: ``schema.limits``
checks it on every request against the remembered document.

Only valid documents are remembered as valid; an invalid one is validated again each time, so its errors
are always fresh objects. Both maps are bounded (least recently used goes first), so unknown free-form
documents from integrators cannot grow memory without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.schema.schema import validate_document

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_DOCUMENTS = 256


class Lru(Generic[K, V]):
    """A small bounded map; the least recently used entry goes first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


ValidKey = tuple[GraphQLSchema, str, tuple[type[ASTValidationRule], ...]]


class PreparedDocuments:
    """Parses and validates through two bounded caches."""

    def __init__(self, maxsize: int = MAX_DOCUMENTS) -> None:
        self.parsed: Lru[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = Lru(maxsize)
        self.valid: Lru[ValidKey, bool] = Lru(maxsize)

    def parse(self, query: str, options: Mapping[str, Any]) -> DocumentNode:
        """The document for this text and these ``graphql.parse`` options; raises as ``graphql.parse`` does."""
        key = (query, tuple(sorted(options.items())))
        document = self.parsed.get(key)
        if document is None:
            document = parse(query, **options)
            self.parsed.put(key, document)
        return document

    def validate(self, schema: GraphQLSchema, query: str, document: DocumentNode,
                 rules: Sequence[type[ASTValidationRule]]) -> list[GraphQLError]:
        """strawberry's validation (its own rules added), skipped when this text already passed it."""
        key: ValidKey = (schema, query, tuple(rules))
        if self.valid.get(key):
            return []
        errors = validate_document(schema, document, tuple(rules))
        if not errors:
            self.valid.put(key, True)
        return errors
