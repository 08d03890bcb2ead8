"""Partner pages: their own sessions and registrations only, the CSV export, proposals, the provider."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from app.calendar.models import Partner, Session
from app.extensions import db
from app.messages.models import OutboxMessage
from app.partners.models import SessionProposal
from app.partners.services import safe_cell
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.factories import login, person, world


@pytest.fixture
def w():
    return world()


def _as(app, client, account):
    login(app, client, account)
    return client


def test_anonymous_visitors_go_to_the_login_page(client, w):
    for path in ("/fr/partner/", f"/fr/partner/sessions/{w['sess_a'].id}", "/fr/partner/proposals",
                 f"/fr/partner/sessions/{w['sess_a'].id}/registrations.csv", "/fr/partner/propose"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/account/login" in response.headers["Location"]


def test_a_partner_sees_only_their_organisations_sessions(app, client, w):
    person(w["sess_a"], "Alice Aimée", "alice@example.be")
    person(w["sess_b"], "Bert Bakker", "bert@example.be", language="nl")
    page = _as(app, client, w["partner_a"]).get("/en/partner/").get_data(as_text=True)
    assert "Workshop cv-a (en)" in page and "Workshop shared (en)" in page  # organised, co-hosted
    assert "Workshop nl-b (en)" not in page
    assert "1 of 2 seats taken" in page
    other = _as(app, client, w["partner_b"]).get("/nl/partner/").get_data(as_text=True)
    assert "Workshop nl-b" in other and "Workshop shared" in other and "Workshop cv-a" not in other


def test_registrations_of_ones_own_session_only(app, client, w):
    person(w["sess_a"], "Alice Aimée", "alice@example.be")
    person(w["sess_b"], "Bert Bakker", "bert@example.be", language="nl")
    a = _as(app, client, w["partner_a"])
    page = a.get(f"/fr/partner/sessions/{w['sess_a'].id}")
    assert page.status_code == 200
    assert "Alice Aimée" in page.get_data(as_text=True) and "alice@example.be" in page.get_data(as_text=True)
    for path in (f"/fr/partner/sessions/{w['sess_b'].id}", f"/fr/partner/sessions/{w['sess_b'].id}/registrations.csv"):
        response = a.get(path)
        assert response.status_code == 403
        assert "Bert" not in response.get_data(as_text=True)
    b = _as(app, client, w["partner_b"])
    assert b.get(f"/nl/partner/sessions/{w['sess_a'].id}").status_code == 403
    assert b.get(f"/nl/partner/sessions/{w['sess_a'].id}/registrations.csv").status_code == 403
    assert "Bert Bakker" in b.get(f"/nl/partner/sessions/{w['sess_b'].id}").get_data(as_text=True)
    for role in ("admin", "coordinator", "counsellor"):
        staff = _as(app, client, w[role])
        assert staff.get(f"/en/partner/sessions/{w['sess_b'].id}").status_code == 200
    assert _as(app, client, w["partner_a"]).get("/fr/partner/sessions/999999").status_code == 404
    assert a.get("/fr/partner/sessions/99999999999").status_code == 404


def test_csv_for_excel_and_safe_from_formulas(app, client, w):
    person(w["sess_a"], "=HYPERLINK(\"http://evil.example\",\"x\")", "eve@example.be")
    person(w["sess_a"], "@SUM(A1:A9)", "sam@example.be")
    person(w["sess_a"], "+32 plus", "plus@example.be")  # full: on the waiting list
    response = _as(app, client, w["partner_a"]).get(f"/en/partner/sessions/{w['sess_a'].id}/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Name", "E-mail", "Status"]
    names = [r[0] for r in rows[1:]]
    assert names == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1:A9)", "'+32 plus"]
    assert [r[2] for r in rows[1:]] == ["Confirmed", "Confirmed", "Waiting list"]
    for row in rows[1:]:
        assert all(cell[:1] not in ("=", "+", "-", "@") for cell in row)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("plain", "plain"),
    ("", ""), (None, ""), ("a=b", "a=b"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _proposal_form(w, **changes):
    day = local_today() + timedelta(days=10)
    data = {"activity": str(w["act_a"].id), "day": day.isoformat(), "start": "10:00", "end": "12:00",
            "format": "face_to_face", "venue": str(w["venue"].id), "room": str(w["venue"].rooms[1].id),
            "capacity": "12", "language": "fr", "note": "Pour les 18-25 ans"}
    data.update(changes)
    return data


def test_a_partner_proposes_and_a_coordinator_approves(app, client, w):
    a = _as(app, client, w["partner_a"])
    page = a.get("/fr/partner/propose")
    assert page.status_code == 200
    assert "Atelier nl-b" in page.get_data(as_text=True)  # any public activity may be proposed
    response = a.post("/fr/partner/propose", data=_proposal_form(w))
    assert response.status_code == 303
    proposal = db.session.scalar(db.select(SessionProposal))
    assert (proposal.status, proposal.partner_id, proposal.proposer_id) == ("pending", w["a"].id, w["partner_a"].id)
    assert proposal.start_at.astimezone(BRUSSELS).hour == 10
    mine = a.get("/fr/partner/proposals").get_data(as_text=True)
    assert "Atelier cv-a" in mine and "Pour les 18-25 ans" in mine
    assert 'action="/fr/partner/proposals/' not in mine  # a partner does not decide
    assert a.post(f"/fr/partner/proposals/{proposal.id}/review", data={"approve": "1"}).status_code == 403
    assert _as(app, client, w["partner_b"]).get("/nl/partner/proposals").get_data(as_text=True).count("Pour les") == 0

    coordinator = _as(app, client, w["coordinator"])
    listing = coordinator.get("/en/partner/proposals").get_data(as_text=True)
    assert f'action="/en/partner/proposals/{proposal.id}/review"' in listing
    sessions_before = db.session.scalar(db.select(db.func.count(Session.id)))
    response = coordinator.post(f"/en/partner/proposals/{proposal.id}/review",
                                data={"approve": "1", "note": "Bienvenue"})
    assert response.status_code == 303
    db.session.expire_all()
    proposal = db.session.get(SessionProposal, proposal.id)
    assert proposal.status == "approved" and proposal.reviewer_id == w["coordinator"].id
    created = proposal.created_session
    assert db.session.scalar(db.select(db.func.count(Session.id))) == sessions_before + 1
    assert (created.activity_id, created.capacity, created.room_id) == (w["act_a"].id, 12, w["venue"].rooms[1].id)
    assert created.start_at == proposal.start_at
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "proposal"))
    assert message.to_email == "anna@actiris.example" and message.language == "fr"
    assert message.registration_id is None
    weekday = format_date(proposal.start_at.astimezone(BRUSSELS).date(), "EEEE", locale="fr")
    assert weekday in message.body_text and "Bienvenue" in message.body_html
    # Deciding twice is refused and creates nothing more.
    again = coordinator.post(f"/en/partner/proposals/{proposal.id}/review", data={"approve": "1"},
                             follow_redirects=True)
    assert "already been decided" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Session.id))) == sessions_before + 1
    assert "Atelier cv-a" in a.get("/fr/partner/").get_data(as_text=True)


def test_refusal_needs_a_reason_and_tells_the_partner_in_their_language(app, client, w):
    b = _as(app, client, w["partner_b"])
    b.post("/nl/partner/propose", data=_proposal_form(w, activity=str(w["act_b"].id), format="online", venue="",
                                                         room="", language="nl"))
    proposal = db.session.scalar(db.select(SessionProposal))
    admin = _as(app, client, w["admin"])
    page = admin.post(f"/fr/partner/proposals/{proposal.id}/review", data={"refuse": "1", "note": "  "},
                      follow_redirects=True).get_data(as_text=True)
    assert "Indiquez le motif du refus" in page
    db.session.expire_all()
    assert db.session.get(SessionProposal, proposal.id).status == "pending"
    assert db.session.scalar(db.select(OutboxMessage)) is None
    hostile = "<script>alert('x')</script> Te laat"
    admin.post(f"/fr/partner/proposals/{proposal.id}/review", data={"refuse": "1", "note": hostile})
    db.session.expire_all()
    proposal = db.session.get(SessionProposal, proposal.id)
    assert (proposal.status, proposal.review_note, proposal.created_session_id) == ("refused", hostile, None)
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.language == "nl" and message.to_email == "bram@vdab.example"
    weekday = format_date(proposal.start_at.astimezone(BRUSSELS).date(), "EEEE", locale="nl")
    assert weekday in message.body_text
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html
    listing = b.get("/nl/partner/proposals").get_data(as_text=True)
    assert "&lt;script&gt;alert" in listing and "<script>alert" not in listing


def test_approval_hitting_a_room_conflict_keeps_the_proposal_pending(app, client, w):
    a = _as(app, client, w["partner_a"])
    start = w["start"]  # sess_a holds Salle 1 then
    a.post("/fr/partner/propose", data=_proposal_form(
        w, day=start.date().isoformat(), start="15:00", end="17:00", room=str(w["venue"].rooms[0].id)))
    proposal = db.session.scalar(db.select(SessionProposal))
    assert proposal is not None
    count = db.session.scalar(db.select(db.func.count(Session.id)))
    page = _as(app, client, w["coordinator"]).post(f"/en/partner/proposals/{proposal.id}/review",
                                                   data={"approve": "1"}, follow_redirects=True)
    assert "Salle 1" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SessionProposal, proposal.id).status == "pending"
    assert db.session.scalar(db.select(db.func.count(Session.id))) == count
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "proposal")) is None


def test_approval_hitting_a_validation_error_keeps_the_proposal_pending(app, client, w):
    a = _as(app, client, w["partner_a"])
    a.post("/fr/partner/propose", data=_proposal_form(w))
    proposal = db.session.scalar(db.select(SessionProposal))
    proposal.capacity = 20000  # the calendar allows 10000 at most
    db.session.commit()
    page = _as(app, client, w["coordinator"]).post(f"/en/partner/proposals/{proposal.id}/review",
                                                   data={"approve": "1"}, follow_redirects=True)
    assert "10000" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SessionProposal, proposal.id).status == "pending"


@pytest.mark.parametrize("changes, field", [
    ({"end": "09:00"}, "end"),
    ({"day": "2001-01-01"}, "day"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "abc"}, "capacity"),
    ({"activity": "999999"}, "activity"),
    ({"activity": "<b>1</b>"}, "activity"),
    ({"format": "telepathy"}, "format"),
    ({"format": "face_to_face", "venue": ""}, "venue"),
    ({"language": "xx"}, "language"),
    ({"note": "x" * 1001}, "note"),
    ({"note": "nul\x00byte"}, "note"),
    ({"day": "2026-02-30"}, "day"),
])
def test_hostile_proposals_are_refused_and_nothing_is_stored(app, client, w, changes, field):
    response = _as(app, client, w["partner_a"]).post("/fr/partner/propose", data=_proposal_form(w, **changes))
    assert response.status_code == 422
    assert 'class="govuk-error-message field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(SessionProposal)) is None


def test_a_schools_only_activity_of_another_partner_cannot_be_proposed(app, client, w):
    other = f.activity("pto-b", organiser="vdab-brussel", schools_only=True)
    response = _as(app, client, w["partner_a"]).post("/fr/partner/propose",
                                                     data=_proposal_form(w, activity=str(other.id)))
    assert response.status_code == 422
    assert db.session.scalar(db.select(SessionProposal)) is None


def test_markup_in_a_proposal_is_shown_as_text(app, client, w):
    a = _as(app, client, w["partner_a"])
    a.post("/fr/partner/propose", data=_proposal_form(w, note="<img src=x onerror=alert(1)>"))
    for viewer in (w["partner_a"], w["coordinator"]):
        page = _as(app, client, viewer).get("/fr/partner/proposals").get_data(as_text=True)
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


def test_only_partners_propose_and_only_coordinators_and_admins_decide(app, client, w):
    for role in ("admin", "coordinator", "counsellor"):
        assert _as(app, client, w[role]).get("/fr/partner/propose").status_code == 403
    _as(app, client, w["partner_a"]).post("/fr/partner/propose", data=_proposal_form(w))
    proposal = db.session.scalar(db.select(SessionProposal))
    for role in ("counsellor", "partner_a", "partner_b"):
        response = _as(app, client, w[role]).post(f"/fr/partner/proposals/{proposal.id}/review", data={"approve": "1"})
        assert response.status_code == 403
    assert _as(app, client, w["counsellor"]).get("/fr/partner/proposals").status_code == 200


def test_the_form_needs_its_csrf_token(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = _as(app, client, w["partner_a"]).post("/fr/partner/propose", data=_proposal_form(w))
    assert response.status_code == 400
    assert db.session.scalar(db.select(SessionProposal)) is None


def test_videoconference_provider_of_ones_own_organisation(app, client, w):
    a = _as(app, client, w["partner_a"])
    page = a.get("/fr/partner/settings")
    assert page.status_code == 200 and re.search(r'checked[^>]*value="jitsi"|value="jitsi"[^>]*checked',
                                                 page.get_data(as_text=True))
    assert a.post("/fr/partner/settings", data={"provider": "google_meet"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Partner, w["a"].id).room_provider == "google_meet"
    assert a.post(f"/fr/partner/{w['b'].id}/settings", data={"provider": "whereby"}).status_code == 403
    assert a.post("/fr/partner/settings", data={"provider": "<script>"}).status_code == 422
    assert _as(app, client, w["counsellor"]).post(f"/fr/partner/{w['b'].id}/settings",
                                                  data={"provider": "whereby"}).status_code == 403
    coordinator = _as(app, client, w["coordinator"])
    assert "Actiris" in coordinator.get("/fr/partner/settings").get_data(as_text=True)
    assert coordinator.post(f"/fr/partner/{w['b'].id}/settings", data={"provider": "whereby"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Partner, w["b"].id).room_provider == "whereby"
    assert db.session.get(Partner, w["a"].id).room_provider == "google_meet"
