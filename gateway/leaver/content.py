"""Support content for people leaving prison: Markdown files with YAML front matter, searchable.

A content designer edits ``web_clients/leaver/content/{en,cy}/<slug>.md``. The front matter names the
pathway, title, summary, ``last_reviewed`` date and, under ``areas``, extra Markdown for a local area.
A Welsh file is optional; without one the English text is shown with a note in Welsh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import yaml

from gateway.leaver.render import LEAVER

CONTENT = LEAVER / "content"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass(frozen=True)
class Area:
    code: str
    names: dict[str, str]


@dataclass(frozen=True)
class SupportPage:
    slug: str
    pathway: str
    lang: str
    title: str
    summary: str
    last_reviewed: date
    body: str
    areas: dict[str, str] = field(default_factory=dict)


@cache
def areas() -> tuple[Area, ...]:
    loaded = yaml.safe_load((CONTENT / "areas.yaml").read_text(encoding="utf-8"))
    return tuple(Area(code=str(a["code"]), names={k: str(v) for k, v in a["name"].items()}) for a in loaded)


def area(code: str | None) -> Area | None:
    return next((a for a in areas() if a.code == code), None)


def _read(path_lang: str, slug: str) -> SupportPage | None:
    path = CONTENT / path_lang / f"{slug}.md"
    if not path.is_file():
        return None
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{path} has no front matter")
    meta, body = yaml.safe_load(match.group(1)), match.group(2)
    reviewed = meta["last_reviewed"]
    return SupportPage(slug=slug, pathway=str(meta["pathway"]), lang=path_lang, title=str(meta["title"]),
                       summary=str(meta["summary"]), body=body,
                       last_reviewed=reviewed if isinstance(reviewed, date) else date.fromisoformat(reviewed),
                       areas={str(k): str(v) for k, v in (meta.get("areas") or {}).items()})


@cache
def slugs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (CONTENT / "en").glob("*.md")))


@cache
def page(slug: str, lang: str) -> SupportPage | None:
    """The page in ``lang``, or the English one when there is no translation (its ``lang`` says which)."""
    if slug not in slugs():
        return None
    return _read(lang, slug) or _read("en", slug)


def pages(lang: str) -> list[SupportPage]:
    found = [page(slug, lang) for slug in slugs()]
    return sorted((p for p in found if p is not None), key=lambda p: PATHWAY_ORDER.index(p.pathway))


def page_for_pathway(pathway: str, lang: str) -> SupportPage | None:
    return next((p for p in pages(lang) if p.pathway == pathway), None)


PATHWAY_ORDER = ["ACCOMMODATION", "ATTITUDES_THINKING_AND_BEHAVIOUR", "CHILDREN_FAMILIES_AND_COMMUNITY",
                 "DRUGS_AND_ALCOHOL", "EDUCATION_SKILLS_AND_WORK", "FINANCE_AND_ID", "HEALTH"]


@dataclass(frozen=True)
class Hit:
    page: SupportPage
    score: int


def search(query: str, lang: str) -> list[Hit]:
    """Pages holding every word of the query (title words count more), best first."""
    words = [w.lower() for w in _WORD.findall(query) if len(w) > 1]
    if not words:
        return []
    hits = []
    for candidate in pages(lang):
        title = candidate.title.lower()
        text = " ".join([candidate.summary, candidate.body, *candidate.areas.values()]).lower()
        if all(w in title or w in text for w in words):
            hits.append(Hit(candidate, sum(5 * title.count(w) + text.count(w) for w in words)))
    return sorted(hits, key=lambda h: -h.score)
