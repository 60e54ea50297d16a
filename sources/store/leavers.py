"""Repository functions for leaver accounts (One Login subject -> prisoner number)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from sources.store.models import LeaverAccount


async def prisoner_number_for_subject(*, session: AsyncSession, subject: str) -> str | None:
    row = await session.execute(
        select(LeaverAccount.prisoner_number).where(LeaverAccount.one_login_subject == subject)
    )
    return row.scalar_one_or_none()


async def link_account(*, session: AsyncSession, subject: str, prisoner_number: str) -> LeaverAccount:
    account = LeaverAccount(one_login_subject=subject, prisoner_number=prisoner_number)
    session.add(account)
    await session.flush()
    return account
