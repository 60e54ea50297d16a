"""GOV.UK Frontend's CSS, JS, fonts and images from npm, and the leaver pages' own static files.

Only files on an allow-list are served, so nothing else under node_modules is reachable. The CSS names its
fonts and images at ``/assets/...``; it is rewritten once to point under ``/assets/govuk/assets/...``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from gateway.explorer import NODE_MODULES
from gateway.leaver.render import LEAVER

GOVUK = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
GOVUK_PREFIX = "/assets/govuk"
STATIC = LEAVER / "static"
LONG_CACHE = "public, max-age=86400"


@cache
def govuk_files() -> dict[str, Path]:
    files = {name: GOVUK / name for name in ("govuk-frontend.min.css", "govuk-frontend.min.js")}
    for folder in ("assets/fonts", "assets/images"):
        if (GOVUK / folder).is_dir():
            files |= {f"{folder}/{p.name}": p for p in sorted((GOVUK / folder).iterdir()) if p.is_file()}
    files["assets/manifest.json"] = GOVUK / "assets" / "manifest.json"
    return files


@cache
def govuk_css() -> bytes:
    css = (GOVUK / "govuk-frontend.min.css").read_text(encoding="utf-8")
    return css.replace("url(/assets/", f"url({GOVUK_PREFIX}/assets/").encode()


async def govuk_asset(request: Request) -> Response:
    name = request.path_params["path"]
    path = govuk_files().get(name)
    if path is None or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    if name == "govuk-frontend.min.css":
        return Response(govuk_css(), media_type="text/css", headers={"Cache-Control": LONG_CACHE})
    media_type = "text/javascript" if name.endswith(".js") else None
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": LONG_CACHE})


STATIC_FILES = {name: STATIC / name for name in ("init.mjs", "timeout.mjs", "leaver.css", "print.css")}


async def leaver_static(request: Request) -> Response:
    path = STATIC_FILES.get(request.path_params["name"])
    if path is None or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    media_type = "text/javascript" if path.suffix == ".mjs" else None
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})
