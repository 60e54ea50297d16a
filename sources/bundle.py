"""The bundle of every source the gateway reads: four legacy clients and our own database.

Opened once in the app's lifespan and closed with it. Nothing connects at import time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from sources.appointments import AppointmentsClient
from sources.cache import Cache, create_cache
from sources.config import UpstreamConfig
from sources.delius import DeliusClient
from sources.http import UpstreamClient
from sources.licences import LicencesClient
from sources.nomis import NomisClient
from sources.store.access_log_buffer import AccessLogBuffer
from sources.store.db import Database


@dataclass(slots=True)
class Sources:
    nomis: NomisClient
    delius: DeliusClient
    licences: LicencesClient
    appointments: AppointmentsClient
    database: Database
    cache: Cache
    access_log: AccessLogBuffer

    @classmethod
    def create(cls, upstreams: Mapping[str, UpstreamConfig], database_url: str,
               redis_url: str | None = None, *, access_log_flush_seconds: float = 0.0) -> Sources:
        """``access_log_flush_seconds``: how long read records may wait to be written together (0: each request's
        rows are written as it ends; sources/store/access_log_buffer.py)."""
        database = Database(database_url)
        return cls(
            nomis=NomisClient(upstreams["nomis"]),
            delius=DeliusClient(upstreams["delius"]),
            licences=LicencesClient(upstreams["licences"]),
            appointments=AppointmentsClient(upstreams["appointments"]),
            database=database,
            cache=create_cache(redis_url),
            access_log=AccessLogBuffer(database, interval=access_log_flush_seconds),
        )

    @property
    def upstream_clients(self) -> dict[str, UpstreamClient]:
        return {"nomis": self.nomis, "delius": self.delius, "licences": self.licences,
                "appointments": self.appointments}

    async def open(self) -> None:
        for client in self.upstream_clients.values():
            await client.open()

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self.upstream_clients.values()))
        await self.access_log.close()  # the reads still waiting are written before the database closes
        await self.database.dispose()
        await self.cache.close()
