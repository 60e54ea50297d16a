"""Bearer-token verification against the trusted identity providers.

This is the only module that imports python-jose. The order of checks matters: the unverified header
and claims are read only to choose the issuer and key; the algorithm is checked against the pinned
allow-list before any key is touched, so ``alg: none`` and HS256-signed-with-the-public-key never reach
a verifier; then jose verifies the signature (pinned to the same list) and the registered claims.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from jose import jwk, jws, jwt
from jose.backends.base import Key
from jose.constants import ALGORITHMS
from jose.exceptions import ExpiredSignatureError, JOSEError, JWTClaimsError, JWTError

from auth.jwks import Jwk, JwksCache, JwksUnavailable

MAX_TOKEN_LENGTH = 16 * 1024
VERIFIED_TOKENS = 4096  # tokens remembered as verified (one or two per signed-in user)
# Asymmetric signatures only: the keys come from a public JWKS, so an HMAC "secret" would be public.
_KEY_TYPE_BY_ALGORITHM = {alg: "RSA" for alg in ALGORITHMS.RSA_DS} | {alg: "EC" for alg in ALGORITHMS.EC_DS}


class RejectReason(StrEnum):
    MALFORMED = "MALFORMED"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    ALGORITHM_NOT_ALLOWED = "ALGORITHM_NOT_ALLOWED"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    WRONG_AUDIENCE = "WRONG_AUDIENCE"
    WRONG_ISSUER = "WRONG_ISSUER"
    JWKS_UNAVAILABLE = "JWKS_UNAVAILABLE"


class TokenRejected(Exception):
    """The token is not acceptable. ``reason`` (a ``RejectReason`` here; callers may add their own codes)
    is for logs and metrics; the client should see only a plain 401."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class TrustedIssuer:
    name: str
    issuer: str
    jwks_url: str
    audience: str


@dataclass(frozen=True)
class VerifiedToken:
    issuer: TrustedIssuer
    claims: Mapping[str, Any]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, decoded but not trusted; shapes checked so jose never sees odd types."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise TokenRejected(RejectReason.MALFORMED, "not a compact JWS")
    try:
        header = dict(jwt.get_unverified_header(token))
        claims = dict(jwt.get_unverified_claims(token))
    except (JOSEError, ValueError, TypeError, UnicodeError):
        raise TokenRejected(RejectReason.MALFORMED, "undecodable header or claims") from None
    if not isinstance(header.get("alg"), str) or "crit" in header:
        raise TokenRejected(RejectReason.MALFORMED, "header alg missing or crit present")
    if not isinstance(claims.get("iss"), str) or not isinstance(claims.get("sub"), str):
        raise TokenRejected(RejectReason.MALFORMED, "iss and sub must be strings")
    if not _is_number(claims.get("exp")) or any(
            name in claims and not _is_number(claims[name]) for name in ("nbf", "iat")):
        raise TokenRejected(RejectReason.MALFORMED, "exp is required; exp, nbf, iat must be numbers")
    return header, claims


@dataclass(frozen=True, slots=True)
class _Verified:
    """A token already verified, the key that verified it, and when it expires (plus leeway)."""

    token: VerifiedToken
    jwks_url: str
    kid: str
    key: Jwk
    expires_at: float


class TokenVerifier:
    """Verifies bearer tokens from a fixed set of issuers, each with its own JWKS and audience."""

    def __init__(self, issuers: Sequence[TrustedIssuer], jwks: JwksCache, *,
                 algorithms: Sequence[str] = ("RS256",), leeway_seconds: int = 30) -> None:
        refused = [alg for alg in algorithms if alg not in _KEY_TYPE_BY_ALGORITHM]
        if refused or not algorithms:
            raise ValueError(f"only asymmetric signature algorithms may be allowed, not {refused}")
        self._issuers = {issuer.issuer: issuer for issuer in issuers}
        if len(self._issuers) != len(issuers):
            raise ValueError("two trusted issuers share an issuer identifier")
        self._jwks = jwks
        self._algorithms = tuple(algorithms)
        self._leeway = leeway_seconds
        self._verified: dict[str, _Verified] = {}

    async def verify(self, token: str) -> VerifiedToken:
        """The verified claims, or ``TokenRejected`` with the first reason found.

        A client sends the same token with every request until it expires. Checking its signature again each
        time (and building the RSA key from the JWKS) was a noticeable share of a small request, so a verified
        token is remembered until it expires, for as long as the key that verified it is still the issuer's
        current, fresh key: a key withdrawn from the JWKS ends its tokens exactly as before.
        """
        seen = self._verified.get(token)
        if seen is not None:
            if time.time() < seen.expires_at and self._jwks.fresh_key(seen.jwks_url, seen.kid) is seen.key:
                return seen.token
            del self._verified[token]
        header, unverified = _read_unverified(token)
        alg = header["alg"]
        if alg not in self._algorithms:
            raise TokenRejected(RejectReason.ALGORITHM_NOT_ALLOWED, alg)
        issuer = self._issuers.get(unverified["iss"])
        if issuer is None:
            raise TokenRejected(RejectReason.UNKNOWN_ISSUER, unverified["iss"])
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenRejected(RejectReason.UNKNOWN_KEY, "no kid")
        data, key = await self._key(issuer, kid, alg, token)
        claims = self._decode(token, key, issuer, unverified)
        verified = VerifiedToken(issuer=issuer, claims=MappingProxyType(claims))
        if len(self._verified) >= VERIFIED_TOKENS:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = _Verified(verified, issuer.jwks_url, kid, data,
                                          float(claims["exp"]) + self._leeway)
        return verified

    async def _key(self, issuer: TrustedIssuer, kid: str, alg: str, token: str) -> tuple[Jwk, Key]:
        try:
            data = await self._jwks.get_key(issuer.jwks_url, kid)
        except JwksUnavailable as exc:
            raise TokenRejected(RejectReason.JWKS_UNAVAILABLE, str(exc)) from None
        if data is None:
            if self._signed_by_another_issuer(issuer, kid, alg, token):
                raise TokenRejected(RejectReason.WRONG_ISSUER, f"{issuer.name} named, another signed")
            raise TokenRejected(RejectReason.UNKNOWN_KEY, kid)
        if data.get("kty") != _KEY_TYPE_BY_ALGORITHM[alg] or data.get("alg", alg) != alg:
            raise TokenRejected(RejectReason.ALGORITHM_NOT_ALLOWED, f"{alg} does not match key {kid}")
        return data, _construct(data, alg)

    def _signed_by_another_issuer(self, named: TrustedIssuer, kid: str, alg: str, token: str) -> bool:
        """A real key of one trusted issuer vouching for another: a confused or malicious issuer."""
        for other in self._issuers.values():
            data = self._jwks.cached_key(other.jwks_url, kid) if other is not named else None
            if data is None or data.get("kty") != _KEY_TYPE_BY_ALGORITHM[alg]:
                continue
            try:
                jws.verify(token, _construct(data, alg), self._algorithms)
            except (JOSEError, TokenRejected):
                continue
            return True
        return False

    def _decode(self, token: str, key: Key, issuer: TrustedIssuer, unverified: Mapping[str, Any]
                ) -> dict[str, Any]:
        options = {"leeway": self._leeway, "require_exp": True, "require_aud": True,
                   "require_iss": True, "require_sub": True, "verify_at_hash": False}
        try:
            return dict(jwt.decode(token, key, algorithms=list(self._algorithms), options=options,
                                   audience=issuer.audience, issuer=issuer.issuer))
        except ExpiredSignatureError:
            raise TokenRejected(RejectReason.EXPIRED) from None
        except JWTClaimsError as exc:
            raise TokenRejected(self._claims_reason(unverified, issuer), str(exc)) from None
        except JWTError as exc:
            # The shapes were checked above, so what is left is the signature (or a missing aud).
            reason = RejectReason.WRONG_AUDIENCE if "aud" not in unverified else RejectReason.BAD_SIGNATURE
            raise TokenRejected(reason, str(exc)) from None

    def _claims_reason(self, claims: Mapping[str, Any], issuer: TrustedIssuer) -> RejectReason:
        """Which claim jose objected to, checked in jose's own order."""
        if "nbf" in claims and claims["nbf"] > time.time() + self._leeway:
            return RejectReason.NOT_YET_VALID
        audiences = claims.get("aud")
        listed = [audiences] if isinstance(audiences, str) else audiences
        if not isinstance(listed, list):
            listed = []
        if issuer.audience not in listed:
            return RejectReason.WRONG_AUDIENCE
        if claims.get("iss") != issuer.issuer:
            return RejectReason.WRONG_ISSUER
        return RejectReason.MALFORMED


def _construct(data: Mapping[str, Any], alg: str) -> Key:
    try:
        return jwk.construct(dict(data), alg)
    except (JOSEError, ValueError, TypeError):
        raise TokenRejected(RejectReason.UNKNOWN_KEY, "published key is unusable") from None
