"""The GraphiQL explorer, served entirely from this gateway so it works with no internet."""

from __future__ import annotations

import html
import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

WEB_CLIENTS = Path(__file__).resolve().parent.parent / "web_clients"
NODE_MODULES = WEB_CLIENTS / "node_modules"
EXPLORER = WEB_CLIENTS / "explorer"

VENDOR_FILES: dict[str, Path] = {
    "graphiql.min.js": NODE_MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.min.css": NODE_MODULES / "graphiql" / "graphiql.min.css",
    "react.production.min.js": NODE_MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.production.min.js": NODE_MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
}
EXPLORER_FILES = {"explorer.js": EXPLORER / "explorer.js", "explorer.css": EXPLORER / "explorer.css"}

DEFAULT_QUERY = """# Paste a token from `passport token prison-staff` above, then run this.
query PersonSlice($prisonerNumber: ID!) {
  person(prisonerNumber: $prisonerNumber) {
    prisonerNumber
    firstName
    lastName
    releaseDate
    crn
    communityOffenderManager { name allocated }
    licence { status expiryDate }
    nextAppointment { type start location }
    pathways { pathway status version }
  }
}
"""

CACHE = "public, max-age=86400"


def explorer_page(request: Request) -> Response:
    missing = [name for name, path in VENDOR_FILES.items() if not path.is_file()]
    if missing:
        return PlainTextResponse(
            "The explorer's assets are not installed. Run `make run` (or `make assets`) to install them.",
            status_code=503,
        )
    example = request.app.state.settings.explorer_example_prisoner_number
    variables = json.dumps({"prisonerNumber": example}) if example else ""
    page = (EXPLORER / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{DEFAULT_QUERY}}", html.escape(DEFAULT_QUERY))
    return HTMLResponse(page.replace("{{DEFAULT_VARIABLES}}", html.escape(variables)))


async def vendor_asset(request: Request) -> Response:
    path = VENDOR_FILES.get(request.path_params["name"])
    if path is None or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path, headers={"Cache-Control": CACHE})


async def explorer_asset(request: Request) -> Response:
    path = EXPLORER_FILES.get(request.path_params["name"])
    if path is None:
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
