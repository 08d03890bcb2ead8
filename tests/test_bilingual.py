"""Texts staff type exist in French, Dutch and English: venues, rooms and every reason, with the activities'
fallback (the language asked, else French, Dutch, English), in the forms, pages, API, feeds and e-mails."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from ical.calendar_stream import IcsCalendarStream

from app import create_app
from app.calendar import services as calendar
from app.calendar.models import Room, SeriesException, Venue
from app.closures.models import CapacityCap, Closure
from app.database import unit_of_work
from app.extensions import db
from app.staff.services import series_sessions
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.conftest import ROOT, ensure_postgres_database, reset_schema

ADDRESS_NL = f.ADDRESS_NL


def dutch_venue() -> Venue:
    """The centre with its room named in both languages (English left empty: it falls back to French)."""
    place = f.venue(name="Cité des métiers", rooms=("Espace multimédia",), name_nl="Beroepenpunt")
    place.rooms[0].name_nl = "Multimediaruimte"
    db.session.flush()
    return place


def on_site(days: int = 3, **kw):
    place = dutch_venue()
    act = kw.pop("activity", None) or f.activity(kw.pop("slug", "cv"))
    start = f.soon(days)
    with unit_of_work():
        return calendar.create_session(act, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                       room=place.rooms[0], capacity=5, **kw)


# The fallback rule ------------------------------------------------------------------------------


def test_a_text_falls_back_to_french_then_dutch_then_english():
    room = Room(name_fr="Salle", name_nl="", name_en="")
    assert [room.localized("name", lang) for lang in ("fr", "nl", "en")] == ["Salle", "Salle", "Salle"]
    room.name_nl = "Zaal"
    assert [room.localized("name", lang) for lang in ("fr", "nl", "en")] == ["Salle", "Zaal", "Salle"]
    room.name_fr = ""
    assert room.localized("name", "en") == "Zaal" and room.localized("name", "fr") == "Zaal"
    room.name_en = "Room"
    assert room.localized("name", "en") == "Room" and room.localized("name", "xx") == "Zaal"


def test_a_reason_given_as_one_text_is_french_and_three_texts_are_kept_apart():
    session = on_site()
    with unit_of_work():
        calendar.cancel_session(session, {"fr": " Formatrice malade ", "nl": "Lesgever ziek", "en": ""})
    assert session.texts("cancel_reason") == {"fr": "Formatrice malade", "nl": "Lesgever ziek", "en": ""}
    assert session.localized("cancel_reason", "en") == "Formatrice malade"
    other = on_site(days=4, slug="other")
    with unit_of_work():
        calendar.cancel_session(other, "Travaux")
    assert other.texts("cancel_reason") == {"fr": "Travaux", "nl": "", "en": ""}


# The migration ----------------------------------------------------------------------------------


def test_the_migration_copies_every_text_into_french_and_back(app, database_url, tmp_path):
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(database=f"{url.database}_bilingual")
        ensure_postgres_database(url.render_as_string(hide_password=False))
    else:
        url = sa.engine.make_url(f"sqlite:///{tmp_path / 'bilingual.sqlite'}")
    text_url = url.render_as_string(hide_password=False)
    reset_schema(text_url)
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": text_url})
    directory = str(ROOT / "migrations")
    with other.app_context():
        upgrade(directory=directory, revision="0019_outbox_render_later")
        with db.engine.begin() as conn:
            run = lambda sql, **kw: conn.execute(sa.text(sql), kw)  # noqa: E731
            run("INSERT INTO venue (id, name, address, accessibility_notes, updated_at) "
                "VALUES (1, 'Cité des métiers', 'Avenue de l''Astronomie 14', 'Ascenseur', :now)", now="2026-01-01")
            run("INSERT INTO room (id, venue_id, name, capacity, accessibility_notes, updated_at) "
                "VALUES (1, 1, 'Tremplin', 16, 'Calme', :now)", now="2026-01-01")
            run("INSERT INTO theme (id, code, label_fr, label_nl, label_en, updated_at) "
                "VALUES (1, 't', 'T', 'T', 'T', :now)", now="2026-01-01")
            run("INSERT INTO activity (id, slug, title_fr, title_nl, title_en, summary_fr, summary_nl, summary_en, "
                "description_fr, description_nl, description_en, theme_id, language, default_duration_minutes, "
                "default_capacity, schools_only, created_at, updated_at) VALUES (1, 'cv', 'CV', 'CV', 'CV', '', '', "
                "'', '', '', '', 1, 'fr', 60, 10, :no, :now, :now)", now="2026-01-01", no=False)
            run("INSERT INTO series (id, activity_id, weekdays, start_time, duration_minutes, start_date, end_date, "
                "format, capacity, created_at, updated_at) VALUES (1, 1, '3', '10:00:00', 60, '2026-01-07', "
                "'2026-02-25', 'online', 10, :now, :now)", now="2026-01-01")
            run("INSERT INTO series_exception (id, series_id, original_date, kind, reason) "
                "VALUES (1, 1, '2026-01-14', 'skip', 'Congé')")
            run("INSERT INTO session (id, activity_id, start_at, end_at, format, venue_id, capacity, language, "
                "status, cancel_reason, detached, revision, confirmed_count, waitlisted_count, seats_version, "
                "created_at, updated_at, changed_at) VALUES (1, 1, '2026-01-07 09:00:00', '2026-01-07 10:00:00', "
                "'face_to_face', 1, 10, 'fr', 'cancelled', 'Formatrice malade', :no, 0, 0, 0, 0, :now, :now, :now)",
                now="2026-01-01", no=False)
            run("INSERT INTO closure (id, venue_id, first_day, last_day, reason, action, created_at, updated_at) "
                "VALUES (1, 1, '2026-04-06', '2026-04-17', 'Vacances de Pâques', 'cancel', :now, :now)",
                now="2026-01-01")
            run("INSERT INTO capacity_cap (id, venue_id, first_day, last_day, percent, reason, created_at) "
                "VALUES (1, NULL, '2026-01-01', '2026-01-31', 50, 'Mesures sanitaires', :now)", now="2026-01-01")
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            one = lambda sql: conn.execute(sa.text(sql)).one()  # noqa: E731
            assert one("SELECT name_fr, name_nl, name_en, address_fr, address_nl, accessibility_notes_fr "
                       "FROM venue") == ("Cité des métiers", "", "", "Avenue de l'Astronomie 14", "", "Ascenseur")
            assert one("SELECT name_fr, name_nl, accessibility_notes_fr FROM room") == ("Tremplin", "", "Calme")
            assert one("SELECT reason_fr, reason_nl, reason_en FROM series_exception") == ("Congé", "", "")
            assert one("SELECT cancel_reason_fr, cancel_reason_nl FROM session") == ("Formatrice malade", "")
            assert one("SELECT reason_fr, reason_nl FROM closure") == ("Vacances de Pâques", "")
            assert one("SELECT reason_fr FROM capacity_cap") == ("Mesures sanitaires",)
            columns = {c["name"] for c in sa.inspect(conn).get_columns("venue")}
            assert "name" not in columns and "address" not in columns
            conn.execute(sa.text("UPDATE closure SET reason_fr = '', reason_nl = 'Paasvakantie'"))
            conn.commit()
        downgrade(directory=directory, revision="0019_outbox_render_later")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name, address FROM venue")).one() == (
                "Cité des métiers", "Avenue de l'Astronomie 14")
            assert conn.execute(sa.text("SELECT reason FROM closure")).scalar() == "Paasvakantie"  # the only text
            assert conn.execute(sa.text("SELECT cancel_reason FROM session")).scalar() == "Formatrice malade"
        db.engine.dispose()


# The forms --------------------------------------------------------------------------------------


def test_staff_type_a_cancellation_reason_in_each_language_french_required(client, login_as):
    session = on_site()
    login_as("coordinator")
    url = f"/nl/staff/sessions/{session.id}/cancel"
    form = client.get(url).get_data(as_text=True)
    assert 'name="reason_fr"' in form and 'name="reason_nl"' in form and 'name="reason_en"' in form
    assert 'lang="nl"' in form
    refused = client.post(url, data={"reason_nl": "Lesgever ziek"})
    assert refused.status_code == 422
    assert client.post(url, data={"reason_fr": "Formatrice malade", "reason_nl": "Lesgever ziek"}).status_code == 303
    db.session.refresh(session)
    assert session.texts("cancel_reason") == {"fr": "Formatrice malade", "nl": "Lesgever ziek", "en": ""}
    dutch = client.get(f"/nl/sessions/{session.id}").get_data(as_text=True)
    assert "Lesgever ziek" in dutch and "Formatrice malade" not in dutch
    english = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert "Formatrice malade" in english  # no English text: the French one


def test_a_closure_is_declared_with_its_reason_in_french_and_dutch(client, login_as):
    session = on_site(days=10)
    login_as("coordinator")
    day = session.start_at.astimezone(BRUSSELS).date().isoformat()
    form = {"venue": session.venue_id, "first_day": day, "last_day": day, "action": "cancel",
            "reason_nl": "Paasvakantie", "confirm": "y"}
    assert client.post("/fr/staff/closures/new", data=form).status_code == 422  # French is required
    assert db.session.scalar(sa.select(sa.func.count(Closure.id))) == 0
    form["reason_fr"] = "Vacances de Pâques"
    assert client.post("/fr/staff/closures/new", data=form).status_code == 303
    closure = db.session.scalar(sa.select(Closure))
    assert closure.texts("reason") == {"fr": "Vacances de Pâques", "nl": "Paasvakantie", "en": ""}
    db.session.refresh(session)
    assert session.localized("cancel_reason", "nl") == "Paasvakantie"  # the sessions it cancels say why
    staff = client.get("/nl/staff/closures").get_data(as_text=True)
    assert "Paasvakantie" in staff and "Vacances de Pâques" not in staff and "Beroepenpunt" in staff
    cap = {"venue": 0, "first_day": day, "last_day": day, "percent": 50, "reason_fr": "Travaux",
           "reason_nl": "Werken"}
    assert client.post("/fr/staff/capacity-caps/new", data=cap).status_code == 303
    assert db.session.scalar(sa.select(CapacityCap)).texts("reason") == {"fr": "Travaux", "nl": "Werken", "en": ""}


def test_the_public_calendar_in_dutch_shows_the_closure_in_dutch(client):
    place = dutch_venue()
    with unit_of_work():
        from app.closures.services import declare_closure
        today = local_today()
        declare_closure(place, today + timedelta(days=1), today + timedelta(days=2),
                        {"fr": "Vacances de Pâques", "nl": "Paasvakantie"}, "online")
    dutch = client.get("/nl/").get_data(as_text=True)
    assert "Paasvakantie" in dutch and "Beroepenpunt" in dutch and "Vacances de Pâques" not in dutch
    french = client.get("/fr/").get_data(as_text=True)
    assert "Vacances de Pâques" in french and "Paasvakantie" not in french


def test_a_skipped_date_keeps_its_reason_in_each_language(client, login_as):
    act = f.activity("series-cv")
    first = local_today() + timedelta(days=7)
    with unit_of_work():
        series = calendar.create_series(act, weekdays=[first.isoweekday()], start_time=f.TWO_PM,
                                        start_date=first, end_date=first + timedelta(days=14), format="online")
    login_as("coordinator")
    response = client.post(f"/fr/staff/series/{series.id}/skip",
                           data={"day": first.isoformat(), "reason_fr": "Congé", "reason_nl": "Verlof"})
    assert response.status_code == 303
    exc = db.session.scalar(sa.select(SeriesException).filter_by(series_id=series.id))
    assert exc.texts("reason") == {"fr": "Congé", "nl": "Verlof", "en": ""}
    skipped = series_sessions(series.id)[first]
    assert skipped.status == "cancelled" and skipped.localized("cancel_reason", "nl") == "Verlof"


# Pages, API, feeds, e-mails in Dutch ------------------------------------------------------------


def test_the_dutch_session_page_shows_the_dutch_street_name_and_notes(client):
    session = on_site()
    dutch = client.get(f"/nl/sessions/{session.id}").get_data(as_text=True)
    assert "Sterrenkundelaan 14, 1210 Sint-Joost-ten-Node" in dutch and "Multimediaruimte" in dutch
    assert "Gelijkvloerse ingang" in dutch and "Beroepenpunt" in dutch
    assert "Astronomie" not in dutch and "Espace multimédia" not in dutch and "plain-pied" not in dutch
    english = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert "Avenue de l&#39;Astronomie" in english and "Step-free entrance" in english  # no English address


def test_the_api_gives_the_place_and_the_reason_in_the_language_asked(client):
    session = on_site()
    with unit_of_work():
        calendar.cancel_session(session, {"fr": "Formatrice malade", "nl": "Lesgever ziek"})
    dutch = client.get(f"/api/v1/sessions/{session.id}?lang=nl").get_json()
    assert dutch["venue"] == {"name": "Beroepenpunt", "address": ADDRESS_NL, "room": "Multimediaruimte",
                              "accessibility": "Gelijkvloerse ingang"}
    assert dutch["cancel_reason"] == "Lesgever ziek"
    english = client.get(f"/api/v1/sessions/{session.id}?lang=en").get_json()
    assert english["venue"]["address"] == f.ADDRESS_FR and english["venue"]["room"] == "Espace multimédia"
    assert english["cancel_reason"] == "Formatrice malade"


def _event(body: bytes):
    (event,) = IcsCalendarStream.calendar_from_ics(body.decode("utf-8")).events
    return event


def test_the_feed_writes_location_and_reason_in_its_language(client):
    session = on_site()
    with unit_of_work():
        calendar.cancel_session(session, {"fr": "Formatrice malade", "nl": "Lesgever ziek"})
    dutch = _event(client.get(f"/feeds/sessions/{session.id}.ics?lang=nl").data)
    assert dutch.location == f"Beroepenpunt, Multimediaruimte, {ADDRESS_NL}"
    assert "Lesgever ziek" in dutch.description and "Formatrice malade" not in dutch.description
    french = _event(client.get(f"/feeds/sessions/{session.id}.ics?lang=fr").data)
    assert french.location == f"Cité des métiers, Espace multimédia, {f.ADDRESS_FR}"
    assert "Formatrice malade" in french.description


def test_messages_to_a_dutch_speaker_give_the_dutch_place_and_reason():
    session = on_site()
    f.person(session, "Anke", "anke@example.be", language="nl")
    f.person(session, "Aline", "aline@example.be", language="fr")
    confirmation = {m.to_email: m for m in f.outbox("confirmation")}
    assert ADDRESS_NL in confirmation["anke@example.be"].body_text
    assert "Multimediaruimte" in confirmation["anke@example.be"].body_html
    assert "Astronomie" not in confirmation["anke@example.be"].body_text
    assert f.ADDRESS_FR in confirmation["aline@example.be"].body_text
    with unit_of_work():
        calendar.cancel_session(session, {"fr": "Formatrice malade", "nl": "Lesgever ziek"})
    cancelled = {m.to_email: m for m in f.outbox("cancellation")}
    assert "Lesgever ziek" in cancelled["anke@example.be"].body_text
    assert "Formatrice malade" not in cancelled["anke@example.be"].body_text
    assert "Formatrice malade" in cancelled["aline@example.be"].body_text


# Codes as labels, file names and the bad join link in the person's language --------------------------


def test_the_partner_registration_table_names_the_channels(app, client):
    w = f.world()
    f.person(w["sess_a"], "Web Person", "web@example.be")
    f.person(w["sess_a"], "Api Person", "api@example.be", language="nl", channel="api")
    f.login(app, client, w["partner_a"])
    page = client.get(f"/nl/partner/sessions/{w['sess_a'].id}").get_data(as_text=True)
    assert "<td>web</td>" not in page and "<td>api</td>" not in page
    assert "Via de API" in page
    csv = client.get(f"/nl/partner/sessions/{w['sess_a'].id}/registrations.csv").get_data(as_text=True)
    assert ";web;" not in csv and ";fr;" not in csv and "Français" in csv


def test_the_calendar_file_of_a_registration_is_named_in_the_persons_language(client):
    session = on_site()
    anke = f.person(session, "Anke", "anke@example.be", language="nl")
    response = client.get(f"/feeds/registrations/{anke.token}.ics")
    day = session.start_at.astimezone(BRUSSELS).date().isoformat()
    assert response.headers["Content-Disposition"] == f"attachment; filename=workshop-cv-{day}.ics"


def test_a_damaged_join_link_answers_in_the_language_of_its_message(client):
    session = on_site()
    anke = f.person(session, "Anke", "anke@example.be", language="nl")
    from app.messages.services import links
    assert links(anke)["join"].endswith(f"/join/{anke.token}?lang=nl")
    page = client.get("/join/not-a-token?lang=nl", headers={"Accept-Language": "en"})
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert '<html lang="nl"' in html and "Deze link is niet geldig" in html


def test_the_demo_names_its_places_in_each_language_never_two_in_one_field():
    from app.demo.data import load_reference
    with unit_of_work():
        load_reference()
    centre = db.session.scalar(sa.select(Venue).filter_by(name_fr="Cité des métiers"))
    assert centre.address_nl == "Sterrenkundelaan 14, 1210 Sint-Joost-ten-Node"
    assert centre.address_fr == "Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode"
    multimedia = next(r for r in centre.rooms if r.name_fr == "Espace multimédia")
    assert multimedia.name_nl == "Multimediaruimte"
    for venue in db.session.scalars(sa.select(Venue)):
        texts = [venue.name_fr, venue.address_fr, venue.accessibility_notes_fr, venue.accessibility_notes_nl]
        texts += [t for r in venue.rooms for t in (r.name_fr, r.name_nl, r.accessibility_notes_fr)]
        assert not any(" / " in t for t in texts), texts


@pytest.mark.parametrize("day, expected", [(date(2026, 12, 1), "1er décembre"), (date(2026, 12, 2), "2 décembre")])
def test_french_dates_say_1er_for_the_first_of_the_month(app, day, expected):
    from flask_babel import force_locale

    from app.typography import format_date
    with app.test_request_context("/fr/"), force_locale("fr"):
        assert expected in format_date(day, "EEEE d MMMM y") and expected in format_date(day, "full")
    with app.test_request_context("/nl/"), force_locale("nl"):
        assert "1 december" in format_date(date(2026, 12, 1), "full")


def test_french_elides_before_a_name_that_begins_with_a_vowel(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/fr/"), force_locale("fr"):
        assert gettext("The sessions %(name)s organises or co-hosts.", name="Actiris").startswith(
            "Les séances qu'Actiris")
        assert gettext("The sessions %(name)s organises or co-hosts.", name="VDAB").startswith("Les séances que VDAB")
        html = app.jinja_env.from_string('{{ _("Registration of %(name)s", name=n) }}').render(n="Ève")
        assert html == "Inscription d'Ève"
