"""The leaver's own to-do list: add, edit, complete, delete; stale edits refused; bad input writes nothing."""

from __future__ import annotations

from tests.leaver.conftest import codes, error_of, fresh_leaver_token, gql, link_directly

TODOS = "{ myPlan { todos { id title notes dueDate completed version } } }"
ADD = """
mutation Add($title: String!, $notes: String, $due: Date) {
  addTodo(title: $title, notes: $notes, dueDate: $due) { id title notes dueDate completed completedAt version }
}
"""
UPDATE = """
mutation Update($id: ID!, $v: Int!, $title: String, $done: Boolean) {
  updateTodo(id: $id, expectedVersion: $v, title: $title, completed: $done) { id title completed version }
}
"""
CLEAR_NOTES = "mutation Clear($id: ID!, $v: Int!) { updateTodo(id: $id, expectedVersion: $v, notes: null) { notes } }"
DELETE = "mutation Delete($id: ID!) { deleteTodo(id: $id) }"


async def todos_of(client, token) -> list[dict]:
    body = await gql(client, token, TODOS)
    assert "errors" not in body, body
    return list(body["data"]["myPlan"]["todos"])


async def add(client, token, title: str = "Register with a GP", **extra) -> dict:
    body = await gql(client, token, ADD, title=title, **extra)
    assert "errors" not in body, body
    return dict(body["data"]["addTodo"])


async def test_add_edit_complete_and_delete(client, tokens):
    leaver = tokens["leaver"]
    added = await add(client, leaver, "  Open a bank account ", notes="Take the letter", due="2030-01-31")
    assert added == {"id": added["id"], "title": "Open a bank account", "notes": "Take the letter",
                     "dueDate": "2030-01-31", "completed": False, "completedAt": None, "version": 1}

    renamed = await gql(client, leaver, UPDATE, id=added["id"], v=1, title="Open a bank account at the bank")
    done = await gql(client, leaver, UPDATE, id=added["id"], v=2, done=True)
    cleared = await gql(client, leaver, CLEAR_NOTES, id=added["id"], v=3)

    assert renamed["data"]["updateTodo"]["title"] == "Open a bank account at the bank"
    assert done["data"]["updateTodo"] == {"id": added["id"], "title": "Open a bank account at the bank",
                                          "completed": True, "version": 3}
    assert cleared["data"]["updateTodo"] == {"notes": None}
    assert await todos_of(client, leaver) == [{"id": added["id"], "title": "Open a bank account at the bank",
                                               "notes": None, "dueDate": "2030-01-31", "completed": True,
                                               "version": 4}]

    assert (await gql(client, leaver, DELETE, id=added["id"]))["data"] == {"deleteTodo": added["id"]}
    assert await todos_of(client, leaver) == []
    assert error_of(await gql(client, leaver, DELETE, id=added["id"]))["extensions"] == {
        "code": "NOT_FOUND", "field": "id"}


async def test_a_stale_version_is_refused_and_nothing_is_overwritten(client, tokens):
    leaver = tokens["leaver"]
    added = await add(client, leaver)
    await gql(client, leaver, UPDATE, id=added["id"], v=1, title="Register with a GP in town")

    stale = await gql(client, leaver, UPDATE, id=added["id"], v=1, title="Something else")

    assert error_of(stale)["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    assert [t["title"] for t in await todos_of(client, leaver)] == ["Register with a GP in town"]


async def test_bad_input_names_the_field_and_writes_nothing(client, tokens):
    leaver = tokens["leaver"]
    for variables, field in (({"title": ""}, "title"), ({"title": "   "}, "title"), ({"title": "x" * 201}, "title"),
                             ({"title": "ok", "notes": "n" * 2001}, "notes")):
        body = await gql(client, leaver, ADD, **variables)
        assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, variables
    assert await todos_of(client, leaver) == []

    added = await add(client, leaver, "x" * 200, notes="n" * 2000)
    too_long = await gql(client, leaver, UPDATE, id=added["id"], v=1, title="y" * 201)
    assert error_of(too_long)["extensions"] == {"code": "BAD_USER_INPUT", "field": "title"}
    assert [(t["title"], t["version"]) for t in await todos_of(client, leaver)] == [("x" * 200, 1)]


async def test_one_leaver_cannot_see_or_change_anothers_todos(client, tokens, stack, seeded, another_person):
    mine = await add(client, tokens["leaver"], "Mine")
    theirs = fresh_leaver_token(stack)
    await link_directly(seeded, theirs, another_person.prisoner_number)

    assert await todos_of(client, theirs) == []
    for body in (await gql(client, theirs, UPDATE, id=mine["id"], v=1, done=True),
                 await gql(client, theirs, DELETE, id=mine["id"])):
        assert error_of(body)["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    assert [t["title"] for t in await todos_of(client, tokens["leaver"])] == ["Mine"]


async def test_unlinked_leavers_and_staff_cannot_keep_todos(client, tokens, stack):
    unlinked = await gql(client, fresh_leaver_token(stack), ADD, title="Hello")
    assert error_of(unlinked)["extensions"] == {"code": "FORBIDDEN", "reason": "NOT_LINKED"}
    for persona in ("prison-staff", "integrator"):
        assert codes(await gql(client, tokens[persona], ADD, title="Hello")) == ["GRAPHQL_VALIDATION_FAILED"]
