"""``PlannedExecutionContext`` completes values exactly as graphql-core's standard executor does.

``test_planned_execution.py`` compares the two executors on the gateway's persisted operations. Here a small
schema of its own takes the planned executor through the corners the gateway's schema has few of: nulls in
non-null fields, errors inside lists, generators, awaitables, unserialisable leaves, interfaces and unions,
fragments, directives, and fields guarded by a field group. Each document runs on a planned schema and a standard
one, as three kinds of caller; the two must give the same data, errors (in order), fields read and access-log rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from types import SimpleNamespace
from typing import Annotated, Any, NewType

import pytest
import strawberry
from strawberry.extensions import FieldExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from auth.policy import FieldGroup
from auth.principal import ROLE_EDIT, ROLE_READ, Audience, Principal
from schema.access_log import AccessLog
from schema.permissions import Public, Requires
from schema.planned_execution import PlannedExecutionContext
from sources.store.access_log_buffer import AccessLogBuffer

# --- The schema -------------------------------------------------------------------------------------------------


@strawberry.enum
class Colour(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.enum
class Stage(StrEnum):
    NOT_STARTED = "not-started"
    DONE = "done"


@strawberry.enum
class Size(Enum):
    SMALL = strawberry.enum_value("s", name="TINY")
    LARGE = "l"


def _serialise_code(value: Any) -> str | None:
    return None if value == "withheld" else f"code-{value}"  # None: graphql-core's "non-nullish" error


Code = NewType("Code", str)
SCALARS = StrawberryConfig(scalar_map={Code: strawberry.scalar(name="Code", serialize=_serialise_code,
                                                               parse_value=str)})


class Unprintable:
    def __repr__(self) -> str:  # a stable repr: the leaf error quotes the value
        return "<Unprintable>"


@dataclass
class Prisoner:
    prisoner_number: str


@strawberry.type
class Leaf:
    name: str
    note: str | None = None

    @strawberry.field
    def required(self) -> str:
        return None if self.name == "nameless" else self.name  # type: ignore[return-value]

    @strawberry.field
    def broken(self) -> str | None:
        if self.name == "broken":
            raise ValueError(f"{self.name} cannot be read")
        return self.name

    @strawberry.field
    def sometimes_awaited(self) -> str | None:
        if self.name.startswith("a"):
            return _later(f"later {self.name}")  # type: ignore[return-value]
        return self.name

    @strawberry.field
    async def awaited(self) -> str:
        return f"async {self.name}"

    @strawberry.field
    def where(self, info: Info) -> str:
        return f"{info.field_name}@{info.path.key}/{info.path.prev.key if info.path.prev else None}"


async def _later(value: Any) -> Any:
    return value


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tag(Named):
    label: str


@strawberry.type
class Badge(Named):
    level: int


@strawberry.type
class Contact:
    """No prisoner number of its own: its guarded fields are logged against the Person above it."""

    name: str

    @strawberry.field(extensions=[Requires(FieldGroup.STAFF_CONTACTS)])
    def email(self) -> str | None:
        return f"{self.name.lower()}@justice.example"


@strawberry.type
class Person:
    prisoner: strawberry.Private[Prisoner]

    @strawberry.field(extensions=[Public()])  # so only the nested email reads staff-contacts
    def contact(self) -> Contact | None:
        return Contact(name=f"COM of {self.prisoner.prisoner_number}")

    @strawberry.field
    def contacts(self) -> list[Contact]:
        return [Contact(name="Key"), Contact(name="POM")]

    @strawberry.field(extensions=[Requires(FieldGroup.IDENTITY)])
    def prisoner_number(self) -> str:
        return self.prisoner.prisoner_number

    @strawberry.field(extensions=[Requires(FieldGroup.RISK)])
    def risk(self) -> str | None:
        return "high"

    @strawberry.field(extensions=[Requires(FieldGroup.LICENCE)])
    def licence(self) -> str | None:
        return _later(f"licence of {self.prisoner.prisoner_number}")  # type: ignore[return-value]

    @strawberry.field(extensions=[Public()])
    def greeting(self) -> str:
        return "hello"

    @strawberry.field(extensions=[Requires(FieldGroup.IDENTITY)])
    def missing(self) -> str:
        return None  # type: ignore[return-value]


def _leaves(*names: str) -> list[Leaf]:
    return [Leaf(name=n) for n in names]


def _generated() -> Iterator[Leaf]:
    yield from _leaves("g1", "g2")


class Shouting(FieldExtension):
    """An extension the planner does not know: the field runs the standard way."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Box:
    label: str

    @strawberry.field
    def leaves(self) -> list[Leaf]:
        return _leaves("one", "broken", "apple")

    @strawberry.field
    def strict_items(self) -> list[Leaf] | None:
        return _leaves("one", "nameless", "three")

    @strawberry.field
    def loose_items(self) -> list[Leaf | None] | None:
        return _leaves("one", "nameless", "three")  # type: ignore[return-value]

    @strawberry.field
    def strict_list(self) -> list[Leaf]:
        return _leaves("one", "nameless")

    @strawberry.field
    def null_items(self) -> list[str] | None:
        return ["a", None, "c"]  # type: ignore[list-item]

    @strawberry.field
    def loose_nulls(self) -> list[str | None] | None:
        return ["a", None, "c"]

    @strawberry.field
    def as_tuple(self) -> list[Leaf]:
        return tuple(_leaves("t1", "t2"))  # type: ignore[return-value]

    @strawberry.field
    def as_generator(self) -> list[Leaf] | None:
        return _generated()  # type: ignore[return-value]

    @strawberry.field
    def not_a_list(self) -> list[str] | None:
        return 42  # type: ignore[return-value]

    @strawberry.field
    def awaited_items(self) -> list[str | None] | None:
        return [_later("x"), "y", _later(None)]  # type: ignore[list-item]

    @strawberry.field
    def failing_list(self) -> list[str] | None:
        raise RuntimeError("no list today")

    @strawberry.field
    def returned_error(self) -> str | None:
        return ValueError("returned, not raised")  # type: ignore[return-value]

    @strawberry.field
    def inner(self) -> Box | None:
        return Box(label=f"inside {self.label}") if len(self.label) < 30 else None

    @strawberry.field
    def required_inner(self) -> Leaf:
        return Leaf(name="nameless")

    @strawberry.field
    def things(self) -> list[Named]:
        return [Tag(name="t", label="tag"), Badge(name="b", level=2)]

    @strawberry.field
    def tag(self) -> Tag:  # an object type with is_type_of (it implements an interface)
        return Tag(name="t", label="tag")

    @strawberry.field
    def wrong_tag(self) -> Tag | None:
        return Leaf(name="not a tag")  # type: ignore[return-value]

    @strawberry.field
    def either(self) -> list[Annotated[Tag | Leaf, strawberry.union("Either")]]:
        return [Tag(name="t", label="tag"), Leaf(name="leaf")]

    @strawberry.field
    def scaled(self, factor: int = 2) -> int:
        return len(self.label) * factor

    @strawberry.field(extensions=[Shouting()])
    def shouted(self) -> str:
        return self.label


@strawberry.type
class Leaves:
    """Leaves the executor must serialise, or refuse as graphql-core does."""

    @strawberry.field
    def int_as_string(self) -> str | None:
        return 7  # type: ignore[return-value]

    @strawberry.field
    def bool_as_string(self) -> str | None:
        return True  # type: ignore[return-value]

    @strawberry.field
    def object_as_string(self) -> str | None:
        return Unprintable()  # type: ignore[return-value]

    @strawberry.field
    def text_as_int(self) -> int | None:
        return "seven"  # type: ignore[return-value]

    @strawberry.field
    def float_as_int(self) -> int | None:
        return 1.5  # type: ignore[return-value]

    @strawberry.field
    def huge_int(self) -> int | None:
        return 2**40

    @strawberry.field
    def whole_float_as_int(self) -> int | None:
        return 3.0  # type: ignore[return-value]

    @strawberry.field
    def int_as_float(self) -> float | None:
        return 2

    @strawberry.field
    def nan(self) -> float | None:
        return float("nan")

    @strawberry.field
    def int_as_id(self) -> strawberry.ID | None:
        return 12  # type: ignore[return-value]

    @strawberry.field
    def int_as_bool(self) -> bool | None:
        return 1  # type: ignore[return-value]

    @strawberry.field
    def colour(self) -> Colour:
        return Colour.GREEN

    @strawberry.field
    def colour_value(self) -> Colour | None:
        return "red"  # type: ignore[return-value]

    @strawberry.field
    def bad_colour(self) -> Colour | None:
        return "blue"  # type: ignore[return-value]

    @strawberry.field
    def stages(self) -> list[Stage]:
        return [Stage.DONE, Stage.NOT_STARTED]

    @strawberry.field
    def stage_value(self) -> Stage | None:
        return "done"  # type: ignore[return-value]

    @strawberry.field
    def stage_name(self) -> Stage | None:
        return "DONE"  # type: ignore[return-value]

    @strawberry.field
    def sizes(self) -> list[Size | None]:
        return [Size.SMALL, Size.LARGE, "s", "TINY"]  # type: ignore[list-item]

    @strawberry.field
    def codes(self) -> list[Code | None]:
        return [Code("a1"), Code("withheld")]

    @strawberry.field
    def required_code(self) -> Code:
        return Code("withheld")

    @strawberry.field
    def day(self) -> date | None:
        return date(2025, 1, 31)

    @strawberry.field
    def bad_day(self) -> date | None:
        return "31/01/2025"  # type: ignore[return-value]

    @strawberry.field
    def required_bad(self) -> int:
        return "not a number"  # type: ignore[return-value]


@strawberry.type
class Plain:
    """Fields read straight off the dataclass: completed flat (schema/flat_objects.py) unless something is amiss."""

    name: str
    stage: Stage | None = None
    code: Code | None = None
    count: int | None = None


class Shown:
    """Not Plain, though it has Plain's fields: an object of another class is completed by the plans."""

    def __init__(self, name: str) -> None:
        self.name, self.stage, self.code, self.count = name, Stage.DONE, None, 1


@strawberry.type
class Query:
    @strawberry.field
    def box(self) -> Box | None:
        return Box(label="top")

    @strawberry.field
    def plains(self) -> list[Plain]:
        return [Plain(name="p", stage=Stage.DONE, code=Code("a1"), count=3), Plain(name="q", code=Code("withheld")),
                Plain(name="r", count="x"), Plain(name="s", stage="done"), Shown("t")]  # type: ignore[list-item,arg-type]

    @strawberry.field
    def loose_plains(self) -> list[Plain | None]:
        return [Plain(name="p"), Plain(name=None), Plain(name="r", stage=Stage.NOT_STARTED)]  # type: ignore[arg-type]

    @strawberry.field
    def plain(self) -> Plain | None:
        return Plain(name=None)  # type: ignore[arg-type]

    @strawberry.field
    def boxes(self) -> list[Box]:
        return [Box(label="first"), Box(label="second")]

    @strawberry.field
    def leaves(self) -> Leaves:
        return Leaves()

    @strawberry.field
    def leaf(self, name: str = "arg") -> Leaf | None:
        return Leaf(name=name)

    @strawberry.field
    def person(self) -> Person | None:
        return Person(prisoner=Prisoner("A1234BC"))

    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(prisoner=Prisoner("A1234BC")), Person(prisoner=Prisoner("B2345CD"))]

    @strawberry.field
    async def later_box(self) -> Box | None:
        return Box(label="awaited")

    @strawberry.field
    def strict_leaf(self) -> Leaf:
        return Leaf(name="nameless")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> Box:
        return Box(label="touched")


# --- Each document on both schemas, as each caller --------------------------------------------------------------


# With the access log's extension: it places each Person in the result, so nested reads are attributed to them.
PLANNED = strawberry.Schema(query=Query, mutation=Mutation, types=[Tag, Badge], config=SCALARS,
                            extensions=[AccessLog], execution_context_class=PlannedExecutionContext)
STANDARD = strawberry.Schema(query=Query, mutation=Mutation, types=[Tag, Badge], config=SCALARS,
                             extensions=[AccessLog])

LEAF = "name note required broken sometimesAwaited awaited where"
DOCUMENTS: dict[str, str] = {
    "non-null null propagates to the parent": "{ box { label requiredInner { name required } } strictLeaf { name } }",
    "nullable field raising": "{ box { leaves { name broken } } }",
    "list items": "{ box { strictItems { name required } looseItems { name required } } }",
    "non-null list propagates to its parent": "{ box { label strictList { required } } }",
    "null items": "{ box { nullItems looseNulls } }",
    "tuple and generator": f"{{ box {{ asTuple {{ {LEAF} }} asGenerator {{ {LEAF} }} }} }}",
    "not a list": "{ box { notAList label } }",
    "awaitables": "{ box { awaitedItems leaves { sometimesAwaited awaited } } laterBox { label leaves { name } } }",
    "awaited sometimes": f"{{ box {{ leaves {{ {LEAF} }} }} leaf(name: \"abc\") {{ {LEAF} }} }}",
    "list resolver raising": "{ box { failingList label } }",
    "returned error": "{ box { returnedError label } }",
    "leaves": """{ leaves { intAsString boolAsString objectAsString textAsInt floatAsInt hugeInt wholeFloatAsInt
                   intAsFloat nan intAsId intAsBool colour colourValue badColour stages stageValue stageName sizes
                   codes day badDay } }""",
    "a non-null leaf that cannot serialise": "{ leaves { colour requiredBad } box { label } }",
    "a non-null scalar serialised to null": "{ box { label } leaves { codes requiredCode } }",
    "nested objects": "{ boxes { label inner { label inner { label leaves { name } inner { label } } } } }",
    "interfaces and unions": """{ box { things { __typename name ... on Tag { label } ... on Badge { level } }
                                        tag { name label } wrongTag { name }
                                        either { __typename ... on Tag { label } ... on Leaf { name required } } } }""",
    "arguments and other extensions": "{ box { label scaled s3: scaled(factor: 3) shouted inner { shouted } } }",
    "fragments and aliases": """
        fragment Parts on Box { label leaves { name } first: leaves { required } }
        query { box { ...Parts ... on Box { label leaves { note } } again: label
                      inner { ...Parts } one: leaves { n: name } two: leaves { n: name w: where }
                      bad: leaves { b: broken w: where } items: strictItems { r: required } } }""",
    "include and skip": """
        query ($yes: Boolean!, $no: Boolean!) {
          box { label @include(if: $yes) leaves @skip(if: $no) { name @include(if: $no) required }
                ... on Box @include(if: $no) { inner { label } }
                ... @skip(if: $yes) { strictItems { name } } }
          leaf @include(if: $yes) { name } }""",
    "typename": "{ __typename box { __typename label leaves { __typename name } } leaves { __typename } }",
    "guarded fields": "{ person { prisonerNumber risk licence greeting } people { prisonerNumber licence } }",
    "guarded non-null null": "{ people { prisonerNumber missing } person { greeting } }",
    "guarded nested fields": """{ people { prisonerNumber contact { name email } contacts { email } }
                                  person { contacts { email } } box { label } }""",
    "mutation": "mutation { touch { label leaves { name required } } }",
    "flat objects": "{ plains { name stage code count } loosePlains { stage name } plain { count name } }",
    "flat objects, fewer fields": "{ plains { count } loosePlains { name } box { label inner { label } } }",
}
PRISON_STAFF = Principal(audience=Audience.PRISON_STAFF, subject="staff", username="STAFF",
                         roles=frozenset({ROLE_EDIT}), caseloads=frozenset({"MDI"}))
INTEGRATOR = Principal(audience=Audience.INTEGRATOR, subject="client", client_id="client",
                       roles=frozenset({ROLE_READ}))
LEAVER = Principal(audience=Audience.LEAVER, subject="leaver", prisoner_number="A1234BC")


class RecordedDatabase:
    """Stands in for the database the access log writes its rows to, keeping them."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    @asynccontextmanager
    async def session(self) -> AsyncIterator[RecordedDatabase]:
        yield self

    transaction = session  # what the access log writes in

    async def execute(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        self.rows += [{k: v for k, v in row.items() if k != "at"} for row in rows]  # "at": when written

    async def commit(self) -> None:
        pass


async def _execute(schema: strawberry.Schema, document: str, principal: Principal) -> tuple[Any, list[Any], Any]:
    database = RecordedDatabase()
    context = SimpleNamespace(principal=principal, field_groups_read={}, correlation_id="one request",
                              sources=SimpleNamespace(database=database,
                                                      access_log=AccessLogBuffer(database, interval=0)))  # type: ignore[arg-type]
    result = await schema.execute(document, variable_values={"yes": True, "no": False}, context_value=context)
    return result.data, [e.formatted for e in result.errors or []], (context.field_groups_read, database.rows)


@pytest.mark.parametrize("principal", [PRISON_STAFF, INTEGRATOR, LEAVER], ids=["prison-staff", "integrator", "leaver"])
@pytest.mark.parametrize("name", list(DOCUMENTS))
async def test_the_planned_executor_completes_as_graphql_core_does(name, principal):
    planned = await _execute(PLANNED, DOCUMENTS[name], principal)
    standard = await _execute(STANDARD, DOCUMENTS[name], principal)

    assert planned[0] == standard[0], "data differ"
    assert planned[1] == standard[1], "errors differ (message, locations, path, extensions; in order)"
    assert planned[2] == standard[2], "fields read, or access-log rows written, differ"
    assert all("path" in error for error in planned[1]), "the document did not run (it is not valid)"
