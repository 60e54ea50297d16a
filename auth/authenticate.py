"""Authenticate at the edge: bearer token -> Principal. Runs once per request, before the schema."""

from __future__ import annotations

from auth.principal import ANONYMOUS, Principal, leaver_principal, staff_or_client_principal
from auth.tokens import TokenRejected, TokenVerifier
from sources.store.db import Database
from sources.store.leavers import prisoner_number_for_subject

ONE_LOGIN = "one-login"


class Authenticator:
    def __init__(self, verifier: TokenVerifier, database: Database) -> None:
        self.verifier = verifier
        self.database = database

    async def principal_for(self, authorization: str | None) -> Principal:
        """The caller behind an Authorization header. No header is the public audience."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenRejected("MALFORMED")
        verified = await self.verifier.verify(token.strip())
        claims = dict(verified.claims)
        if verified.issuer.name == ONE_LOGIN:
            subject = str(claims.get("sub", ""))
            async with self.database.session() as session:
                number = await prisoner_number_for_subject(session=session, subject=subject)
            return leaver_principal(subject, number)
        principal = staff_or_client_principal(claims)
        if principal is None:
            raise TokenRejected("NO_AUDIENCE")
        return principal
