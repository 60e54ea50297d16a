"""``PathwayStatus.all_seven`` makes each status without the dataclass ``__init__``: what it makes must be what
``__init__`` (through ``PathwayStatus.of``) makes, attribute for attribute, for every mix of recorded rows."""

from __future__ import annotations

import pytest

from schema.types.pathway import PathwayStatus
from sources.store.enums import Pathway, PathwayStatusCode
from sources.store.pathways import StatusRow

NUMBER = "A1234BC"


def _row(pathway: Pathway, status: str, version: int = 2) -> StatusRow:
    return StatusRow(NUMBER, pathway.value, status, "2026-11-01 09:30:00.000000", "someone", version)


CASES = {
    "nothing recorded": [],
    "some recorded": [_row(Pathway.HEALTH, "DONE"), _row(Pathway.ACCOMMODATION, "SUPPORT_REQUIRED", 5)],
    "all recorded": [_row(p, s.value) for p, s in zip(Pathway, PathwayStatusCode, strict=False)] + [
        _row(Pathway.HEALTH, "IN_PROGRESS")],
}


@pytest.mark.parametrize("rows", list(CASES.values()), ids=list(CASES))
def test_all_seven_makes_what_the_dataclass_makes(rows):
    made = PathwayStatus.all_seven(NUMBER, rows)
    recorded = {row.pathway: row for row in rows}
    expected = [PathwayStatus.of(NUMBER, code, recorded.get(code.value)) for code in Pathway]
    assert made == expected
    assert [vars(m) for m in made] == [vars(e) for e in expected]
    assert all(type(m) is PathwayStatus for m in made)


def test_an_unknown_stored_status_fails_as_before():
    with pytest.raises(ValueError):
        PathwayStatus.all_seven(NUMBER, [_row(Pathway.HEALTH, "NOT_A_STATUS")])
