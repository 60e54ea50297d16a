"""The staff single-page app at ``/staff``: its shell, its modules, and the design systems' assets.

Everything is served from this gateway (no CDN) through allow-lists: the app's own files from
``web_clients/staff`` and GOV.UK / MOJ Frontend from ``web_clients/node_modules`` (``make assets``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from gateway import staff_auth
from schema.persisted import operation_id

WEB_CLIENTS = Path(__file__).resolve().parent.parent / "web_clients"
STAFF = WEB_CLIENTS / "staff"
OPERATIONS = STAFF / "operations"
NODE_MODULES = WEB_CLIENTS / "node_modules"
GOVUK = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
MOJ = NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"

DESIGN_SYSTEM_FILES: dict[str, Path] = {
    "govuk-frontend.min.css": GOVUK / "govuk-frontend.min.css",
    "moj-frontend.min.css": MOJ / "moj-frontend.min.css",
}
# GOV.UK Frontend's compiled CSS asks for its fonts and images at /assets/fonts and /assets/images.
FONTS = {p.name: p for p in (GOVUK / "assets" / "fonts").glob("*.woff*")}
IMAGES = {p.name: p for p in (*(GOVUK / "assets" / "images").glob("*"), *(MOJ / "assets" / "images").glob("*.svg"))}
APP_SUFFIXES = {".js": "text/javascript", ".css": "text/css"}
LONG_CACHE = "public, max-age=86400"


def _file(path: Path | None, *, cache: str, media_type: str | None = None) -> Response:
    if path is None or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": cache})


async def shell(request: Request) -> Response:
    """Every ``/staff`` path gets the same shell; the app routes on the client with the History API."""
    index = STAFF / "index.html"
    missing = [name for name, path in DESIGN_SYSTEM_FILES.items() if not path.is_file()]
    if missing:
        return PlainTextResponse("The staff app's assets are not installed. Run `make run` (or `make assets`).",
                                 status_code=503)
    return HTMLResponse(index.read_text(encoding="utf-8"), headers={"Cache-Control": "no-store"})


def app_files() -> dict[str, Path]:
    return {p.name: p for p in STAFF.iterdir() if p.suffix in APP_SUFFIXES}


async def app_asset(request: Request) -> Response:
    name = request.path_params["name"]
    path = app_files().get(name)
    return _file(path, cache="no-cache", media_type=APP_SUFFIXES.get(Path(name).suffix))


async def design_system_asset(request: Request) -> Response:
    return _file(DESIGN_SYSTEM_FILES.get(request.path_params["name"]), cache=LONG_CACHE)


async def font(request: Request) -> Response:
    return _file(FONTS.get(request.path_params["name"]), cache=LONG_CACHE)


async def image(request: Request) -> Response:
    return _file(IMAGES.get(request.path_params["name"]), cache=LONG_CACHE)


def operation_ids() -> dict[str, str]:
    """Operation file name (without .graphql) -> persisted id, so the app needs no build step."""
    return {p.stem: operation_id(p.read_text(encoding="utf-8")) for p in sorted(OPERATIONS.glob("*.graphql"))}


async def operations(request: Request) -> Response:
    return JSONResponse(operation_ids(), headers={"Cache-Control": "no-cache"})


def staff_routes() -> list[BaseRoute]:
    return [
        Route("/staff/sign-in", staff_auth.sign_in, methods=["GET"]),
        Route("/staff/auth/callback", staff_auth.callback, methods=["GET"], name="staff_callback"),
        Route("/staff/sign-out", staff_auth.sign_out, methods=["POST"]),
        Route("/staff/session", staff_auth.session_info, methods=["GET"]),
        Route("/staff/operations.json", operations, methods=["GET"]),
        Route("/staff", shell, methods=["GET"]),
        Route("/staff/{path:path}", shell, methods=["GET"]),
        Route("/assets/staff/{name}", app_asset),
        Route("/assets/design-system/{name}", design_system_asset),
        Route("/assets/fonts/{name}", font),
        Route("/assets/images/{name}", image),
    ]
