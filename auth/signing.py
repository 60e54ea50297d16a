"""Signed values for cookies: ``base64url(json).base64url(hmac)`` under a key derived for one purpose.

The staff session, the leaver session and the leaver sign-in flow all use this, each with its own context,
so a value signed for one purpose never verifies for another and the shared secret is never used raw.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

MAX_LENGTH = 4096


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def purpose_mac(secret: bytes, context: bytes, payload: str) -> bytes:
    """HMAC-SHA256 of ``payload`` under a key derived from ``secret`` for ``context`` alone."""
    key = hmac.new(secret, context, hashlib.sha256).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).digest()


def sign(body: dict[str, Any], secret: bytes, context: bytes) -> str:
    payload = b64url(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{b64url(purpose_mac(secret, context, payload))}"


def unsign(value: str | None, secrets: bytes | Iterable[bytes], context: bytes) -> dict[str, Any] | None:
    """The body, when ``value`` was signed with one of ``secrets`` for ``context``; otherwise None."""
    if not value or len(value) > MAX_LENGTH or value.count(".") != 1:
        return None
    keys = [secrets] if isinstance(secrets, bytes) else list(secrets)
    payload, signature = value.split(".")
    try:
        given = unb64url(signature)
        if not any(hmac.compare_digest(purpose_mac(secret, context, payload), given) for secret in keys):
            return None
        body = json.loads(unb64url(payload))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return body if isinstance(body, dict) else None


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE verifier (RFC 7636)."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())
