"""Who may do what in the back-office: every role against every page and action, on sessions of partner A
(Actiris) and partner B (VDAB Brussel); and no partner ever reads another partner's registrations.

The expected answer comes from app.accounts.access.RULES, by the action each case names, not from can():
- allowed: the page or action succeeds (2xx, or 3xx to anything but the login page). POST cases sent without
  a valid form (`strict=False`) may also answer with their own refusal (400, 409, 422...): the matrix asks
  only that the access check let them in, never a 403, a login redirect or a server error;
- refused: 403 for someone logged in, a redirect to the login page for an anonymous visitor.
Adding an endpoint is one line in CASES; test_every_back_office_endpoint_is_in_the_matrix says when one is missing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from types import SimpleNamespace
from typing import Callable

import pytest

from app.accounts.access import RULES, SESSION_ACTIONS
from app.accounts.services import create_user
from app.calendar import services as calendar
from app.closures.services import declare_closure
from app.extensions import db
from app.messages.models import OutboxMessage
from app.partners.services import propose_session
from app.registrations.services import register
from app.timeutil import local_today
from tests import factories as f
from tests.test_accounts_helpers import PASSWORD, log_in

BLUEPRINTS = ("staff", "partners", "attendance", "accounts", "closures", "posts")
PUBLIC = "public"  # pages anyone may open: logging in, a lost password
ROLES = ("anonymous", "admin", "coordinator", "counsellor", "partner_a", "partner_b")
# Distinctive people registered for each partner's session: grepped for in every answer.
PEOPLE = {"a": ("Zorro Actirisperson", "zorro.actiris@example.be"),
          "b": ("Yvette Vdabperson", "yvette.vdab@example.be")}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    action: str  # a key of RULES, or PUBLIC
    whose: str | None  # "a" or "b": the case is about partner A's or partner B's session, organisation, row
    args: Callable = lambda s, w: {}
    data: Callable | None = None  # form (or JSON) to send
    strict: bool = True  # allowed means 2xx/3xx (False: any answer but a refusal or a server error)
    json: bool = False
    ends_on_login: bool = False  # logging out: the login page is where it leads
    owned: bool = True  # False: the page is about a partner's row, but open to every role of the action


def each(endpoint, method, action, args, data=None, strict=True, json=False, owned=True) -> list[Case]:
    """The same case on partner A's and on partner B's object."""
    return [Case(endpoint, method, action, w, args, data, strict, json, owned=owned) for w in ("a", "b")]


def one(endpoint, method, action, args=lambda s, w: {}, data=None, strict=True) -> list[Case]:
    return [Case(endpoint, method, action, None, args, data, strict)]


def _session(s, w): return {"session_id": s.session[w].id}
def _spare(s, w): return {"session_id": s.session[w].id, "registration_id": s.spare[w].id}
def _series(s, w): return {"series_id": s.series[w].id}
def _empty(s, w): return {}


def DESK(s, w):
    return {"name": f"Desk {w}", "email": f"desk.{w}@example.be", "language": "fr", "channel": "phone",
            "audience": "", "postcode": "", "agreed": "y"}

# Order matters within one role's run: what changes or ends things comes last.
CASES: list[Case] = [
    *one("accounts.login", "GET", PUBLIC),
    *one("accounts.forgot", "GET", PUBLIC),
    *one("accounts.reset", "GET", PUBLIC, lambda s, w: {"token": s.reset_token}),
    *one("accounts.login", "POST", PUBLIC, data=lambda s, w: {}, strict=False),
    *one("accounts.forgot", "POST", PUBLIC, data=lambda s, w: {"email": "nobody@example.be"}),
    *one("accounts.reset", "POST", PUBLIC, lambda s, w: {"token": s.reset_token}, lambda s, w: {}, strict=False),
    *one("accounts.home", "GET", "backoffice"),
    *one("accounts.users", "GET", "manage_users"),
    *one("staff.week", "GET", "see_centre"),
    *one("staff.activities", "GET", "plan"),
    *one("staff.activity_new", "GET", "plan"),
    *each("staff.activity_edit", "GET", "plan", lambda s, w: {"activity_id": s.activity[w].id}),
    *one("staff.series_new", "GET", "plan"),
    *each("staff.series", "GET", "see_centre", _series, owned=False),  # the centre's planning, no one's people
    *one("staff.session_new", "GET", "plan"),
    *each("staff.session", "GET", "see_registrations", _session),
    *each("staff.desk_confirmation", "GET", "register_for_someone", _spare),
    *each("staff.desk_cancel_confirm", "GET", "register_for_someone", _spare),
    *each("staff.session_edit", "GET", "plan", _session),
    *each("staff.session_cancel", "GET", "plan", _session),
    *one("staff.outbox", "GET", "see_outbox"),
    *one("staff.counsellors", "GET", "plan"),
    *one("staff.counsellor", "GET", "plan", lambda s, w: {"user_id": s.users["counsellor"].id}),
    *one("staff.my_sessions", "GET", "backoffice"),
    *one("staff.host_sessions", "GET", "see_centre", lambda s, w: {"user_id": s.users["counsellor"].id}),
    *each("staff.session_hosts", "GET", "plan", _session),
    *one("staff.school_requests", "GET", "see_centre"),
    *one("staff.class_attendance", "GET", "take_attendance", lambda s, w: {"session_id": s.class_session.id}),
    *one("staff.school_request", "GET", "see_centre", lambda s, w: {"request_id": s.school_request.id}),
    *each("staff.outbox_message", "GET", "see_outbox", lambda s, w: {"message_id": s.message[w].id}),
    *one("closures.index", "GET", "plan"),
    *one("posts.index", "GET", "publish_posts"),
    *one("posts.edit", "GET", "publish_posts", lambda s, w: {"post_id": 999999}, strict=False),
    *one("closures.new", "GET", "plan"),
    *one("closures.change", "GET", "plan", lambda s, w: {"closure_id": s.closure.id}),
    *one("closures.new_cap", "GET", "plan"),
    *one("partners.sessions", "GET", "backoffice"),
    *each("partners.session", "GET", "see_registrations", _session),
    *each("partners.session_csv", "GET", "see_registrations", _session),
    *one("partners.propose", "GET", "propose_session"),
    *one("partners.proposals", "GET", "backoffice"),
    *one("partners.settings", "GET", "set_room_provider"),
    *each("partners.settings", "GET", "set_room_provider", lambda s, w: {"partner_id": s.partner[w].id}),
    *each("attendance.sheet", "GET", "take_attendance", _session),
    *each("attendance.checkin", "GET", "take_attendance", lambda s, w: {"token": s.registration[w].token}),
    # Changes, with a valid form where the matrix can give one.
    *each("attendance.mark", "POST", "take_attendance", _session,
          lambda s, w: {"registration": s.registration[w].id, "status": "present"}, json=True),
    *each("attendance.checkin", "POST", "take_attendance", lambda s, w: {"token": s.registration[w].token},
          lambda s, w: {}, strict=False),
    *each("partners.settings", "POST", "set_room_provider", lambda s, w: {"partner_id": s.partner[w].id},
          lambda s, w: {"provider": "jitsi"}),
    *one("partners.settings", "POST", "set_room_provider", data=lambda s, w: {"provider": "jitsi"}, strict=False),
    *one("partners.propose", "POST", "propose_session", data=lambda s, w: {}, strict=False),
    *each("partners.review", "POST", "review_proposals", lambda s, w: {"proposal_id": s.proposal[w].id},
          lambda s, w: {"approve": "y", "note": ""}),
    *each("staff.desk_register", "POST", "register_for_someone", _session, DESK),
    *each("staff.desk_promote", "POST", "manage_waiting_list", _spare, lambda s, w: {}, strict=False),
    *each("staff.desk_cancel", "POST", "register_for_someone", _spare, lambda s, w: {"confirmed": "yes"}),
    *each("staff.outbox_retry", "POST", "see_outbox", lambda s, w: {"message_id": s.message[w].id}, lambda s, w: {}),
    *each("staff.outbox_abandon", "POST", "see_outbox", lambda s, w: {"message_id": s.message[w].id}, lambda s, w: {}),
    *one("staff.activity_new", "POST", "plan", data=lambda s, w: {}, strict=False),
    *each("staff.activity_edit", "POST", "plan", lambda s, w: {"activity_id": s.activity[w].id}, lambda s, w: {},
          strict=False),
    *one("staff.series_new", "POST", "plan", data=lambda s, w: {}, strict=False),
    *each("staff.series_edit", "POST", "plan", _series, lambda s, w: {}, strict=False),
    *each("staff.series_skip", "POST", "plan", _series, lambda s, w: {}, strict=False),
    *each("staff.series_move", "POST", "plan", _series, lambda s, w: {}, strict=False),
    *each("staff.series_restore", "POST", "plan", _series, lambda s, w: {}, strict=False),
    *one("staff.session_new", "POST", "plan", data=lambda s, w: {}, strict=False),
    *each("staff.session_hosts", "POST", "plan", _session, lambda s, w: {}, strict=False),
    *one("staff.school_request_slot", "POST", "plan", lambda s, w: {"request_id": s.school_request.id},
         lambda s, w: {}, strict=False),
    *one("staff.school_request_decline", "POST", "plan", lambda s, w: {"request_id": s.school_request.id},
         lambda s, w: {"reason": ""}, strict=False),
    *one("staff.class_attendance", "POST", "take_attendance", lambda s, w: {"session_id": s.class_session.id},
         lambda s, w: {}, strict=False),
    *one("staff.school_request_contact", "POST", "plan", lambda s, w: {"request_id": s.school_request.id},
         lambda s, w: {}, strict=False),
    *one("staff.school_request_cancel", "POST", "plan", lambda s, w: {"request_id": s.school_request.id},
         lambda s, w: {}, strict=False),
    *one("staff.counsellor", "POST", "plan", lambda s, w: {"user_id": s.users["counsellor"].id}, lambda s, w: {},
         strict=False),
    *each("staff.session_edit", "POST", "plan", _session, lambda s, w: {}, strict=False),
    *one("closures.new", "POST", "plan", data=lambda s, w: {}, strict=False),
    *one("posts.edit", "POST", "publish_posts", lambda s, w: {"post_id": 999999}, lambda s, w: {}, strict=False),
    *one("posts.publish", "POST", "publish_posts", lambda s, w: {"post_id": 999999}, lambda s, w: {}, strict=False),
    *one("posts.skip", "POST", "publish_posts", lambda s, w: {"post_id": 999999}, lambda s, w: {}, strict=False),
    *one("posts.resume", "POST", "publish_posts", lambda s, w: {"network": "facebook"}, lambda s, w: {}),
    *one("closures.change", "POST", "plan", lambda s, w: {"closure_id": s.closure.id}, lambda s, w: {}, strict=False),
    *one("closures.new_cap", "POST", "plan", data=lambda s, w: {}, strict=False),
    *one("accounts.users", "POST", "manage_users", data=lambda s, w: {}, strict=False),
    *one("widget.builder", "GET", "backoffice"),
    *one("accounts.feed_create", "POST", "backoffice", data=lambda s, w: {}),
    # An id of no link of this user: a 404 for whoever may have links, never another's link revoked.
    *one("accounts.feed_revoke", "POST", "backoffice", lambda s, w: {"feed_id": 999999}, lambda s, w: {},
         strict=False),
    *one("accounts.user_active", "POST", "manage_users", lambda s, w: {"user_id": s.spare_user.id},
         lambda s, w: {"active": "0"}),
    *each("staff.session_cancel", "POST", "plan", _session, lambda s, w: {}, strict=False),
    Case("accounts.logout", "POST", PUBLIC, None, data=lambda s, w: {}, ends_on_login=True),
]


def expected(role: str, action: str, whose: str | None) -> bool:  # whose: None when not owned
    """What RULES say: the role has the action; a partner user acts on their organisation's things only."""
    if action == PUBLIC:
        return True
    if role == "anonymous":
        return False
    kind = "partner" if role.startswith("partner") else role
    if kind not in RULES[action]:
        return False
    if kind != "partner":
        return True
    if whose is None:
        return action not in SESSION_ACTIONS
    return whose == role[-1]


def seed() -> SimpleNamespace:
    """Two partners, each with an activity, a weekly series, a session with one distinctive person, a spare
    registration, a pending proposal; a closure elsewhere; one account per role and a spare account."""
    a, b = f.partner("actiris"), f.partner("vdab-brussel")
    place, other = f.venue(), f.venue("Elsewhere", rooms=("Room E",))
    f.audience("jobseekers")
    users = {
        "admin": create_user("admin@example.be", "Admin", "admin", password=PASSWORD),
        "coordinator": create_user("coordinator@example.be", "Coordinator", "coordinator", password=PASSWORD),
        "counsellor": create_user("counsellor@example.be", "Counsellor", "counsellor", password=PASSWORD),
        "partner_a": create_user("a@actiris.example", "Partner A", "partner", password=PASSWORD, partner=a),
        "partner_b": create_user("b@vdab.example", "Partner B", "partner", password=PASSWORD, partner=b),
    }
    s = SimpleNamespace(users=users, partner={"a": a, "b": b}, activity={}, session={}, series={}, registration={},
                        spare={}, message={}, proposal={})
    day = local_today() + timedelta(days=3)
    for n, (w, slug) in enumerate((("a", "actiris"), ("b", "vdab-brussel"))):
        activity = f.activity(f"act-{w}", organiser=slug)
        start = f.local(day.year, day.month, day.day, 9 + 3 * n)
        session = calendar.create_session(activity, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                          room=place.rooms[0])
        series = calendar.create_series(activity, weekdays=[(day + timedelta(days=1)).isoweekday()],
                                        start_time=time(9 + 3 * n), start_date=day + timedelta(days=1),
                                        end_date=day + timedelta(days=30), format="online")
        name, email = PEOPLE[w]
        person = dict(name=name, email=email, language="fr", consent=True, channel="web")
        registration, _ = register(session.id, person)
        spare, _ = register(session.id, dict(person, name=f"Spare {w}", email=f"spare.{w}@example.be"))
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
        proposal = propose_session(users[f"partner_{w}"], {
            "activity_id": activity.id, "day": day + timedelta(days=10), "start": time(14), "end": time(16),
            "format": "online", "capacity": 12, "language": "fr", "note": f"Proposal {w}"})
        s.activity[w], s.session[w], s.series[w] = activity, session, series
        s.registration[w], s.spare[w], s.message[w], s.proposal[w] = registration, spare, message, proposal
    from tests.school_factories import teacher_request

    school_activity = f.activity("pto", schools_only=True, capacity=30)
    s.school_request = teacher_request(school_activity)
    s.class_session = calendar.create_session(school_activity, f.local(day.year, day.month, day.day, 16),
                                              f.local(day.year, day.month, day.day, 17), "online",
                                              visibility="school")
    s.closure = declare_closure(other, day + timedelta(days=200), day + timedelta(days=201), "Works", "online")
    s.spare_user = create_user("spare@example.be", "Spare", "counsellor", password=PASSWORD)
    from app.accounts.services import reset_token

    s.reset_token = reset_token(s.spare_user)
    return s


def _url(app, case: Case, s, lang: str = "en") -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(case.endpoint, lang=lang, **case.args(s, case.whose))


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and "/account/login" in location.split("?")[0]:
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if 200 <= response.status_code < 400:
        return "ok"
    return f"status {response.status_code}"


def send(client, app, case: Case, s):
    url = _url(app, case, s)
    if case.method == "GET":
        return client.get(url)
    data = case.data(s, case.whose) if case.data else {}
    return client.post(url, json=data) if case.json else client.post(url, data=data)


def verdict(role: str, case: Case, response) -> str | None:
    """None when the answer is the one RULES call for, else what went wrong."""
    got = outcome(response)
    if case.ends_on_login and got == "login":
        got = "ok"
    if expected(role, case.action, case.whose if case.owned else None):
        if got == "ok" or (not case.strict and got.startswith("status ") and response.status_code < 500):
            return None
        return f"should be allowed, got {got}"
    want = "login" if role == "anonymous" else "forbidden"
    return None if got == want else f"should be refused ({want}), got {got}"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_page_and_action(app, role):
    s = seed()
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, s.users[role].email).status_code == 302
    problems = []
    for case in CASES:
        response = send(client, app, case, s)
        problem = verdict(role, case, response)
        if problem:
            problems.append(f"{case.method} {case.endpoint} (partner {case.whose or '-'}, {case.action}): {problem}")
    assert problems == [], f"{role}:\n  " + "\n  ".join(problems)


def test_every_back_office_endpoint_is_in_the_matrix(app):
    covered = {(c.endpoint, c.method) for c in CASES}
    missing = sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                     if rule.endpoint.split(".")[0] in BLUEPRINTS
                     for method in rule.methods - {"HEAD", "OPTIONS"} if (rule.endpoint, method) not in covered)
    assert missing == [], "add these to CASES: " + ", ".join(f"{m} {e}" for e, m in missing)
    assert {c.action for c in CASES} - {PUBLIC} <= set(RULES)


def _public_answers(client, s) -> dict[str, str]:
    """The API's and feeds' answers that could carry a session's people."""
    paths = ["/api/v1/sessions", "/feeds/workshops.ics"]
    paths += ([f"/api/v1/sessions/{s.session[w].id}" for w in "ab"]
              + [f"/feeds/sessions/{s.session[w].id}.ics" for w in "ab"])
    return {p: client.get(p).get_data(as_text=True) for p in paths}


@pytest.mark.parametrize("role, own, other", [("partner_a", "a", "b"), ("partner_b", "b", "a")])
def test_a_partner_never_sees_another_partners_registrations(app, role, own, other):
    s = seed()
    client = app.test_client()
    log_in(client, s.users[role].email)
    bodies = {}
    for case in CASES:
        if case.method == "GET":
            response = send(client, app, case, s)
            bodies[f"{case.endpoint} ({case.whose or '-'})"] = response.get_data(as_text=True)
    bodies.update(_public_answers(client, s))
    leaks = [where for where, body in bodies.items() if any(word in body for word in PEOPLE[other])]
    assert leaks == [], f"{role} sees partner {other}'s registrations in: {leaks}"
    own_pages = [where for where, body in bodies.items() if PEOPLE[own][0] in body]
    assert f"partners.session ({own})" in own_pages and f"partners.session_csv ({own})" in own_pages
