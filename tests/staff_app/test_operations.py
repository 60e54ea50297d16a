"""Every document the staff app sends is valid against the schema and registered as a persisted operation."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from gateway.staff_app import OPERATIONS, STAFF, operation_ids
from schema.persisted import MANIFEST, load_manifest, operation_id

SCHEMA = build_schema((Path(MANIFEST).parent / "schema.graphql").read_text(encoding="utf-8"))
DOCUMENTS = sorted(OPERATIONS.glob("*.graphql"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_each_operation_is_valid_and_persisted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = parse(text)
    assert validate(SCHEMA, document) == []
    names = [d.name.value for d in document.definitions if getattr(d, "name", None)]
    assert names == [path.stem], "one named operation per file, named after the file"
    assert load_manifest().get(operation_id(text)) == text, "run `python -m schema.persisted`"


def test_the_app_names_only_operations_it_has() -> None:
    used = set()
    for script in STAFF.glob("*.js"):
        source = script.read_text(encoding="utf-8")
        used |= {name for name in operation_ids() if f"'{name}'" in source}
    assert used == set(operation_ids()), f"unused operations: {set(operation_ids()) - used}"
