"""Public support pages: no login, tailored by pathway and local area, searchable on the server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.leaver import content
from gateway.leaver.render import chosen_language, markdown_html, render


async def start(request: Request) -> Response:
    lang = chosen_language(request)
    return render(request, "start.html", pages=content.pages(lang), areas=content.areas(),
                  area=content.area(request.query_params.get("area")))


async def support_page(request: Request) -> Response:
    lang = chosen_language(request)
    page = content.page(request.path_params["slug"], lang)
    if page is None:
        return render(request, "not_found.html", status_code=404)
    area = content.area(request.query_params.get("area"))
    area_text = page.areas.get(area.code) if area else None
    return render(request, "support.html", page=page, body=markdown_html(page.body), areas=content.areas(),
                  area=area, area_text=markdown_html(area_text) if area_text else None)


async def search(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()[:200]
    return render(request, "search.html", q=q, hits=content.search(q, chosen_language(request)) if q else [])
