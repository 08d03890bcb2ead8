"""The signed links: opening one changes nothing; one button cancels; unknown tokens are a plain 404."""
from datetime import datetime, timedelta

from ical.calendar_stream import IcsCalendarStream

from app.calendar import services as calendar
from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration, SurveyAnswer
from app.timeutil import UTC
from tests import factories as f


def booked(capacity=1, days=3, lang="nl", n=1):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    session = calendar.create_session(f.activity(f"a{n}{days}"), start, start + timedelta(hours=2), "online",
                                      capacity=capacity)
    return services.register(session.id, {"name": "Ana", "email": f"ana{n}@example.be", "language": lang,
                                          "consent": True})[0]


def test_view_page_in_the_persons_language(client):
    reg = booked()
    page = client.get(f"/nl/registration/{reg.token}")
    assert page.status_code == 200
    assert 'lang="nl"' in page.text and "Workshop a13" in page.text


def test_opening_the_cancel_link_changes_nothing_the_button_cancels(client):
    reg = booked()
    for _ in range(3):  # a mail scanner opening the link
        assert client.get(f"/fr/registration/{reg.token}/cancel").status_code == 200
    assert db.session.get(Registration, reg.id).status == "confirmed"
    done = client.post(f"/fr/registration/{reg.token}/cancel")
    assert done.status_code == 200
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "cancelled"


def test_cancel_needs_the_csrf_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    reg = booked()
    assert client.post(f"/fr/registration/{reg.token}/cancel").status_code == 400
    assert db.session.get(Registration, reg.id).status == "confirmed"


def test_unknown_and_malformed_tokens_are_404(client):
    for token in ("x" * 43, "bad token", "a" * 300, "../../etc"):
        assert client.get(f"/fr/registration/{token}").status_code == 404
        assert client.get(f"/fr/registration/{token}/cancel").status_code == 404
        assert client.post(f"/fr/registration/{token}/cancel").status_code == 404
    assert client.get("/feeds/registrations/nope.ics").status_code == 404


def test_personal_ics_is_read_by_another_parser(client):
    reg = booked()
    response = client.get(f"/feeds/registrations/{reg.token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = IcsCalendarStream.calendar_from_ics(response.text).events
    assert event.dtstart == reg.session.start_at


def test_survey_only_after_the_start_and_one_answer_per_person(client):
    reg = booked(days=3)
    early = client.post(f"/en/registration/{reg.token}/survey", data={"rating": "5"})
    assert early.status_code == 422 and db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 0
    session = reg.session
    past = datetime.now(UTC) - timedelta(hours=3)
    calendar.reschedule_session(session, past, past + timedelta(hours=2))
    assert client.post(f"/en/registration/{reg.token}/survey", data={"rating": "9"}).status_code == 422
    assert client.post(f"/en/registration/{reg.token}/survey",
                       data={"rating": "4", "comment": "<b>ok</b>"}).status_code == 200
    assert client.post(f"/en/registration/{reg.token}/survey", data={"rating": "5"}).status_code == 200
    (answer,) = db.session.scalars(db.select(SurveyAnswer))
    assert answer.rating == 5


def test_survey_comment_with_a_nul_byte_is_refused(client):
    reg = booked(days=3)
    past = datetime.now(UTC) - timedelta(hours=3)
    calendar.reschedule_session(reg.session, past, past + timedelta(hours=2))
    response = client.post(f"/fr/registration/{reg.token}/survey", data={"rating": "4", "comment": "ok\x00"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 0
