"""What a content designer or a deploy could break: content files, translations, persisted operations, settings."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from gateway.leaver import content, graphql
from gateway.leaver.render import TEMPLATES, TRANSLATIONS
from gateway.leaver.settings import LeaverPagesSettings

GATEWAY_LEAVER = Path(graphql.__file__).parent
# Keys a template builds or receives rather than names outright (`t("unavailable_" ~ name)`, `t(alert)`).
BUILT_KEYS = {f"unavailable_{name}" for name in graphql._INFORMATION.values()} | {
    "contact_telephone", "contact_mobile", "contact_email", "alert_today", "alert_tomorrow", "confirm_failed",
    "standard_conditions", "additional_conditions", "bespoke_conditions", "todo_added", "todo_saved", "todo_deleted",
    "todo_conflict"}
SAME_IN_WELSH = {"beta"}  # GOV.UK's Welsh phase banner says "Beta" too


def _text(lang: str) -> dict[str, str]:
    loaded = yaml.safe_load((TRANSLATIONS / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in loaded.items()}


def keys_the_pages_ask_for() -> set[str]:
    """Every key named in a `t("...")` call in the templates and the page handlers, and the built ones."""
    named = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")
    handlers = [p for p in GATEWAY_LEAVER.glob("*.py") if p.name != "render.py"]  # render.py defines t() itself
    sources = [*TEMPLATES.glob("*.html"), *handlers]
    found = {key for path in sources for key in named.findall(path.read_text(encoding="utf-8"))}
    return found | BUILT_KEYS


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_pathway_has_one_support_page_with_a_review_date():
    pages = content.pages("en")
    assert sorted(p.pathway for p in pages) == sorted(content.PATHWAY_ORDER)
    assert all(p.last_reviewed.year >= 2024 and p.summary for p in pages)


def test_every_support_page_has_a_welsh_version_with_the_same_shape():
    """A content designer who adds an English page, section or local area must add the Welsh too."""
    for english in content.pages("en"):
        welsh = content.page(english.slug, "cy")
        assert welsh is not None and welsh.lang == "cy", f"{english.slug} has no Welsh version in content/cy/"
        assert welsh.pathway == english.pathway, english.slug
        assert set(welsh.areas) == set(english.areas), f"{english.slug}: Welsh local areas differ"
        assert welsh.body.count("\n## ") + welsh.body.startswith("## ") == \
            english.body.count("\n## ") + english.body.startswith("## "), f"{english.slug}: Welsh sections differ"
        assert welsh.title != english.title and welsh.summary != english.summary, f"{english.slug}: not translated"


def test_welsh_pages_translate_english_ones_and_name_known_areas():
    welsh = sorted(p.stem for p in (content.CONTENT / "cy").glob("*.md"))
    assert welsh and set(welsh) <= set(content.slugs())
    known = {a.code for a in content.areas()}
    for lang in ("en", "cy"):
        for page in content.pages(lang):
            assert set(page.areas) <= known, page.slug


def test_both_languages_have_the_same_text_keys():
    english, welsh = _text("en"), _text("cy")
    assert set(english) == set(welsh)
    assert all(welsh[k].strip() for k in welsh)


def test_every_string_the_pages_ask_for_has_a_welsh_version():
    english, welsh = _text("en"), _text("cy")
    asked = keys_the_pages_ask_for()
    assert len(asked) > 100  # the scan found the templates' calls
    assert sorted(asked - set(english)) == [], "keys the pages use but en.yaml lacks"
    assert sorted(asked - set(welsh)) == [], "keys the pages use but cy.yaml lacks"
    untranslated = sorted(k for k in asked if welsh[k] == english[k] and k not in SAME_IN_WELSH)
    assert untranslated == [], "Welsh text that is still the English"
    for key in asked:
        assert _placeholders(welsh[key]) == _placeholders(english[key]), f"{key}: Welsh placeholders differ"


def test_every_leaver_operation_is_in_the_persisted_manifest():
    names = sorted(p.stem for p in graphql.OPERATIONS.glob("*.graphql"))
    assert len(names) >= 10
    for name in names:
        assert graphql.operation(name)  # raises OperationNotPersisted when the manifest lags


def test_production_refuses_the_stub_client_secret():
    with pytest.raises(ValueError, match="PYF_ONE_LOGIN_CLIENT_SECRET"):
        LeaverPagesSettings(production=True)
    assert LeaverPagesSettings(production=True, one_login_client_secret="a-real-secret")
