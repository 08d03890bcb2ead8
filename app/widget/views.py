"""`/widget.js`, `/embed/<lang>/` and the back-office page that builds their snippet."""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from markupsafe import escape

from app.accounts.access import require
from app.cache import renders
from app.calendar.models import DELIVERY_LANGUAGES, FORMATS
from app.calendar.queries import calendar_version, filter_choices
from app.extensions import headers
from app.i18n import LANGS
from app.security_headers import embeddable
from app.web.labels import DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS, LANGUAGE_NAMES
from app.web.urls import LANG_PREFIX, speaks_language
from app.widget.forms import SnippetForm
from app.widget.queries import LIMIT_DEFAULT, LIMIT_MAX, next_sessions, widget_filter

bp = speaks_language(Blueprint("widget", __name__))

FILTERS = ("theme", "audience", "format", "language", "partner")


def words(lang: str) -> dict:
    """The widget's words in one language (the script carries the three)."""
    with force_locale(lang):
        raw = get_translations()
        return {
            "heading": _("Our next sessions"),
            "calendar": _("See the whole calendar"),
            "none": _("No session is planned for now with these choices."),
            "error": _("The sessions cannot be shown just now."),
            "loading": _("Loading the sessions…"),
            "register": _("Register"),
            "waitlist": _("Join the waiting list"),
            "full": _("Full: you can join the waiting list"),
            "seat_one": raw.ngettext("%(num)d seat left", "%(num)d seats left", 1),
            "seat_other": raw.ngettext("%(num)d seat left", "%(num)d seats left", 2),
            "formats": {code: str(label) for code, label in FORMAT_LABELS.items()},
            "new_tab": _("(opens in a new tab)"),
        }


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


@bp.get("/widget.js")
def script():
    """The script of the snippet: no framework, the words of the three languages inside."""
    def build() -> tuple[str, str]:
        body = render_template("widget/widget.js", words={lang: words(lang) for lang in LANGS}, langs=LANGS,
                               limit_default=LIMIT_DEFAULT, limit_max=LIMIT_MAX, filters=FILTERS)
        return body, hashlib.sha1(body.encode()).hexdigest()

    body, etag = renders.get_or_build(("widget.js",), build)
    response = Response(body, mimetype="text/javascript")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def _embed():
    flt, limit, errors = widget_filter(request.args)
    if flt is None:
        return render_template("widget/embed.html", sessions=[], errors=errors, w=words(g.lang), base_url=_base(),
                               calendar_url=f"{_base()}/{g.lang}/"), 400
    version, ttl = calendar_version()
    key = ("embed", request.full_path, g.lang, version)

    def build() -> str:
        return render_template("widget/embed.html", sessions=next_sessions(flt, limit), errors={}, w=words(g.lang),
                               base_url=_base(), calendar_url=f"{_base()}/{g.lang}/?{urlencode(flt.query_args())}")

    response = Response(renders.get_or_build(key, build, ttl))
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


embed = embeddable(headers, _embed)  # the one page that other sites may frame
bp.add_url_rule(f"/embed{LANG_PREFIX}/", "embed", embed)


@bp.get(f"{LANG_PREFIX}/staff/widget")
def builder():
    """Build the snippet from choices and see it live (the preview is the framed page itself)."""
    require("backoffice")
    choices = filter_choices()
    form = SnippetForm(request.args)
    anything = _("Any")
    form.lang.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGS]
    form.theme.choices = [("", anything)] + [(t.code, t.localized("label", g.lang)) for t in choices.themes]
    form.audience.choices = [("", anything)] + [(a.code, a.localized("label", g.lang)) for a in choices.audiences]
    form.format.choices = [("", anything)] + [(code, str(FORMAT_LABELS[code])) for code in FORMATS]
    form.language.choices = [("", anything)] + [(code, str(DELIVERY_LANGUAGE_LABELS[code]))
                                                for code in DELIVERY_LANGUAGES]
    form.partner.choices = [("", anything)] + sorted(((p.slug, p.localized("name", g.lang)) for p in choices.partners),
                                                     key=lambda c: c[1].casefold())
    if not request.args.get("lang"):
        form.lang.data = g.lang
    valid = form.validate() if request.args else True
    shown = form.lang.data if form.lang.data in LANGS else g.lang
    kind = form.kind.data if form.kind.data in ("script", "iframe") else "script"
    args = {name: getattr(form, name).data for name in FILTERS if valid and getattr(form, name).data}
    if valid and form.limit.data and form.limit.data != LIMIT_DEFAULT:
        args["limit"] = str(form.limit.data)
    base = _base()
    query = f"?{urlencode(args)}" if args else ""
    with force_locale(shown):
        title = _("Our next sessions")
    snippets = {
        "script": snippet_script(base, shown, args),
        "iframe": f'<iframe src="{base}/embed/{shown}/{query}" title="{escape(title)}" width="100%" height="640" '
                  f'loading="lazy" style="border: 0; max-width: 100%;"></iframe>',
    }
    return render_template("widget/builder.html", form=form, kind=kind, snippet=snippets[kind],
                           preview_url=f"/embed/{shown}/{query}", preview_title=title, base_url=base,
                           titles=titles(), limit_default=LIMIT_DEFAULT, limit_max=LIMIT_MAX), 200 if valid else 422


def titles() -> dict[str, str]:
    """The title of the framed list in each language (the iframe's accessible name)."""
    found = {}
    for lang in LANGS:
        with force_locale(lang):
            found[lang] = _("Our next sessions")
    return found


def snippet_script(base: str, lang: str, args: dict[str, str]) -> str:
    attributes = "".join(f' data-{name}="{escape(value)}"' for name, value in args.items())
    return (f'<div data-cdm-widget data-lang="{lang}"{attributes}></div>\n'
            f'<script src="{base}/widget.js" async></script>')
