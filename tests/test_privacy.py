"""Personal data kept only as long as needed: the retention purge, erasure and export on request (by the
person through a signed link, by staff with the audit log), and what the product says about it."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import LoginAttempt
from app.attendance.models import Attendance
from app.attendance.services import mark, record_join, save_walkin
from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import deliver_due
from app.messages.models import OutboxMessage
from app.privacy import services
from app.privacy.jobs import purge
from app.privacy.models import AuditEntry
from app.registrations.models import Registration, SurveyAnswer
from app.registrations.services import register
from app.scheduler import time_of_day
from app.timeutil import utcnow
from tests import factories as f

SECRETS = ("Zoé Verhaegen", "zoe.verhaegen@example.be", "+32470123456", "J'ai adoré Zoé", "Walkin Wanda",
           "wanda@example.be")


def every_text(*needles: str) -> list[tuple[str, str, str]]:
    """(table, column, needle) wherever a needle is found in any text column of any table."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                continue
            text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
            for needle in needles:
                hit = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(
                    sa.func.lower(text).contains(needle.lower(), autoescape=True)))
                if hit:
                    found.append((table.name, column.name, needle))
    return found


def counts() -> dict:
    """The anonymous figures the statistics are made of: they must not move with a purge or an erasure."""
    r, a = Registration, Attendance
    return {
        "registrations": db.session.execute(sa.select(r.session_id, r.status, r.channel, r.language, r.audience_id,
                                                      sa.func.count()).group_by(r.session_id, r.status, r.channel,
                                                                                r.language, r.audience_id)
                                            .order_by(r.session_id, r.status, r.channel, r.language)).all(),
        "attendance": db.session.execute(sa.select(a.session_id, a.status, a.source, a.registration_id.is_(None),
                                                   sa.func.count()).group_by(a.session_id, a.status, a.source,
                                                                             a.registration_id.is_(None))
                                         .order_by(a.session_id, a.status, a.source)).all(),
        "ratings": db.session.execute(sa.select(SurveyAnswer.session_id, SurveyAnswer.rating, sa.func.count())
                                      .group_by(SurveyAnswer.session_id, SurveyAnswer.rating)
                                      .order_by(SurveyAnswer.session_id, SurveyAnswer.rating)).all(),
        "postcodes": sorted(db.session.scalars(sa.select(sa.func.substr(r.postcode, 1, 2))).all(), key=str),
        "messages": db.session.execute(sa.select(OutboxMessage.kind, sa.func.count()).group_by(OutboxMessage.kind)
                                       .order_by(OutboxMessage.kind)).all(),
    }


@pytest.fixture
def lived():
    """A session that took place (attendance, a walk-in, an online join, a survey) and one ahead."""
    staff = f.user("counsellor")
    act = f.activity("cv")
    past = f.session_at(act, f.at(2), capacity=5)
    online = f.session_at(act, f.at(2, 16), fmt="online", capacity=5)
    ahead = f.session_at(act, f.at(30), capacity=1)
    with unit_of_work():
        zoe = register(past.id, dict(name="Zoé Verhaegen", email="Zoe.Verhaegen@example.be", language="nl",
                                     consent=True, postcode="1210", audience="jobseekers"))[0]
        other = register(past.id, dict(name="Omar Benali", email="omar@example.be", language="fr", consent=True,
                                       postcode="1080"))[0]
        phoned = register(past.id, dict(name="Zoé Verhaegen", phone="0470 12 34 56", language="nl", consent=True,
                                        channel="phone"), phone_allowed=True)[0]
        joined = register(online.id, dict(name="Zoé Verhaegen", email="zoe.verhaegen@example.be", language="nl",
                                          consent=True))[0]
    with unit_of_work():  # the first two took place two days ago
        for session, hour in ((past, 10), (online, 16)):
            start = f.at(-2, hour)
            db.session.execute(sa.update(Session).where(Session.id == session.id)
                               .values(start_at=start, end_at=start + timedelta(hours=1)))
        db.session.expire_all()
        mark(past, zoe.id, "present", staff)
        mark(past, other.id, "absent", staff)
        save_walkin(past, "walkin-key-0001", staff, name="Walkin Wanda", email="wanda@example.be")
        record_join(joined)
        db.session.add(SurveyAnswer(registration_id=zoe.id, session_id=past.id, rating=5, comment="J'ai adoré Zoé"))
    with unit_of_work():
        seat = register(ahead.id, dict(name="Zoé Verhaegen", email="zoe.verhaegen@example.be", language="nl",
                                       consent=True))[0]
        waiting = register(ahead.id, dict(name="Omar Benali", email="omar@example.be", language="fr",
                                          consent=True))[0]
    return dict(past=past, online=online, ahead=ahead, zoe=zoe, other=other, phoned=phoned, joined=joined,
                seat=seat, waiting=waiting, staff=staff)


# --- the retention purge --------------------------------------------------------------------------------------


def test_purge_keeps_the_counts_and_nothing_personal(app, lived, smtp):
    deliver_due()  # the confirmations are written and sent: their texts hold the names
    assert every_text(*SECRETS)
    before = counts()
    later = lived["ahead"].end_at + timedelta(days=366)  # past the retention of every session
    done = purge(later, batch=2)  # small batches: the loop goes round several times
    assert done["registrations"] == 6 and done["walkins"] == 1
    assert every_text(*SECRETS) == []
    tokens = [r.token for r in (lived["zoe"], lived["seat"])]
    assert every_text(*tokens) == []
    assert counts() == {**before, "postcodes": before["postcodes"]}
    assert purge(later) == dict.fromkeys(services.PURGES, 0)  # nothing left: a second run does nothing


def test_purge_waits_for_the_retention_period(app, lived):
    too_soon = lived["past"].end_at + timedelta(days=364)
    assert purge(too_soon)["registrations"] == 0
    assert db.session.get(Registration, lived["zoe"].id).name == "Zoé Verhaegen"
    assert purge(lived["past"].end_at + timedelta(days=366))["registrations"] == 4  # three on site, one online
    assert db.session.get(Registration, lived["seat"].id).name == "Zoé Verhaegen"  # the session ahead: kept


def test_retention_period_is_a_setting(app, lived, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DAYS", 30)
    assert purge(lived["past"].end_at + timedelta(days=31))["registrations"] == 4


def test_purge_of_messages_login_records_and_audit_log(app, lived, smtp):
    deliver_due()
    admin = f.user("admin")
    with unit_of_work():
        db.session.add(LoginAttempt(key="account:someone@example.be", at=utcnow()))
        services.record(admin, "view", services.Subject("email", "omar@example.be"), 2, "his phone call")
    now = utcnow()
    assert purge(now + timedelta(days=29))["login_attempts"] == 0
    result = purge(now + timedelta(days=91))
    assert result["messages"] > 0 and result["login_attempts"] == 1 and result["audit"] == 0
    sent = db.session.scalars(sa.select(OutboxMessage)).all()
    assert sent and all(m.purged_at and m.to_email == "" and m.body_text is None for m in sent)
    assert all(m.status == "sent" for m in sent)  # the counts of what was sent stay
    assert purge(now + timedelta(days=731))["audit"] == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_sign_in_links_leave_the_outbox_once_expired(app, smtp):
    account = f.user("coordinator", "coord@example.be")
    from app.accounts import services as accounts

    with unit_of_work():
        accounts.request_password_reset(account.email, "fr")
    deliver_due()
    assert purge(utcnow() + timedelta(days=1))["links"] == 0
    assert purge(utcnow() + timedelta(days=3))["links"] == 1


def test_purge_command_says_what_it_did(app, lived):
    later = (lived["ahead"].end_at + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--now", later])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+6\s+registrations anonymised", result.output, re.M)
    assert "in all" in result.output
    bad = app.test_cli_runner().invoke(args=["privacy", "purge", "--now", "tomorrow"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_nightly_purge_is_a_scheduler_job(app):
    from app.scheduler import DAILY_JOBS

    assert [name for name, *_ in DAILY_JOBS] == ["purge_personal_data"]
    assert time_of_day("03:30") == (3, 30)
    with pytest.raises(ValueError):
        time_of_day("25:00")


# --- erasure and export on request -------------------------------------------------------------------------------


def test_erasure_cancels_ahead_promotes_and_keeps_the_counts(app, lived, smtp):
    deliver_due()
    before, token = counts(), lived["zoe"].token
    with unit_of_work():
        done = services.erase(services.parse_subject("ZOE.verhaegen@example.be"))
    assert (done.registrations, done.cancelled) == (3, 1)
    seat, waiting = db.session.get(Registration, lived["seat"].id), db.session.get(Registration, lived["waiting"].id)
    assert seat.status == "cancelled" and waiting.status == "confirmed"  # the seat went to the next person
    assert db.session.get(Registration, lived["phoned"].id).name == "Zoé Verhaegen"  # a phone is another subject
    # Nothing went to the erased address; Omar's promotion did.
    assert [m.to_email for m in f.outbox("promotion")] == ["omar@example.be"]
    assert not f.outbox("unregistered")
    assert every_text("zoe.verhaegen@example.be", "J'ai adoré", token) == []
    after = counts()
    moved = [row for row in after["registrations"] if row not in before["registrations"]]
    assert {row[0] for row in moved} == {lived["ahead"].id}  # only the session ahead changed, by the cancellation
    assert after["attendance"] == before["attendance"] and after["ratings"] == before["ratings"]
    with unit_of_work():
        services.erase(services.parse_subject("0470 12 34 56"))
    assert every_text(*SECRETS[:4]) == []


def test_export_holds_everything_about_the_address_and_nothing_else(app, lived):
    data = services.export(services.gather(services.parse_subject("zoe.verhaegen@example.be")))
    text = json.dumps(data, ensure_ascii=False)
    assert "Omar" not in text and "omar@example.be" not in text and "Wanda" not in text
    assert {r["session"]["id"] for r in data["registrations"]} == {lived["past"].id, lived["online"].id,
                                                                  lived["ahead"].id}
    past = next(r for r in data["registrations"] if r["session"]["id"] == lived["past"].id)
    assert past["attendance"]["status"] == "present" and past["survey"] == {
        "rating": 5, "comment": "J'ai adoré Zoé", "answered_at": past["survey"]["answered_at"]}
    assert past["postcode"] == "1210" and past["audience"] == "jobseekers" and past["consent_at"]
    online = next(r for r in data["registrations"] if r["session"]["id"] == lived["online"].id)
    assert len(online["online_joins"]) == 1
    assert {m["kind"] for m in data["messages"]} == {"confirmation"}
    walkin = services.export(services.gather(services.parse_subject("wanda@example.be")))
    assert walkin["walk_ins"][0]["name"] == "Walkin Wanda" and walkin["registrations"] == []


# --- the person's own pages ----------------------------------------------------------------------------------------


def _link_from(message: OutboxMessage) -> str:
    return re.search(r"http://[^\s\"<]+/my-data/[^\s\"<]+", message.body_text).group(0)


def test_asking_tells_a_stranger_nothing(app, client, lived):
    pages = []
    for address in ("zoe.verhaegen@example.be", "nobody@example.be"):
        assert client.get("/nl/my-data/").status_code == 200
        answer = client.post("/nl/my-data/", data={"email": address})
        pages.append((answer.status_code, answer.text))
    assert pages[0] == pages[1] and pages[0][0] == 200
    known, unknown = f.outbox("my_data")
    assert known.to_email == "zoe.verhaegen@example.be" and "/nl/my-data/" in known.body_text
    assert unknown.to_email == "nobody@example.be" and "/my-data/ey" not in unknown.body_text
    assert "geen" in unknown.body_text  # in Dutch: we keep none


def test_asking_repeatedly_sends_three_messages_an_hour(app, lived):
    for _ in range(5):
        with unit_of_work():
            services.request_link("zoe.verhaegen@example.be", "fr")
    assert len(f.outbox("my_data")) == services.REQUESTS_PER_HOUR


def test_bad_address_gets_its_message(app, client):
    answer = client.post("/fr/my-data/", data={"email": "pas une adresse"})
    assert answer.status_code == 422 and "Indiquez une adresse e-mail valide" in answer.text


def test_the_link_shows_downloads_and_erases(app, client, lived):
    with unit_of_work():
        services.request_link("zoe.verhaegen@example.be", "fr")
    link = _link_from(f.outbox("my_data")[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "Zoé Verhaegen" in page.text and "Omar" not in page.text
    download = client.get(f"/{path}/export.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "private, no-store"
    assert len(download.get_json()["registrations"]) == 3
    confirm = client.get(f"/{path}/erase")
    assert confirm.status_code == 200
    assert db.session.get(Registration, lived["seat"].id).status == "confirmed"  # opening changed nothing
    unticked = client.post(f"/{path}/erase", data={})
    assert unticked.status_code == 422 and "Cochez la case" in unticked.text
    done = client.post(f"/{path}/erase", data={"confirm": "y"})
    assert done.status_code == 200 and "Vos données sont effacées" in done.text
    assert db.session.get(Registration, lived["seat"].id).status == "cancelled"
    assert every_text("zoe.verhaegen@example.be") == []


def test_an_expired_or_forged_link_opens_nothing(app, client, lived, monkeypatch):
    token = services.data_token(services.Subject("email", "zoe.verhaegen@example.be"))
    assert client.get(f"/fr/my-data/{token}x").status_code == 404
    monkeypatch.setattr(services, "LINK_MAX_AGE", -1)
    expired = client.get(f"/fr/my-data/{token}")
    assert expired.status_code == 404 and "Zoé" not in expired.text
    assert client.get(f"/fr/my-data/{token}/export.json").status_code == 404


# --- staff, and the audit log ---------------------------------------------------------------------------------------


def test_staff_find_export_erase_and_every_step_is_recorded(app, client, login_as, lived):
    coordinator = login_as("coordinator", name="Chloé Coordinatrice")
    assert client.get("/fr/staff/privacy/").status_code == 200
    missing = client.post("/fr/staff/privacy/", data={"who": "zoe.verhaegen@example.be"})
    assert missing.status_code == 422 and "Dites pourquoi" in missing.text
    found = client.post("/fr/staff/privacy/", data={"who": "zoe.verhaegen@example.be",
                                                   "reason": "Son appel de ce matin"})
    assert found.status_code == 200 and "Zoé Verhaegen" in found.text and "Omar" not in found.text
    assert "zoe.verhaegen@example.be" not in (found.request.url or "")
    exported = client.post("/fr/staff/privacy/export", data={"who": "zoe.verhaegen@example.be",
                                                            "reason": "Son appel de ce matin"})
    assert exported.status_code == 200 and len(exported.get_json()["registrations"]) == 3
    by_phone = client.post("/fr/staff/privacy/", data={"who": "+32 470 12 34 56",
                                                      "reason": "Au guichet"})
    assert by_phone.status_code == 200 and "Zoé Verhaegen" in by_phone.text
    erased = client.post("/fr/staff/privacy/erase", data={"who": "zoe.verhaegen@example.be",
                                                         "reason": "Son appel de ce matin", "confirm": "y"})
    assert erased.status_code == 200
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.registrations) for e in entries] == [
        ("view", coordinator.id, 3), ("export", coordinator.id, 3), ("view", coordinator.id, 1),
        ("erase", coordinator.id, 3)]
    assert entries[0].reason == "Son appel de ce matin"
    assert every_text("zoe.verhaegen@example.be") == []  # the log names the person by a keyed hash


def test_only_admins_and_coordinators_handle_personal_data(app, client, login_as):
    for role, status in (("counsellor", 403), ("partner", 403)):
        login_as(role, partner=f.partner()) if role == "partner" else login_as(role)
        assert client.get("/fr/staff/privacy/").status_code == status
    login_as("coordinator")
    assert client.get("/fr/staff/privacy/").status_code == 200
    assert client.get("/fr/staff/privacy/audit").status_code == 403


def test_admins_read_the_audit_log_and_find_a_person_in_it(app, client, login_as):
    admin = login_as("admin", name="Ada Admin")
    with unit_of_work():
        services.record(admin, "export", services.parse_subject("zoe@example.be"), 2, "Demande écrite")
        services.record(admin, "view", services.parse_subject("omar@example.be"), 1, "Appel")
    page = client.get("/fr/staff/privacy/audit")
    assert page.status_code == 200 and "Demande écrite" in page.text and "Ada Admin" in page.text
    only = client.post("/fr/staff/privacy/audit", data={"who": "ZOE@example.be"})
    assert "Demande écrite" in only.text and "Appel" not in only.text


# --- what the product says -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("fr", "Vos données et vos droits"), ("nl", "Uw gegevens en uw rechten"),
                                         ("en", "Your data and your rights")])
def test_the_privacy_notice_names_the_periods_of_the_settings(app, client, lang, words, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DAYS", 730)
    page = client.get(f"/{lang}/privacy")
    assert page.status_code == 200 and words in page.text
    assert {"fr": "2 ans", "nl": "2 jaar", "en": "2 years"}[lang] in page.text


def test_the_consent_names_the_retention_period_and_links_the_notice(app, client, monkeypatch):
    session = f.one_session(capacity=5)
    page = client.get(f"/fr/sessions/{session.id}")
    assert "effacés 1 an après la séance" in page.text and 'href="/fr/privacy"' in page.text
    monkeypatch.setitem(app.config, "RETENTION_DAYS", 180)
    assert "effacés 180 jours après la séance" in client.get(f"/fr/sessions/{session.id}").text


def test_every_message_links_the_notice(app):
    session = f.one_session(capacity=5)
    f.person(session, "Anna", "anna@example.be", language="nl")
    message = f.outbox("confirmation")[0]
    assert "/nl/privacy" in message.body_text and "/nl/privacy" in message.body_html


# --- the statistics are the same before and after ------------------------------------------------------------------


def _statistics(client) -> dict:
    from app.stats.figures import BREAKDOWNS, Period, compute

    today = utcnow().date()
    period = Period(today - timedelta(days=10), today)
    query = f"from={period.first.isoformat()}&to={period.last.isoformat()}"
    answers = {"figures": compute(period), "api": client.get(f"/api/v1/stats/{today.year}").get_json(),
               "months": client.get(f"/fr/staff/stats/months.csv?{query}").data}
    for name in BREAKDOWNS:
        answers[name] = client.get(f"/nl/staff/stats/{name}.csv?{query}").data
    return answers


def test_statistics_answer_the_same_after_a_purge_and_an_erasure(app, client, login_as, lived, smtp):
    login_as("coordinator")
    deliver_due()
    before = _statistics(client)
    assert before["figures"].contacts >= 3 and before["api"]["contacts"] >= 3  # Zoé, Wanda, the online join
    with unit_of_work():
        services.erase(services.parse_subject("omar@example.be"))
    assert _statistics(client) == before
    purge(lived["ahead"].end_at + timedelta(days=366))
    assert every_text(*SECRETS) == []
    assert _statistics(client) == before
