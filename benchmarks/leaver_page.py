"""W5's sign-in: the demo leaver signs in through the stub One Login, as a browser would, for a session cookie."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import aiohttp

from benchmarks.load import local_only
from fixtures.idp.personas import DEMO_LEAVER

BASE = "/plan-your-future"


async def leaver_cookie(gateway_url: str) -> str:
    """A ``Cookie`` header for the demo leaver's session on this gateway (already linked by the seed)."""
    jar: dict[str, str] = {}

    def keep(response: aiohttp.ClientResponse) -> None:
        jar.update({name: morsel.value for name, morsel in response.cookies.items()})

    def cookie() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{local_only(gateway_url)}{BASE}/sign-in", allow_redirects=False) as start:
            keep(start)
            authorize = start.headers["Location"]
        parts = urlsplit(authorize)
        form = dict(parse_qsl(parts.query)) | {"subject": DEMO_LEAVER.subject}
        origin = local_only(f"{parts.scheme}://{parts.netloc}")
        async with http.post(f"{origin}/authorize", data=form, allow_redirects=False) as chosen:
            callback = urlsplit(chosen.headers["Location"])
        async with http.get(f"{gateway_url}{callback.path}?{callback.query}", headers=cookie(),
                            allow_redirects=False) as signed_in:
            keep(signed_in)
            if signed_in.status not in (302, 303):
                raise RuntimeError(f"leaver sign-in failed: {signed_in.status}")
        async with http.get(f"{gateway_url}{BASE}/overview", headers=cookie(), allow_redirects=False) as page:
            if page.status != 200:
                raise RuntimeError(f"the signed-in leaver got {page.status} for the overview page")
    return cookie()["Cookie"]
