"""The four-case security tests, generated from the schema and the policy for every field guarded by
``Requires``: no token, no role (an audience the policy grants nothing, or one without the role), wrong
scope (someone the caller may not see), and the right role. A field added tomorrow is tested tomorrow.

Refusals take one of two shapes, and each case asserts the one it must get: when the caller's schema
contract (schema/audiences.py) lacks a field on the route, the document fails validation; otherwise the
first refused field on the route is null with FORBIDDEN. Out of scope looks exactly like not existing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from auth.policy import POLICY, may
from auth.principal import ANONYMOUS, Principal
from fixtures.population import Population
from schema import build_schema
from schema.audiences import CONTRACT_OF, AudienceSchemas, guard_of
from schema.permissions import Requires
from tests.security.conftest import PERSONAS, SKIP, post, principal_of, subjects
from tests.security.walk import ROOTS, Target, targets, values_at

FULL = build_schema()
CONTRACTS = AudienceSchemas.build(FULL)
TARGETS = targets(FULL._schema)


def route_guards(target: Target) -> list[tuple[tuple[str, ...], Requires]]:
    """The Requires guards met along the route, with the path at which each one applies."""
    schema, guards = FULL._schema, []
    parent: Any = schema.mutation_type if target.operation == "mutation" else schema.query_type
    for depth, step in enumerate(target.steps):
        field = parent.fields[step.field]
        guard = guard_of(field)
        if isinstance(guard, Requires):
            guards.append((target.path[:depth + 1], guard))
        named: Any = field.type
        while hasattr(named, "of_type"):
            named = named.of_type
        parent = schema.type_map[step.on] if step.on else named
    return guards


def in_contract(principal: Principal, target: Target) -> bool:
    schema = CONTRACTS.for_audience(principal.audience)._schema
    parent: Any = schema.mutation_type if target.operation == "mutation" else schema.query_type
    for step in target.steps:
        if parent is None or step.field not in getattr(parent, "fields", {}):
            return False
        named: Any = parent.fields[step.field].type
        while hasattr(named, "of_type"):
            named = named.of_type
        parent = schema.type_map.get(step.on) if step.on else named
    return True


@dataclass(frozen=True)
class Case:
    target: Target
    kind: str                # no-token, bad-token, no-grant, no-role, wrong-scope, right-role
    persona: str | None
    variable: Any

    @property
    def id(self) -> str:
        return f"{self.target.id}-{self.kind}" + (f"-{self.persona}" if self.persona else "")


def cases(population: Population) -> list[Any]:
    people = subjects(population)
    generated: list[Any] = []
    for target in TARGETS:
        if target.skip:
            generated.append(pytest.param(Case(target, "all", None, None), id=target.id,
                                          marks=pytest.mark.skip(reason=target.skip)))
            continue
        root_subjects = people.get(target.root or "", {})
        some_in = next((v[0] for v in root_subjects.values() if v[0] is not SKIP), None)
        generated.append(Case(target, "no-token", None, some_in))
        generated.append(Case(target, "bad-token", None, some_in))
        for persona in PERSONAS:
            principal = principal_of(persona)
            guards = [g for _, g in route_guards(target)]
            in_scope, out_of_scope = root_subjects.get(persona, (SKIP, SKIP)) if target.root else (None, SKIP)
            if not may(principal, target.guard.group, target.guard.access):
                kind = "no-grant" if principal.audience not in POLICY[target.guard.group] else "no-role"
                generated.append(Case(target, kind, persona, some_in if in_scope is SKIP else in_scope))
            elif all(may(principal, g.group, g.access) for g in guards):
                if target.operation == "mutation":
                    continue  # a granted write really writes: each mutation's own tests cover it
                if out_of_scope is not SKIP:
                    generated.append(Case(target, "wrong-scope", persona, out_of_scope))
                if in_scope is not SKIP:
                    generated.append(Case(target, "right-role", persona, in_scope))
    return [c if not isinstance(c, Case) else pytest.param(c, id=c.id) for c in generated]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        from fixtures.population import build_population

        metafunc.parametrize("case", cases(build_population(people=4000)))


def refused_codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors", [])}


def assert_refused(body: dict[str, Any], principal: Principal, target: Target) -> None:
    if not in_contract(principal, target):
        assert body["data"] is None and refused_codes(body) == {"GRAPHQL_VALIDATION_FAILED"}, body
        return
    refused_at = next(path for path, guard in route_guards(target)
                      if not may(principal, guard.group, guard.access))
    forbidden = {tuple(p for p in e.get("path", ()) if isinstance(p, str))
                 for e in body.get("errors", []) if e["extensions"]["code"] == "FORBIDDEN"}
    parents = values_at(body["data"], refused_at)
    assert all(parent[refused_at[-1]] is None for parent, has in parents if has), body
    if parents:  # the route reached the refused field at least once
        assert refused_at in forbidden, body


@pytest.mark.asyncio(loop_scope="module")
async def test_guarded_field(case: Case, shared_client, tokens) -> None:
    target = case.target
    variables = {"v": case.variable} if ROOTS.get(target.root or "", (None,))[0] else {}
    token = {"no-token": None, "bad-token": "not.a.jwt"}.get(case.kind, tokens.get(case.persona or ""))
    response = await post(shared_client, token, target.document(), variables)
    if case.kind == "bad-token":
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return
    assert response.status_code == 200, response.text
    body = response.json()
    principal = ANONYMOUS if case.persona is None else principal_of(case.persona)
    if case.kind in ("no-token", "no-grant", "no-role"):
        assert_refused(body, principal, target)
    elif case.kind == "wrong-scope":
        assert body["data"] == {target.path[0]: None}, body
        assert "errors" not in body, body
        if target.root == "person":  # out of scope looks exactly like someone who does not exist
            missing = await post(shared_client, token, target.document(), {"v": "Z9999ZZ"})
            assert missing.json() == body
    else:
        assert not refused_codes(body) & {"FORBIDDEN", "GRAPHQL_VALIDATION_FAILED", "INTERNAL_SERVER_ERROR"}, body
        assert body["data"][target.path[0]] is not None, body
        assert all(has for _, has in values_at(body["data"], target.path)), body


def test_every_guarded_field_is_reached_or_listed() -> None:
    unlisted = [t.id for t in TARGETS if t.skip and t.skip.startswith("UNLISTED")]
    assert not unlisted, f"add a root to walk.ROOTS or list the type in walk.UNREACHED with a reason: {unlisted}"


def test_every_readable_guarded_field_has_a_right_role_case(population: Population) -> None:
    """A field nobody among the demo personas may read would pass every refusal and prove nothing."""
    covered = {c.values[0].target.id for c in cases(population)
               if isinstance(c.values[0], Case) and c.values[0].kind == "right-role"}
    readable = {t.id for t in TARGETS if not t.skip and t.operation == "query"}
    assert readable - covered == set(), "no persona reads these; add a persona or a subject in conftest.py"


def test_contracts_cover_every_audience() -> None:
    assert set(CONTRACT_OF) == {p.audience for p in map(principal_of, PERSONAS)} | {ANONYMOUS.audience}
