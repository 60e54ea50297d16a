"""Token verification against the running stub identity providers.

Bad tokens are built by hand (base64, hmac, cryptography) so python-jose stays in auth/tokens.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import unused_port
from cryptography.hazmat.primitives import serialization

from auth.jwks import JwksCache
from auth.tokens import RejectReason, TokenRejected, TokenVerifier, TrustedIssuer
from fixtures.idp import hmpps_auth, one_login
from fixtures.idp.keys import KEY_RING_KEY, SigningKey, b64url, rotate_key, sign_rs256
from fixtures.idp.personas import DEMO_LEAVER, default_staff_personas
from fixtures.idp.serve import serving

API = "resettlement-passport-api"


@dataclass
class Idps:
    hmpps_app: web.Application
    one_login_app: web.Application
    hmpps: TrustedIssuer
    one_login: TrustedIssuer
    session: aiohttp.ClientSession
    jwks: JwksCache
    verifier: TokenVerifier

    async def dev_token(self, which: TrustedIssuer, **body: Any) -> str:
        base = which.jwks_url.removesuffix(".well-known/jwks.json").removesuffix("auth/")
        path = "auth/dev/token" if which is self.hmpps else "dev/token"
        async with self.session.post(base + path, json=body) as response:
            assert response.status == 200, await response.text()
            token: str = (await response.json())["access_token"]
            return token

    def signing_key(self, which: TrustedIssuer) -> SigningKey:
        app = self.hmpps_app if which is self.hmpps else self.one_login_app
        return app[KEY_RING_KEY].current

    def claims(self, which: TrustedIssuer, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": which.issuer, "sub": "PRISON_STAFF_DEMO", "aud": API, "iat": now, "nbf": now,
                "exp": now + 600, "auth_source": "nomis"} | overrides


@pytest.fixture
async def idps() -> AsyncIterator[Idps]:
    hmpps_app = hmpps_auth.create_app(default_staff_personas())
    one_login_app = one_login.create_app({"demo": DEMO_LEAVER})
    async with serving(hmpps_app) as hmpps_url, serving(one_login_app) as one_login_url, \
            aiohttp.ClientSession() as session:
        hmpps = TrustedIssuer("hmpps-auth", hmpps_url + "/auth/issuer",
                              hmpps_url + "/auth/.well-known/jwks.json", API)
        ol = TrustedIssuer("one-login", one_login_url + "/", one_login_url + "/.well-known/jwks.json", API)
        jwks = JwksCache(session, min_refresh_interval=10)
        yield Idps(hmpps_app, one_login_app, hmpps, ol, session, jwks, TokenVerifier([hmpps, ol], jwks))


def unsigned(header: Mapping[str, Any], claims: Mapping[str, Any], signature: bytes = b"") -> str:
    parts = [b64url(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join([*parts, b64url(signature)])


def hs256(header: Mapping[str, Any], claims: Mapping[str, Any], secret: bytes) -> str:
    signing_input = unsigned(header, claims).rstrip(".")
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


async def rejected(idps: Idps, token: str) -> str:
    with pytest.raises(TokenRejected) as caught:
        await idps.verifier.verify(token)
    return caught.value.reason


async def test_staff_token_from_hmpps_auth_verifies_with_its_claims(idps: Idps) -> None:
    verified = await idps.verifier.verify(await idps.dev_token(idps.hmpps, persona="prison-staff"))
    assert verified.issuer == idps.hmpps
    assert verified.claims["user_name"] == "PRISON_STAFF_DEMO"
    assert verified.claims["caseloads"] == ["MDI"]
    assert verified.claims["authorities"] == ["ROLE_RESETTLEMENT_PASSPORT_EDIT"]


async def test_leaver_token_from_one_login_verifies(idps: Idps) -> None:
    verified = await idps.verifier.verify(await idps.dev_token(idps.one_login, subject="demo"))
    assert verified.issuer == idps.one_login
    assert verified.claims["sub"] == DEMO_LEAVER.subject


async def test_alg_none_is_refused_before_any_key_lookup(idps: Idps) -> None:
    token = unsigned({"alg": "none", "typ": "JWT", "kid": "x"}, idps.claims(idps.hmpps))
    assert await rejected(idps, token) == RejectReason.ALGORITHM_NOT_ALLOWED
    assert idps.jwks.fetch_count == 0


async def test_hs256_signed_with_the_public_key_is_refused(idps: Idps) -> None:
    key = idps.signing_key(idps.hmpps)
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = hs256({"alg": "HS256", "typ": "JWT", "kid": key.kid}, idps.claims(idps.hmpps), public_pem)
    assert await rejected(idps, token) == RejectReason.ALGORITHM_NOT_ALLOWED


async def test_expired_token_is_refused_but_clock_skew_within_leeway_is_not(idps: Idps) -> None:
    key, now = idps.signing_key(idps.hmpps), int(time.time())
    expired = sign_rs256(idps.claims(idps.hmpps, iat=now - 900, nbf=now - 900, exp=now - 120), key)
    assert await rejected(idps, expired) == RejectReason.EXPIRED
    just_expired = sign_rs256(idps.claims(idps.hmpps, exp=now - 5), key)
    assert (await idps.verifier.verify(just_expired)).claims["exp"] == now - 5


async def test_token_not_yet_valid_is_refused(idps: Idps) -> None:
    now = int(time.time())
    token = sign_rs256(idps.claims(idps.hmpps, nbf=now + 300), idps.signing_key(idps.hmpps))
    assert await rejected(idps, token) == RejectReason.NOT_YET_VALID


async def test_token_for_another_audience_is_refused(idps: Idps) -> None:
    token = sign_rs256(idps.claims(idps.hmpps, aud="some-other-api"), idps.signing_key(idps.hmpps))
    assert await rejected(idps, token) == RejectReason.WRONG_AUDIENCE
    for odd, reason in ((5, RejectReason.WRONG_AUDIENCE), ({"a": 1}, RejectReason.WRONG_AUDIENCE),
                        ([API, 7], RejectReason.MALFORMED)):
        odd_token = sign_rs256(idps.claims(idps.hmpps, aud=odd), idps.signing_key(idps.hmpps))
        assert await rejected(idps, odd_token) == reason
    no_aud = {k: v for k, v in idps.claims(idps.hmpps).items() if k != "aud"}
    no_aud_token = sign_rs256(no_aud, idps.signing_key(idps.hmpps))
    assert await rejected(idps, no_aud_token) == RejectReason.WRONG_AUDIENCE


async def test_one_issuers_key_cannot_vouch_for_another_issuer(idps: Idps) -> None:
    await idps.verifier.verify(await idps.dev_token(idps.one_login, subject="demo"))  # One Login keys known
    forged = sign_rs256(idps.claims(idps.hmpps), idps.signing_key(idps.one_login))
    assert await rejected(idps, forged) == RejectReason.WRONG_ISSUER


async def test_issuer_nobody_trusts_is_refused(idps: Idps) -> None:
    token = sign_rs256(idps.claims(idps.hmpps, iss="https://evil.example/"), idps.signing_key(idps.hmpps))
    assert await rejected(idps, token) == RejectReason.UNKNOWN_ISSUER


async def test_tampered_claims_break_the_signature(idps: Idps) -> None:
    header, _, signature = (await idps.dev_token(idps.hmpps, persona="prison-staff")).split(".")
    escalated = idps.claims(idps.hmpps, authorities=["ROLE_RESETTLEMENT_PASSPORT_ADMIN"])
    token = f"{header}.{b64url(json.dumps(escalated).encode())}.{signature}"
    assert await rejected(idps, token) == RejectReason.BAD_SIGNATURE


async def test_unknown_kid_is_refused_and_refetches_the_jwks_at_most_once(idps: Idps) -> None:
    await idps.verifier.verify(await idps.dev_token(idps.hmpps, persona="prison-staff"))
    stranger = SigningKey.generate()
    for _ in range(5):
        assert await rejected(idps, sign_rs256(idps.claims(idps.hmpps), stranger)) == RejectReason.UNKNOWN_KEY
    assert idps.jwks.fetch_count == 2  # the first fetch, then one refetch for the unknown kid


async def test_rotated_key_is_picked_up_and_retired_key_lasts_its_grace_period(idps: Idps) -> None:
    old_token = await idps.dev_token(idps.hmpps, persona="prison-staff")
    await idps.verifier.verify(old_token)
    rotate_key(idps.hmpps_app, grace_seconds=600)
    new_token = await idps.dev_token(idps.hmpps, persona="prison-staff")
    assert json.loads(base64.urlsafe_b64decode(new_token.split(".")[0] + "=="))["kid"] != \
        json.loads(base64.urlsafe_b64decode(old_token.split(".")[0] + "=="))["kid"]
    assert (await idps.verifier.verify(new_token)).issuer == idps.hmpps
    assert idps.jwks.fetch_count == 2
    assert (await idps.verifier.verify(old_token)).issuer == idps.hmpps


async def test_key_rotated_without_grace_invalidates_old_tokens(idps: Idps) -> None:
    old_token = await idps.dev_token(idps.hmpps, persona="prison-staff")
    await idps.verifier.verify(old_token)
    rotate_key(idps.hmpps_app, grace_seconds=0)
    await idps.verifier.verify(await idps.dev_token(idps.hmpps, persona="prison-staff"))
    assert await rejected(idps, old_token) == RejectReason.UNKNOWN_KEY


async def test_unreachable_jwks_is_reported_as_such(idps: Idps) -> None:
    dead = TrustedIssuer("dead", "https://dead.example/", f"http://127.0.0.1:{unused_port()}/jwks", API)
    verifier = TokenVerifier([dead], JwksCache(idps.session))
    token = sign_rs256(idps.claims(dead), SigningKey.generate())
    with pytest.raises(TokenRejected) as caught:
        await verifier.verify(token)
    assert caught.value.reason == RejectReason.JWKS_UNAVAILABLE


@pytest.mark.parametrize("token", [
    "", "not-a-jwt", "a.b.c", "a.b.c.d.e", "eyJhbGciOiJSUzI1NiJ9.e30.", "x" * 20000,
])
async def test_garbage_is_malformed(idps: Idps, token: str) -> None:
    assert await rejected(idps, token) == RejectReason.MALFORMED


@pytest.mark.parametrize("claims", [
    {"exp": None}, {"exp": "tomorrow"}, {"exp": [1]}, {"nbf": True}, {"sub": 42}, {"iss": ["x"]},
])
async def test_claims_of_the_wrong_shape_are_malformed(idps: Idps, claims: dict[str, Any]) -> None:
    token = sign_rs256(idps.claims(idps.hmpps) | claims, idps.signing_key(idps.hmpps))
    assert await rejected(idps, token) == RejectReason.MALFORMED


async def test_one_login_id_token_is_not_a_gateway_bearer_token(idps: Idps) -> None:
    claims = idps.claims(idps.one_login, sub=DEMO_LEAVER.subject, aud="resettlement-passport-pyf", nonce="n")
    token = sign_rs256(claims, idps.signing_key(idps.one_login))
    assert await rejected(idps, token) == RejectReason.WRONG_AUDIENCE


@pytest.mark.parametrize("algorithms", [("HS256",), ("none",), ("RS256", "HS512"), ()])
def test_verifier_refuses_symmetric_or_no_algorithms(algorithms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        TokenVerifier([], JwksCache(aiohttp.ClientSession), algorithms=algorithms)


def test_python_jose_is_imported_in_exactly_one_module() -> None:
    root = Path(__file__).resolve().parents[2]
    def imports_jose(path: Path) -> bool:
        lines = path.read_text().splitlines()
        return any(line.lstrip().startswith(("import jose", "from jose")) for line in lines)

    importers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                       if not {".venv", "node_modules", "build"} & set(path.parts) and imports_jose(path))
    assert importers == ["auth/tokens.py"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_jwks_cache_refreshes_after_ttl_and_serves_stale_keys_while_the_issuer_is_down() -> None:
    key, status = SigningKey.generate(), {"code": 200}

    async def jwks(request: web.Request) -> web.Response:
        if status["code"] != 200:
            raise web.HTTPServiceUnavailable()
        return web.json_response({"keys": [key.public_jwk()]})

    app = web.Application()
    app.router.add_get("/jwks", jwks)
    clock = FakeClock()
    async with serving(app) as url, aiohttp.ClientSession() as session:
        cache = JwksCache(session, ttl_seconds=300, min_refresh_interval=10, clock=clock)
        assert await cache.get_key(url + "/jwks", key.kid) is not None
        clock.now += 299
        await cache.get_key(url + "/jwks", key.kid)
        assert cache.fetch_count == 1
        clock.now += 2
        status["code"] = 503
        assert await cache.get_key(url + "/jwks", key.kid) is not None  # stale but usable
        assert cache.fetch_count == 2
        await cache.get_key(url + "/jwks", key.kid)
        assert cache.fetch_count == 2  # a failing issuer is not retried on every request


# A verified token is remembered until it expires (auth/tokens.py): the same answers, without verifying again.

async def test_a_remembered_token_is_not_verified_again(idps: Idps, monkeypatch: pytest.MonkeyPatch) -> None:
    token = await idps.dev_token(idps.hmpps, persona="prison-staff")
    first = await idps.verifier.verify(token)
    from auth import tokens

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the signature was checked again")

    monkeypatch.setattr(tokens.jwt, "decode", refuse)
    again = await idps.verifier.verify(token)
    assert again.claims == first.claims and again.issuer == idps.hmpps


async def test_a_remembered_token_past_its_expiry_is_verified_again(idps: Idps,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    key = idps.signing_key(idps.hmpps)
    token = sign_rs256(idps.claims(idps.hmpps, exp=int(time.time()) + 120), key)
    await idps.verifier.verify(token)
    from auth import tokens

    later = time.time() + 3600  # an hour on: past exp and the leeway
    decoded: list[str] = []

    def decode_an_hour_later(token: str, *_: object, **__: object) -> None:
        decoded.append(token)
        raise tokens.ExpiredSignatureError("Signature has expired.")  # what jose says an hour later

    monkeypatch.setattr(tokens.time, "time", lambda: later)
    monkeypatch.setattr(tokens.jwt, "decode", decode_an_hour_later)
    assert await rejected(idps, token) == RejectReason.EXPIRED
    assert decoded == [token]  # not answered from memory


async def test_a_remembered_token_is_checked_again_when_its_key_set_is_refetched(idps: Idps) -> None:
    token = await idps.dev_token(idps.hmpps, persona="prison-staff")
    await idps.verifier.verify(token)
    rotate_key(idps.hmpps_app, grace_seconds=0)
    idps.jwks._sets.clear()  # as when the set's TTL runs out: the next look-up fetches the rotated set
    assert await rejected(idps, token) == RejectReason.UNKNOWN_KEY
