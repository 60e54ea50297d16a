"""Production refuses development defaults; development starts with none set."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.settings import Settings

SAFE_PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql+asyncpg://passport@db.internal/passport",
    "session_secret": "a-long-random-secret-from-the-secret-store",
    "first_time_code_key": "another-long-random-secret-from-the-secret-store",
    "hmpps_auth_url": "https://sign-in.hmpps.service.justice.gov.uk",
    "one_login_url": "https://oidc.account.gov.uk",
}


def test_development_needs_no_configuration():
    settings = Settings()
    assert settings.database_url.startswith("sqlite")
    assert settings.free_form_documents_allowed


def test_production_with_real_values_starts():
    settings = Settings(**SAFE_PRODUCTION)
    assert not settings.free_form_documents_allowed


@pytest.mark.parametrize(("key", "value", "complaint"), [
    ("database_url", "sqlite+aiosqlite:///var/passport.db", "SQLite"),
    ("session_secret", "dev-only-session-secret-change-me", "SESSION_SECRET"),
    ("first_time_code_key", "dev-only-first-time-code-key-change-me", "FIRST_TIME_CODE_KEY"),
    ("hmpps_auth_url", "http://127.0.0.1:8090", "identity providers"),
    ("one_login_url", "http://127.0.0.1:8091", "identity providers"),
])
def test_production_refuses_each_development_default(key, value, complaint):
    with pytest.raises(ValidationError, match=complaint):
        Settings(**{**SAFE_PRODUCTION, key: value})


def test_environment_variables_configure_each_upstream(monkeypatch):
    monkeypatch.setenv("DELIUS_URL", "http://delius.internal")
    monkeypatch.setenv("DELIUS_TIMEOUT_SECONDS", "3.5")
    delius = Settings().upstreams()["delius"]
    assert (delius.url, delius.timeout_seconds) == ("http://delius.internal", 3.5)


def test_every_setting_is_in_the_readme_configuration_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}" not in readme]
    assert not missing, f"add these to the README's configuration table: {missing}"
