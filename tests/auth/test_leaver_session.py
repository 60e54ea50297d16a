"""Leaver session cookies: signed, idle-limited, and safe cookie attributes."""

from __future__ import annotations

import base64
import json
from http.cookies import SimpleCookie

import pytest

from auth.leaver_session import (
    SessionConfig,
    clear_cookie_header,
    decode_session,
    encode_session,
    set_cookie_header,
    start_session,
    touch,
)

CONFIG = SessionConfig(secret=b"s" * 32)
SUBJECT = "urn:fdc:gov.uk:2022:abc"
T0 = 1_700_000_000


def test_round_trip_keeps_the_subject_and_nothing_personal() -> None:
    value = encode_session(start_session(SUBJECT, now=T0), CONFIG)
    session = decode_session(value, CONFIG, now=T0 + 60)
    assert session is not None and session.subject == SUBJECT
    payload = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
    assert set(payload) == {"sub", "iat", "seen"}


def test_session_expires_after_twenty_idle_minutes_unless_touched() -> None:
    session = start_session(SUBJECT, now=T0)
    assert decode_session(encode_session(session, CONFIG), CONFIG, now=T0 + 20 * 60 - 1) is not None
    assert decode_session(encode_session(session, CONFIG), CONFIG, now=T0 + 20 * 60) is None
    touched = touch(session, now=T0 + 19 * 60)
    assert decode_session(encode_session(touched, CONFIG), CONFIG, now=T0 + 30 * 60) is not None


def test_absolute_lifetime_ends_even_an_active_session() -> None:
    session = touch(start_session(SUBJECT, now=T0), now=T0 + 12 * 3600 - 10)
    assert decode_session(encode_session(session, CONFIG), CONFIG, now=T0 + 12 * 3600) is None


def test_forged_or_tampered_cookies_are_ignored() -> None:
    value = encode_session(start_session(SUBJECT, now=T0), CONFIG)
    payload, signature = value.split(".")
    other = base64.urlsafe_b64encode(json.dumps(
        {"sub": "urn:fdc:gov.uk:2022:someone-else", "iat": T0, "seen": T0}).encode()).decode().rstrip("=")
    for forged in (f"{other}.{signature}", f"{payload}.AAAA", f"{payload}.", "garbage", "", None,
                   encode_session(start_session(SUBJECT, now=T0), SessionConfig(secret=b"x" * 32))):
        assert decode_session(forged, CONFIG, now=T0 + 1) is None


def test_a_previous_secret_still_verifies_during_rotation() -> None:
    old = SessionConfig(secret=b"o" * 32)
    value = encode_session(start_session(SUBJECT, now=T0), old)
    rotated = SessionConfig(secret=b"n" * 32, previous_secrets=(b"o" * 32,))
    assert decode_session(value, rotated, now=T0 + 1) is not None


@pytest.mark.parametrize("secure", [True, False])
def test_cookie_is_http_only_lax_and_secure_outside_dev(secure: bool) -> None:
    config = SessionConfig(secret=b"s" * 32, secure=secure)
    cookie = SimpleCookie()
    cookie.load(set_cookie_header(start_session(SUBJECT, now=T0), config))
    morsel = cookie[config.cookie_name]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["max-age"] == "1200"
    assert bool(morsel["secure"]) is secure
    assert "Max-Age=0" in clear_cookie_header(config)


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        SessionConfig(secret=b"short")
