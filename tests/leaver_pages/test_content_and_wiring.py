"""What a content designer or a deploy could break: content files, translations, persisted operations, settings."""

from __future__ import annotations

import pytest
import yaml

from gateway.leaver import content, graphql
from gateway.leaver.render import TRANSLATIONS
from gateway.leaver.settings import LeaverPagesSettings


def test_every_pathway_has_one_support_page_with_a_review_date():
    pages = content.pages("en")
    assert sorted(p.pathway for p in pages) == sorted(content.PATHWAY_ORDER)
    assert all(p.last_reviewed.year >= 2024 and p.summary for p in pages)


def test_welsh_pages_translate_english_ones_and_name_known_areas():
    welsh = sorted(p.stem for p in (content.CONTENT / "cy").glob("*.md"))
    assert welsh and set(welsh) <= set(content.slugs())
    known = {a.code for a in content.areas()}
    for lang in ("en", "cy"):
        for page in content.pages(lang):
            assert set(page.areas) <= known, page.slug


def test_both_languages_have_the_same_text_keys():
    english = yaml.safe_load((TRANSLATIONS / "en.yaml").read_text(encoding="utf-8"))
    welsh = yaml.safe_load((TRANSLATIONS / "cy.yaml").read_text(encoding="utf-8"))
    assert set(english) == set(welsh)
    assert all(str(welsh[k]).strip() for k in welsh)


def test_every_leaver_operation_is_in_the_persisted_manifest():
    names = sorted(p.stem for p in graphql.OPERATIONS.glob("*.graphql"))
    assert len(names) >= 10
    for name in names:
        assert graphql.operation(name)  # raises OperationNotPersisted when the manifest lags


def test_production_refuses_the_stub_client_secret():
    with pytest.raises(ValueError, match="PYF_ONE_LOGIN_CLIENT_SECRET"):
        LeaverPagesSettings(production=True)
    assert LeaverPagesSettings(production=True, one_login_client_secret="a-real-secret")
