"""Planning around Belgian public holidays (series preview, staff week, demo) and the activity choice sorted
by its title in the page's language."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.calendar.models import Activity, Session
from app.calendar.public_holidays import belgian_holidays
from app.demo.data import load_demo
from app.extensions import db
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.factories import as_role, monday_of
from tests.test_public_pages import between
from tests.test_translations import ensure_compiled

ensure_compiled()




# Public holidays -------------------------------------------------------------------------------


def _next_weekday_holiday(after: date) -> tuple[date, dict[str, str]]:
    names = {lang: belgian_holidays(after, after + timedelta(days=400), lang) for lang in ("fr", "nl", "en")}
    day = next(d for d in names["fr"] if d.isoweekday() <= 5)
    return day, {lang: names[lang][day] for lang in names}


PREFIXES = [("fr", "Jour férié\u00a0: "), ("nl", "Feestdag: "), ("en", "Public holiday: ")]


@pytest.mark.parametrize("lang, prefix", PREFIXES)
def test_the_series_preview_marks_belgian_public_holidays(app, client, lang, prefix):
    as_role(app, client, "coordinator")
    day, names = _next_weekday_holiday(local_today() + timedelta(days=7))
    act, place = f.activity(), f.venue()
    response = client.post(f"/{lang}/staff/series/new", data={
        "activity": str(act.id), "weekdays": [str(day.isoweekday())], "start_time": "14:00",
        "duration_minutes": "60", "start_date": (day - timedelta(days=7)).isoformat(),
        "end_date": (day + timedelta(days=7)).isoformat(), "format": "face_to_face", "venue": "",
        "room": str(place.rooms[0].id), "capacity": "15", "language": "", "preview": "1"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    row = between(body, f'<tr id="d{day.isoformat()}"', "</tr>")
    assert "is-holiday" in row and f"{prefix}{names[lang]}" in row
    other = between(body, f'<tr id="d{(day - timedelta(days=7)).isoformat()}"', "</tr>")
    assert "holiday" not in other
    # The saved series shows them too.
    created = client.post(f"/{lang}/staff/series/new", data={
        "activity": str(act.id), "weekdays": [str(day.isoweekday())], "start_time": "14:00",
        "duration_minutes": "60", "start_date": (day - timedelta(days=7)).isoformat(),
        "end_date": (day + timedelta(days=7)).isoformat(), "format": "face_to_face", "venue": "",
        "room": str(place.rooms[0].id), "capacity": "15", "language": "", "confirm": "1"})
    assert created.status_code == 303
    series_page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f"{prefix}{names[lang]}" in between(series_page, f'<tr id="d{day.isoformat()}"', "</tr>")


def test_the_staff_week_marks_belgian_public_holidays(app, client):
    as_role(app, client, "counsellor")
    day, names = _next_weekday_holiday(local_today())
    for lang, prefix in PREFIXES:
        body = client.get(f"/{lang}/staff/?week={day.isoformat()}").get_data(as_text=True)
        heading = between(body, f'<h2 id="day-{day.isoformat()}">', "</h2>")
        assert f"{prefix}{names[lang]}" in heading
        assert body.count("tag-holiday") == sum(
            1 for d in belgian_holidays(monday_of(day), monday_of(day) + timedelta(days=6)))


def test_the_demo_puts_no_session_on_a_belgian_public_holiday():
    # A day whose demo window (two weeks back, eight ahead) holds public holidays, all still to come.
    holiday, _ = _next_weekday_holiday(local_today() + timedelta(days=30))
    today = holiday - timedelta(days=10)
    load_demo(today)
    holidays = belgian_holidays(today - timedelta(days=14), today + timedelta(days=56))
    assert holidays
    days = [s.start_at.astimezone(BRUSSELS).date() for s in db.session.scalars(sa.select(Session))]
    assert days and not [d for d in days if d in holidays]
    load_demo(today)  # a second run changes nothing
    again = [s.start_at.astimezone(BRUSSELS).date() for s in db.session.scalars(sa.select(Session))]
    assert sorted(again) == sorted(days)


# The activity choice ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/{lang}/staff/sessions/new", "/{lang}/staff/series/new"])
def test_the_activity_choice_is_sorted_by_the_title_in_the_page_language(app, client, path):
    as_role(app, client, "coordinator")
    titles = {  # slug: (fr, nl)
        "a-slug": ("Zoom sur les métiers", "Beroepen in beeld"),
        "b-slug": ("économie sociale", "Werken in de zorg"),
        "c-slug": ("Devenir enseignant", "ambacht leren"),
        "d-slug": ("Électricité", "Elektricien worden"),
    }
    for slug, (fr, nl) in titles.items():
        act = f.activity(slug)
        act.title_fr, act.title_nl = fr, nl
    db.session.flush()

    def options(lang):
        body = client.get(path.format(lang=lang)).get_data(as_text=True)
        select = between(body, 'id="activity"', "</select>")
        return [t for t in re.findall(r"<option[^>]*>([^<]*)</option>", select) if t != "—"]

    assert options("fr") == ["Devenir enseignant", "économie sociale", "Électricité", "Zoom sur les métiers"]
    assert options("nl") == ["ambacht leren", "Beroepen in beeld", "Elektricien worden", "Werken in de zorg"]
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 4
