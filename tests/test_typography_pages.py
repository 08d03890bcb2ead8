"""Every public and back-office page, in French and in Dutch, reads as a native reader expects: no "(s)" for a
plural, and in French a no-break space before ":" ";" "?" "!" (never an ordinary space, never none)."""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from flask import url_for

from app.calendar import services as calendar
from app.closures.services import add_capacity_cap, declare_closure
from app.database import unit_of_work
from app.extensions import db
from app.messages.models import OutboxMessage
from app.timeutil import local_today
from tests import factories as f

SKIPPED = {"script", "style", "code", "pre", "textarea"}
# In French: a double sign after an ordinary space, or straight after a letter, a bracket or a quote.
BAD_FRENCH = re.compile(r"( [:;?!])|([A-Za-zÀ-ÿ\)»][:;?!](?=\s|$))")


class Text(HTMLParser):
    """The text a person reads on a page in its language: text nodes only, outside scripts and styles (no
    attributes), and outside pieces marked as written in another language (a Dutch message's subject)."""

    def __init__(self, lang: str = ""):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.parts: list[str] = []
        self.skipping = 0
        self.foreign: list[str] = []  # the open tags of a piece in another language

    def handle_starttag(self, tag, attrs):
        other = dict(attrs).get("lang")
        if self.foreign:
            self.foreign += [tag] if tag == self.foreign[0] else []
        elif other and self.lang and other != self.lang and tag != "html":
            self.foreign = [tag]
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in ("p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "div", "br", "option", "label"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1
        if self.foreign and tag == self.foreign[0]:
            self.foreign.pop()

    def handle_data(self, data):
        if not self.skipping and not self.foreign:
            self.parts.append(data)


def text_of(html: str, lang: str = "") -> str:
    parser = Text(lang)
    parser.feed(html)
    return "".join(parser.parts)


def problems(text: str, lang: str) -> list[str]:
    found = [line.strip() for line in text.splitlines() if "(s)" in line]
    if lang == "fr":
        found += [line.strip() for line in text.splitlines() if BAD_FRENCH.search(line)]
    return found


def test_the_checker_finds_what_it_looks_for():
    assert problems("Lieu : Bruxelles", "fr") and problems("Lieu: Bruxelles", "fr")
    assert problems("Voulez-vous annuler ?", "fr") and problems("1 séance(s)", "nl")
    assert not problems("Lieu\u00a0: Bruxelles, 10:00, https://example.org\u202f!", "fr")
    assert not problems("Plaats: Brussel", "nl")
    assert text_of('<p title="a : b">x<script>y : z</script></p>') == "\nx"
    assert text_of('<p>a<a lang="nl">Plaats: <b>x</b></a> b</p>', "fr") == "\na b"


def _world():
    w = f.world()
    today = local_today()
    cancelled = f.session_at(w["act_a"], f.at(5))
    with unit_of_work():
        calendar.cancel_session(cancelled, {"fr": "Formatrice malade", "nl": "Lesgever ziek"})
        series = calendar.create_series(w["act_a"], weekdays=[(today + timedelta(days=7)).isoweekday()],
                                        start_time=f.TWO_PM, start_date=today + timedelta(days=7),
                                        end_date=today + timedelta(days=21), format="online")
        calendar.skip_occurrence(series, today + timedelta(days=14), {"fr": "Congé", "nl": "Verlof"})
        closure = declare_closure(w["venue"], today + timedelta(days=30), today + timedelta(days=31),
                                  {"fr": "Vacances de Pâques", "nl": "Paasvakantie"}, "online")
        add_capacity_cap(None, today, today + timedelta(days=10), 50, {"fr": "Travaux", "nl": "Werken"})
    seated = f.person(w["sess_a"], "Ève Actiris", "eve@example.be")
    f.person(w["sess_a"], "Jan Web", "jan@example.be", language="nl", channel="api")
    f.person(w["sess_a"], "Zoé Waiting", "zoe@example.be")  # capacity 2: on the waiting list
    return w, dict(session_id=w["sess_a"].id, series_id=series.id, closure_id=closure.id,
                   activity_id=w["act_a"].id, registration_id=seated.id, token=seated.token,
                   partner_id=w["a"].id, cancelled=cancelled.id)


def test_every_page_in_french_and_dutch_has_french_typography_and_no_s_in_brackets(app):
    w, args = _world()
    args["message_id"] = db.session.scalar(db.select(OutboxMessage.id).limit(1))
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or "lang" not in rule.arguments or rule.endpoint.endswith("_csv"):
                continue
            needed = rule.arguments - {"lang"}
            if not needed <= set(args):
                continue
            for lang in ("fr", "nl"):
                pages.append((rule.endpoint, lang, url_for(rule.endpoint, lang=lang, **{k: args[k] for k in needed})))
        for lang in ("fr", "nl"):
            pages.append(("public.session", lang, url_for("public.session", lang=lang, session_id=args["cancelled"])))
    found, seen = {}, set()
    for who in ("admin", "partner_a", None):
        client = app.test_client()
        if who:
            f.login(app, client, w[who])
        for endpoint, lang, path in pages:
            if who != "partner_a" and endpoint.startswith("partners.") and endpoint != "partners.settings":
                continue
            response = client.get(path)
            if response.status_code != 200 or not response.content_type.startswith("text/html"):
                continue
            seen.add((endpoint, lang))
            bad = problems(text_of(response.get_data(as_text=True), lang), lang)
            if bad:
                found[f"{who} {path}"] = bad
    endpoints = {e for e, _ in seen}
    # The pages that matter were really read, in both languages.
    assert {"public.index", "public.session", "staff.week", "staff.session", "staff.series", "closures.index",
            "closures.new", "staff.session_cancel", "partners.sessions", "partners.session", "attendance.sheet",
            "registrations.view", "accounts.login"} <= endpoints, sorted(endpoints)
    assert all((e, "nl") in seen for e in endpoints)
    assert not found, found
