"""One typed settings object, read from the environment and passed down.

Development defaults run everything on one machine: SQLite, the stub legacy systems and the stub identity
providers. Production refuses those defaults (see ``Settings.check_production``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sources.config import UpstreamConfig

DEV_SESSION_SECRET = "dev-only-session-secret-change-me"
DEV_FIRST_TIME_CODE_KEY = "dev-only-first-time-code-key-change-me"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class InsecureSettings(ValueError):
    """Production was asked to start with a development default."""


class Settings(BaseSettings):
    """Every knob of the gateway. Names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    environment: Environment = Environment.DEV
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/passport.db"
    redis_url: str | None = None
    session_secret: SecretStr = SecretStr(DEV_SESSION_SECRET)
    git_ref: str = "unknown"

    nomis_url: str = "http://127.0.0.1:8081"
    nomis_timeout_seconds: float = 2.0
    delius_url: str = "http://127.0.0.1:8082"
    delius_timeout_seconds: float = 2.0
    licences_url: str = "http://127.0.0.1:8083"
    licences_timeout_seconds: float = 2.0
    appointments_url: str = "http://127.0.0.1:8084"
    appointments_timeout_seconds: float = 2.0
    upstream_concurrency: int = 16
    upstream_retries: int = 2
    upstream_breaker_failures: int = 5
    upstream_breaker_reset_seconds: float = 5.0

    hmpps_auth_url: str = "http://127.0.0.1:8090"
    one_login_url: str = "http://127.0.0.1:8091"
    token_audience: str = "resettlement-passport-api"
    allowed_algorithms: tuple[str, ...] = ("RS256",)

    explorer_example_prisoner_number: str | None = Field(
        default=None, description="Prefilled in the explorer's variables; `passport serve` sets a demo person.")

    allow_free_form_documents: bool | None = Field(
        default=None, description="None means: allowed in dev and test, refused in production."
    )

    # GraphQL limits (each refusal carries a code; see schema/limits.py and gateway/graphql_view.py).
    max_query_depth: int = Field(default=10, ge=1, description="Levels of nested fields in one operation.")
    max_aliases: int = Field(default=30, ge=0, description="Aliased fields in one document.")
    max_query_tokens: int = Field(default=2000, ge=1, description="Lexical tokens in one document.")
    max_query_cost: int = Field(default=10000, ge=1, description="Cost of one operation (schema/cost.py).")
    max_body_bytes: int = Field(default=64 * 1024, ge=1, description="Largest request body, in bytes.")
    open_introspection: bool | None = Field(
        default=None, description="Introspection and 'Did you mean' for every audience; None means: "
        "yes in dev and test, integrators only in production.")

    # First-time codes (sources/store/first_time_codes.py): only an HMAC of each code is stored, keyed by this.
    first_time_code_key: SecretStr = Field(
        default=SecretStr(DEV_FIRST_TIME_CODE_KEY), description="HMAC key for stored first-time ID codes.")

    # Rate limit and CSRF (gateway/ratelimit.py, gateway/csrf.py).
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per principal (or per client IP when anonymous) per minute; "
        "0 turns the limit off. Shared through Redis when REDIS_URL is set.")

    # Operations (README "Operations").
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    read_only: bool = Field(default=False, description="Refuse every mutation with READ_ONLY; reads carry on.")
    log_level: str = Field(default="INFO", description="Level for the JSON logs on stdout.")
    access_log_flush_seconds: float = Field(
        default=0.5, ge=0, le=60, description="How long records of staff and integrator reads may wait to be "
        "written to the access log together (one transaction for many requests); 0 writes each request's own.")
    shutdown_grace_seconds: float = Field(
        default=25.0, ge=0, description="On shutdown, how long to wait for requests in flight before closing sources.")

    # Outbox worker (gateway/outbox_worker.py): delivers case notes and appointments owed to legacy systems.
    outbox_worker_enabled: bool = Field(default=True, description="Run the outbox worker in this process.")
    outbox_poll_seconds: float = Field(default=1.0, gt=0, description="Wait between polls when nothing is due.")
    outbox_batch: int = Field(default=20, ge=1, le=500, description="Items one worker claims per poll.")
    outbox_lease_seconds: float = Field(
        default=30.0, gt=0, description="How long a claim lasts; a crashed worker's items come back after it.")

    # Tracing (gateway/tracing.py). The standard OpenTelemetry names, so the usual OTEL_* variables apply.
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP collector base URL (spans go to <url>/v1/traces); unset: tracing off.")
    otel_service_name: str = Field(
        default="resettlement-passport-gateway", description="service.name on every span this gateway exports.")

    # Execution (schema/planned_execution.py): each selection planned once per operation. Off is the fallback if
    # a plan ever disagrees with graphql-core's standard executor: slower, same answers.
    planned_execution: bool = Field(
        default=True, description="Plan each selection set once per operation; false: graphql-core's standard "
        "executor for every field.")

    # Benchmarks (benchmarks/): the naive baseline, with every loader's batching and caching switched off.
    naive_loaders: bool = Field(
        default=False, description="Benchmarks only: no batching, no per-request or cross-request cache.")

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def uses_dev_identity(self) -> bool:
        return "127.0.0.1" in self.hmpps_auth_url or "localhost" in self.hmpps_auth_url

    @property
    def hmpps_auth_issuer(self) -> str:
        return f"{self.hmpps_auth_url}/auth/issuer"

    @property
    def hmpps_auth_jwks_url(self) -> str:
        return f"{self.hmpps_auth_url}/auth/.well-known/jwks.json"

    @property
    def one_login_issuer(self) -> str:
        return f"{self.one_login_url}/"

    @property
    def one_login_jwks_url(self) -> str:
        return f"{self.one_login_url}/.well-known/jwks.json"

    def upstreams(self) -> dict[str, UpstreamConfig]:
        """One block per legacy system."""
        blocks = {
            "nomis": (self.nomis_url, self.nomis_timeout_seconds),
            "delius": (self.delius_url, self.delius_timeout_seconds),
            "licences": (self.licences_url, self.licences_timeout_seconds),
            "appointments": (self.appointments_url, self.appointments_timeout_seconds),
        }
        return {
            system: UpstreamConfig(system, url, timeout, concurrency=self.upstream_concurrency,
                                   retries=self.upstream_retries, breaker_failures=self.upstream_breaker_failures,
                                   breaker_reset_seconds=self.upstream_breaker_reset_seconds)
            for system, (url, timeout) in blocks.items()
        }

    @model_validator(mode="after")
    def check_production(self) -> Self:
        if not self.is_production:
            return self
        problems = []
        if self.session_secret.get_secret_value() == DEV_SESSION_SECRET:
            problems.append("SESSION_SECRET is the development secret")
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL is SQLite; production needs Postgres")
        if self.uses_dev_identity or "127.0.0.1" in self.one_login_url:
            problems.append("identity providers point at the development stubs")
        if self.first_time_code_key.get_secret_value() == DEV_FIRST_TIME_CODE_KEY:
            problems.append("FIRST_TIME_CODE_KEY is the development key")
        if self.allow_free_form_documents:
            problems.append("ALLOW_FREE_FORM_DOCUMENTS must be off in production")
        if problems:
            raise InsecureSettings("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def free_form_documents_allowed(self) -> bool:
        if self.allow_free_form_documents is None:
            return not self.is_production
        return self.allow_free_form_documents
