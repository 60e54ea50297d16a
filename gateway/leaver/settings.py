"""Settings for the leaver pages' sign-in: the One Login client. Environment variables ``PYF_*``."""

from __future__ import annotations

from typing import Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.settings import InsecureSettings, Settings

DEV_CLIENT_SECRET = "pyf-dev-secret"  # the stub One Login's registered secret (fixtures/idp/one_login.py)


class LeaverPagesSettings(BaseSettings):
    """``PYF_ONE_LOGIN_CLIENT_ID``, ``PYF_ONE_LOGIN_CLIENT_SECRET``, and ``PYF_PUBLIC_URL`` when the gateway sits
    behind a proxy (the redirect URI registered with One Login is built from it)."""

    model_config = SettingsConfigDict(env_prefix="PYF_", extra="ignore", frozen=True)

    one_login_client_id: str = "resettlement-passport-pyf"
    one_login_client_secret: SecretStr = SecretStr(DEV_CLIENT_SECRET)
    public_url: str | None = None
    production: bool = False

    @model_validator(mode="after")
    def check_production(self) -> Self:
        if self.production and self.one_login_client_secret.get_secret_value() == DEV_CLIENT_SECRET:
            raise InsecureSettings("refusing to start in production: PYF_ONE_LOGIN_CLIENT_SECRET is the dev secret")
        return self


def leaver_pages_settings(settings: Settings) -> LeaverPagesSettings:
    return LeaverPagesSettings(production=settings.is_production)
