"""Jinja2 with the GOV.UK Frontend macros, the two languages, and the page response.

The language comes from ``?lang=`` (then remembered in a cookie), else the cookie, else English.
Translation files sit beside the templates in ``web_clients/leaver/translations/{en,cy}.yaml``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from gateway.leaver.dates import LONDON, long_date, time_of_day

LEAVER = Path(__file__).resolve().parents[2] / "web_clients" / "leaver"
TEMPLATES = LEAVER / "templates"
TRANSLATIONS = LEAVER / "translations"
LANGUAGES = ("en", "cy")
LANG_COOKIE = "pyf_lang"
BASE = "/plan-your-future"


@cache
def translations(lang: str) -> dict[str, str]:
    loaded = yaml.safe_load((TRANSLATIONS / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in loaded.items()}


def chosen_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in LANGUAGES else "en"


class Translator:
    """``t("key", name=...)``: the text in this language, falling back to English, then to the key."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.own = translations(lang)
        self.english = translations("en")

    def __call__(self, key: str, **values: Any) -> str:
        text = self.own.get(key) or self.english.get(key) or key
        return text.format(**values) if values else text


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([
            FileSystemLoader(TEMPLATES),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["time_of_day"] = time_of_day
    return env


def with_lang(request: Request, lang: str) -> str:
    """This page's URL in the other language."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"} | {"lang": lang}
    return f"{request.url.path}?{urlencode(query)}"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = chosen_language(request)
    t = Translator(lang)
    page = environment().get_template(template).render(
        t=t, lang=lang, base=BASE, request=request, other_lang="cy" if lang == "en" else "en",
        other_lang_url=with_lang(request, "cy" if lang == "en" else "en"), today=datetime.now(LONDON).date(),
        **context)
    response = HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})
    remember_language(request, response)
    return response


def remember_language(request: Request, response: Any) -> None:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, path="/", samesite="lax",
                            httponly=True)


def markdown_html(text: str) -> Markup:
    import markdown

    # Content is written by our own content designers and kept in the repository; raw HTML is still escaped.
    md = markdown.Markdown(extensions=["sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return Markup(md.convert(text))


__all__ = ["BASE", "Translator", "date", "markdown_html", "render"]
