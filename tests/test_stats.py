"""The annual report's statistics: a year built here (live sessions with attendance, walk-ins, online joins,
a school session, cancelled sessions, sessions around midnight and across the clock changes, an imported
previous year and closures), and every figure of the page, the CSVs and the API against what was counted
by hand below."""
from __future__ import annotations

import base64
import csv
import io
import re
import secrets
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask_babel import force_locale
from pypdf import PdfReader

from app.attendance import services as attendance
from app.calendar import services as calendar
from app.closures.models import Closure
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.services import answer_survey
from app.stats import history
from app.stats.figures import Period, compute
from app.stats.models import PastActivity, PastClosure
from app.timeutil import UTC, utcnow
from app.videorooms.models import JoinEvent
from tests import factories as f

PREVIOUS_YEAR_CSV = """date,activity,format,participants,partner,theme,audience,language
2024-01-15,cv,face_to_face,12,,,,
2024-03-31,Workshop verder,online,8,leerwinkel,,students,nl
2024-04-02,Job fair,hybrid,20,Actiris,jobsearch,Public jobseekers,fr
2024-12-31,cv,online,5,,,,fr
2025-02-10,Salon de l'emploi,face_to_face,30,vdab,jobsearch,jobseekers,fr_nl
"""
CLOSURES_CSV = """from,to,reason
2025-03-16,2025-05-17,Confinement
2025-11-02,2025-11-29,Second confinement
2024-03-14,2024-03-20,Travaux
"""


def _registration(session, n: int, status: str = "confirmed", channel: str = "web") -> Registration:
    """A registration of a session already over (the public services refuse those), as it was stored."""
    now = utcnow()
    row = Registration(session_id=session.id, name=f"Person {session.id}-{n}", email=f"p{session.id}-{n}@example.be",
                       email_key=f"p{session.id}-{n}@example.be", language="fr", consent_at=now, channel=channel,
                       status=status, token=secrets.token_urlsafe(24),
                       confirmed_at=now if status == "confirmed" else None,
                       waitlist_rank=n if status == "waitlisted" else None)
    db.session.add(row)
    db.session.flush()
    return row


def _walkins(session, present: int, absent: int = 0) -> None:
    for n in range(present + absent):
        attendance.save_walkin(session, f"walkin-{session.id}-{n:03d}", None, name=f"Walk-in {n}",
                               status="present" if n < present else "absent")


def _session(act, start, fmt, minutes=60):
    return f.session_at(act, start, fmt, minutes=minutes)


def build_year() -> dict:
    """2025 live, 2024 imported (and one imported row in 2025). The figures counted by hand are in EXPECTED."""
    a = f.activity("cv", organiser="actiris", cohosts=("vdab",), language="fr_nl", audiences=("jobseekers",))
    b = f.activity("verder", organiser="leerwinkel", language="nl", theme_code="studies",
                   audiences=("students", "parents"))
    c = f.activity("pto", schools_only=True, language="fr", theme_code="studies", audiences=("students",))
    host = f.user("counsellor")
    s = {}
    # Brussels wall-clock times; the UTC instant of each is in the comment.
    s[1] = _session(a, f.local(2025, 1, 1, 0, 30), "online")         # 2024-12-31 23:30 UTC: January 2025
    s[2] = _session(a, f.local(2025, 3, 31, 23, 30), "face_to_face")  # 21:30 UTC: March
    s[3] = _session(b, f.local(2025, 4, 1, 0, 30), "hybrid")          # 2025-03-31 22:30 UTC: April
    s[4] = _session(b, f.local(2025, 3, 30, 10, 0), "online")         # the day clocks go forward: March
    s[5] = _session(a, f.local(2025, 10, 26, 2, 30), "face_to_face")  # the day clocks go back: October
    s[6] = _session(a, f.local(2025, 10, 31, 23, 30), "online")       # 22:30 UTC: October
    s[7] = _session(c, f.local(2025, 11, 1, 0, 15), "face_to_face")   # 2025-10-31 23:15 UTC: a school, November
    s[8] = _session(a, f.local(2025, 12, 31, 23, 30), "online")       # 22:30 UTC: December 2025
    s[9] = _session(a, f.local(2026, 1, 1, 0, 30), "online")          # 2025-12-31 23:30 UTC: 2026, not 2025
    s[10] = _session(a, f.local(2025, 5, 5, 10, 0), "face_to_face")
    s[11] = _session(b, f.local(2025, 6, 10, 14, 0), "online")
    s[12] = _session(a, f.local(2024, 12, 31, 23, 30), "online")      # December 2024, live
    calendar.cancel_session(s[10], "Closure")
    calendar.cancel_session(s[11], "Illness")
    # s1: marked present, marked absent (and joined: the host's mark wins), joined through the join page
    # (present by its join), joined twice with no mark at all (once).
    r = [_registration(s[1], n, channel=ch) for n, ch in enumerate(("web", "web", "api", "web"))]
    attendance.mark(s[1], r[0].id, "present", host)
    attendance.mark(s[1], r[1].id, "absent", host)
    attendance.record_join(r[1])
    attendance.record_join(r[2])
    attendance.record_join(r[0])
    for _ in range(2):
        db.session.add(JoinEvent(registration_id=r[3].id, session_id=s[1].id, at=s[1].start_at))
    # s2: phone and e-mail registrations present, a walk-in present and one absent, one left waiting.
    r2 = [_registration(s[2], 0, channel="phone"), _registration(s[2], 1, channel="email")]
    for reg in r2:
        attendance.mark(s[2], reg.id, "present", host)
    _walkins(s[2], 1, 1)
    _registration(s[2], 2, status="waitlisted", channel="desk")
    # s3: registered at the desk and present, two walk-ins.
    attendance.mark(s[3], _registration(s[3], 0, channel="desk").id, "present", host)
    _walkins(s[3], 2)
    # s4: two confirmed who never came, two left on the waiting list.
    _registration(s[4], 0), _registration(s[4], 1)
    _registration(s[4], 2, status="waitlisted"), _registration(s[4], 3, status="waitlisted")
    _walkins(s[5], 1)
    attendance.mark(s[6], _registration(s[6], 0).id, "present", host)
    _walkins(s[7], 3)  # the class's pupils, as walk-ins
    attendance.mark(s[8], _registration(s[8], 0).id, "present", host)
    attendance.mark(s[9], _registration(s[9], 0).id, "present", host)
    _walkins(s[12], 1)
    # A cancelled registration on s6 counts nowhere.
    cancelled = _registration(s[6], 1)
    cancelled.status = "cancelled"
    # The survey: 5 and 3 on s1, 4 on s2.
    answer_survey(r[0].token, 5, "")
    answer_survey(r[2].token, 3, "")
    answer_survey(r2[0].token, 4, "Très bien")
    # A closure declared in the calendar in August (one span, whatever the venues).
    db.session.add(Closure(venue_id=f.venue().id, first_day=date(2025, 8, 1), last_day=date(2025, 8, 15),
                           reason_fr="Vacances", action="online"))
    report = history.import_activities(PREVIOUS_YEAR_CSV, "history.csv")
    assert report.ok and report.imported == 5, report.errors
    assert history.import_closures(CLOSURES_CSV).imported == 3
    db.session.flush()
    return {"sessions": s, "a": a, "b": b, "c": c}


MONTHS_2025 = {  # month: (activities, face_to_face, online, hybrid, contacts, contacts in 2024)
    "2025-01": (1, 0, 1, 0, 3, 12), "2025-02": (1, 1, 0, 0, 30, 0), "2025-03": (2, 1, 1, 0, 3, 8),
    "2025-04": (1, 0, 0, 1, 3, 20), "2025-10": (2, 1, 1, 0, 2, 0), "2025-11": (1, 1, 0, 0, 3, 0),
    "2025-12": (1, 0, 1, 0, 1, 6),
}


def expected_months() -> list[tuple]:
    return [(f"2025-{m:02d}", *MONTHS_2025.get(f"2025-{m:02d}", (0, 0, 0, 0, 0, 0))) for m in range(1, 13)]


@pytest.fixture
def year(app):
    return build_year()


def test_the_figures_of_the_year(year):
    figures = compute(Period.year(2025))
    assert [(m.month, m.activities, m.face_to_face, m.online, m.hybrid, m.contacts, m.contacts_previous_year)
            for m in figures.months] == expected_months()
    assert figures.activities == {"total": 9, "face_to_face": 4, "online": 4, "hybrid": 1}
    assert figures.contacts == 45 and figures.contacts_previous_year == 46
    assert figures.activities_previous_year == 5  # four imported in 2024, one live in December 2024
    assert figures.cancelled == 2
    assert (figures.confirmed, figures.present, figures.no_shows, figures.waiting_left) == (11, 8, 3, 3)
    assert figures.attendance_rate == pytest.approx(8 / 11)
    assert figures.closures == [(date(2025, 3, 16), date(2025, 5, 17), "Confinement"),
                                (date(2025, 8, 1), date(2025, 8, 15), "Vacances"),
                                (date(2025, 11, 2), date(2025, 11, 29), "Second confinement")]


def _ids(code_model, value):
    return db.session.scalar(db.select(code_model.id).where(
        (code_model.code if hasattr(code_model, "code") else code_model.slug) == value))


def test_the_breakdowns(year):
    from app.calendar.models import Audience, Partner, Theme

    figures = compute(Period.year(2025))
    rows = {name: {r.key: (r.activities, r.contacts) for r in found} for name, found in figures.breakdowns.items()}
    assert rows["format"] == {"face_to_face": (4, 37), "online": (4, 5), "hybrid": (1, 3)}
    assert rows["language"] == {"fr_nl": (6, 39), "nl": (2, 3), "fr": (1, 3)}
    assert rows["theme"] == {_ids(Theme, "jobsearch"): (6, 39), _ids(Theme, "studies"): (3, 6)}
    assert rows["audience"] == {_ids(Audience, "jobseekers"): (6, 39), _ids(Audience, "students"): (3, 6),
                                _ids(Audience, "parents"): (2, 3)}
    assert rows["partner"] == {_ids(Partner, "actiris"): (5, 9), _ids(Partner, "vdab"): (6, 39),
                               _ids(Partner, "leerwinkel"): (2, 3), "none": (1, 3)}
    assert rows["channel"] == {"web": (3, 5), "phone": (1, 1), "email": (1, 1), "desk": (4, 8), "none": (1, 30)}
    assert [(s.activity_id, s.answers, s.satisfied, s.average) for s in figures.satisfaction] == [
        (year["a"].id, 3, 2, 4.0)]


def test_a_period_and_the_months_it_touches(year):
    figures = compute(Period(date(2025, 3, 31), date(2025, 4, 15)))
    assert [(m.month, m.activities, m.contacts, m.contacts_previous_year) for m in figures.months] == [
        ("2025-03", 1, 3, 8), ("2025-04", 1, 3, 20)]  # s2 at 23:30 on 31 March; s4 on the 30th is outside
    assert figures.closures == [(date(2025, 3, 31), date(2025, 4, 15), "Confinement")]


def test_a_session_not_over_yet_does_not_count(year):
    s = year["sessions"]
    figures = compute(Period.year(2025), now=s[2].start_at + timedelta(minutes=30))
    assert figures.activities["total"] == 3  # s1, s4 and the imported one; s2 is still going on


# The page, the CSVs, the API ------------------------------------------------------------------------


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[_plain(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def _plain(text: str) -> str:
    """Spaces as spaces (French puts no-break ones before a colon and in numbers), entities read."""
    import html

    return re.sub(r"[\u00a0\u202f]", " ", html.unescape(text)).strip()


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_the_page_shows_every_figure(year, client, login_as):
    login_as("counsellor", email="stats@cdm.example")
    response = client.get("/en/staff/stats?year=2025")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headline = re.findall(r'<dd class="govuk-summary-list__value">(.*?)</dd>', html, re.S)
    assert [h.strip() for h in headline] == ["9", "4", "4", "1", "45", "2", "72.7%", "3", "3"]
    months = _cells(html, "months-table")[1:]
    assert [[_number(c) for c in row[1:]] for row in months[:12]] == [[m[5], m[6]] for m in expected_months()]
    assert months[12][1:] == ["45", "46"]
    formats = _cells(html, "formats-table")[1:]
    assert [[_number(c) for c in row[1:]] for row in formats] == [[m[2], m[3], m[4], m[1]] for m in expected_months()]
    assert _cells(html, "channel-table")[1:] == [["Online form", "3", "5"], ["By phone", "1", "1"],
                                                 ["By e-mail", "1", "1"], ["At the desk", "4", "8"],
                                                 ["Not recorded (school classes, imported history)", "1", "30"]]
    assert _cells(html, "satisfaction-table")[1:] == [["Workshop cv (en)", "3", "66.7%", "4.0"]]


def test_the_page_follows_the_data_at_once(year, client, login_as):
    """The report is rendered once per version of the data: a walk-in added, a session cancelled, and the
    next page shows it (in each language its own)."""
    login_as("counsellor", email="stats-cache@cdm.example")

    def headline(lang="en"):
        html = client.get(f"/{lang}/staff/stats?year=2025").get_data(as_text=True)
        return [h.strip() for h in re.findall(r'<dd class="govuk-summary-list__value">(.*?)</dd>', html, re.S)]

    assert headline()[:5] == ["9", "4", "4", "1", "45"]
    assert headline("fr")[4] == "45"
    attendance.save_walkin(year["sessions"][3], "walkin-late-arrival", None, name="Late arrival", status="present")
    db.session.flush()
    assert headline()[4] == "46" and headline("fr")[4] == "46"
    calendar.cancel_session(year["sessions"][3], "Illness")
    db.session.flush()
    assert headline()[:5] == ["8", "4", "4", "0", "42"]


def test_the_page_in_french_and_dutch_and_the_default_year(year, client, login_as):
    login_as("coordinator", email="coord-stats@cdm.example")
    html = client.get("/fr/staff/stats?year=2025").get_data(as_text=True)
    assert "Statistiques" in html and "Contacts mois par mois" in html
    assert _cells(html, "format-table")[1:] == [["Sur place", "4", "37"], ["En ligne", "4", "5"],
                                                ["Hybride : sur place ou en ligne", "1", "3"]]
    html = client.get("/nl/staff/stats?year=2025").get_data(as_text=True)
    assert "Statistieken" in html and _cells(html, "language-table")[1][0] == "In het Frans en het Nederlands"
    default = client.get("/en/staff/stats").get_data(as_text=True)
    assert f"Statistics: {date.today().year - 1}" in default


def test_bad_periods_are_explained(client, login_as):
    login_as("counsellor", email="bad-stats@cdm.example")
    response = client.get("/en/staff/stats?year=20x5")
    assert response.status_code == 422 and "Give a year from 2000 to 2100." in response.get_data(as_text=True)
    response = client.get("/fr/staff/stats?from=2025-05-01&to=2025-04-01")
    assert response.status_code == 422
    assert "Le dernier jour ne peut pas précéder le premier." in response.get_data(as_text=True)
    assert client.get("/en/staff/stats/months.csv?year=abc").status_code == 404
    assert client.get("/en/staff/stats/nothing.csv?year=2025").status_code == 404


def test_the_page_is_for_staff_only(client, login_as, app):
    assert client.get("/en/staff/stats").status_code in (302, 401)
    login_as("partner", partner=f.partner("actiris"), email="p@actiris.example")
    assert client.get("/en/staff/stats").status_code == 403


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_csv_downloads(year, client, login_as):
    login_as("counsellor", email="csv@cdm.example")
    rows = _csv_rows(client.get("/fr/staff/stats/months.csv?year=2025"))
    assert rows[0] == ["month", "activities", "face_to_face", "online", "hybrid", "contacts", "contacts_previous_year"]
    assert [tuple([r[0]] + [int(v) for v in r[1:]]) for r in rows[1:]] == expected_months()
    rows = _csv_rows(client.get("/fr/staff/stats/channel.csv?year=2025"))
    assert [[_plain(cell) for cell in row] for row in rows] == [
                    ["value", "activities", "contacts"], ["Formulaire sur le site", "3", "5"],
                    ["Par téléphone", "1", "1"], ["Par e-mail", "1", "1"], ["À l'accueil", "4", "8"],
                    ["Non enregistré (classes, historique importé)", "1", "30"]]
    rows = _csv_rows(client.get("/nl/staff/stats/partner.csv?year=2025"))
    assert rows[0] == ["value", "activities", "contacts"]
    assert sorted(rows[1:]) == sorted([["Actiris", "5", "9"], ["Vdab", "6", "39"], ["Leerwinkel", "2", "3"],
                                       ["Het centrum alleen, zonder partner", "1", "3"]])
    rows = _csv_rows(client.get("/en/staff/stats/audience.csv?from=2025-01-01&to=2025-12-31"))
    assert sorted(rows[1:]) == [["Audience jobseekers", "6", "39"], ["Audience parents", "2", "3"],
                                ["Audience students", "3", "6"]]


def test_the_api_answers_the_year(year, client):
    response = client.get("/api/v1/stats/2025")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "year": 2025,
        "activities": {"total": 9, "face_to_face": 4, "online": 4, "hybrid": 1},
        "contacts": 45,
        "months": [{"month": m[0], "activities": m[1], "face_to_face": m[2], "online": m[3], "hybrid": m[4],
                    "contacts": m[5], "contacts_previous_year": m[6]} for m in expected_months()],
        "closures": [{"from": "2025-03-16", "to": "2025-05-17", "reason": "Confinement"},
                     {"from": "2025-08-01", "to": "2025-08-15", "reason": "Vacances"},
                     {"from": "2025-11-02", "to": "2025-11-29", "reason": "Second confinement"}],
    }


@pytest.mark.parametrize("path,status", [("/api/v1/stats/abcd", 422), ("/api/v1/stats/1999", 404),
                                         ("/api/v1/stats/2101", 404), ("/api/v1/stats/99999999999999999999", 422),
                                         ("/api/v1/stats/-1", 422), (f"/api/v1/stats/{date.today().year + 1}", 404)])
def test_the_api_refuses_a_bad_year(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert set(response.get_json()) == {"errors"} and response.get_json()["errors"]


# The chart and the PDF ------------------------------------------------------------------------------


def _svgs(html: str) -> dict[str, str]:
    found = {}
    for src, alt in re.findall(r'<img class="stats-chart" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"',
                               html):
        found[alt] = base64.b64decode(src).decode()
    return found


def test_the_chart_shades_each_closure(year, client, login_as):
    login_as("counsellor", email="svg@cdm.example")
    html = client.get("/en/staff/stats?year=2025").get_data(as_text=True)
    svgs = _svgs(html)
    assert len(svgs) == 8  # the months, the formats and six breakdowns
    contacts = next(svg for alt, svg in svgs.items() if alt.startswith("Contacts month by month"))
    assert len(re.findall(r'<g id="closure-\d+"', contacts)) == 3
    assert contacts.startswith('<svg role="img"') and "<title>Contacts month by month, 2025 against 2024" in contacts
    html = client.get("/en/staff/stats?from=2025-06-01&to=2025-12-31").get_data(as_text=True)
    contacts = next(svg for alt, svg in _svgs(html).items() if alt.startswith("Contacts month by month"))
    assert len(re.findall(r'<g id="closure-\d+"', contacts)) == 2  # August and November


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_in_french_and_dutch(year, client, login_as):
    login_as("coordinator", email="pdf@cdm.example")
    french = _pdf_text(client.get("/fr/staff/stats/report.pdf?year=2025"))
    assert "Statistiques" in french and "Activités collectives organisées" in french
    assert re.search(r"Contacts dans les activités collectives\s*45", french)
    assert "Confinement" in french and "Formulaire sur le site" in french
    dutch = _pdf_text(client.get("/nl/staff/stats/report.pdf?year=2025"))
    assert "Statistieken" in dutch and re.search(r"Groepsactiviteiten georganiseerd\s*9", dutch)
    assert re.search(r"Contacten in de groepsactiviteiten\s*45", dutch)


# The history ----------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_imports_it_once(year):
    before = db.session.scalar(db.select(db.func.count(PastActivity.id)))
    report = history.import_activities(PREVIOUS_YEAR_CSV, "history.csv")
    assert (report.imported, report.already) == (0, 5)
    assert history.import_closures(CLOSURES_CSV).imported == 0
    assert db.session.scalar(db.select(db.func.count(PastActivity.id))) == before == 5
    assert db.session.scalar(db.select(db.func.count(PastClosure.id))) == 3
    assert compute(Period.year(2025)).contacts == 45


def test_two_identical_rows_are_two_activities(app):
    f.activity("cv")
    text = "date,activity,format,participants,partner,theme,audience,language\n" + \
           "2024-05-02,cv,online,7,,,,\n" * 2
    assert history.import_activities(text).imported == 2
    assert history.import_activities(text).imported == 0
    assert compute(Period.year(2024)).contacts == 14


def test_a_bad_row_is_reported_and_nothing_is_imported(app):
    f.activity("cv")
    f.partner("actiris")
    text = ("date,activity,format,participants,partner,theme,audience,language\n"
            "2024-05-02,cv,online,7,,,,\n"
            "2024-13-02,cv,online,7,,,,\n"
            "2024-05-03,cv,by pigeon,seven,,,,\n"
            "2024-05-04,cv,online,3,Nobody Inc,,,\n"
            "2024-05-05,cv,online,3,actiris,no-such-theme,no-such-audience,de\n"
            f"{date.today().year + 1}-01-01,cv,online,3,,,,\n")
    with force_locale("en"):
        report = history.import_activities(text)
    lines = {line: reason for line, reason in report.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "2024-13-02" in lines[3] and "by pigeon" in lines[4] and "seven" in lines[4]
    assert "Nobody Inc" in lines[5] and "no-such-theme" in lines[6] and "no-such-audience" in lines[6]
    assert "“de”" in lines[6] and "not in the past" in lines[7]
    assert db.session.scalar(db.select(db.func.count(PastActivity.id))) == 0
    with force_locale("nl"):
        assert "de partner “Nobody Inc” is onbekend" in dict(history.import_activities(text).errors)[5]


def test_the_commands(app, tmp_path):
    f.activity("cv", organiser="actiris")
    good, bad, closures = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "closures.csv"
    good.write_text("date,activity,format,participants,partner,theme,audience,language\n"
                    "2024-05-02,Atelier CV,online,7,Actiris,,,fr\n", encoding="utf-8")
    bad.write_text("date,activity,format,participants\n2024-05-02,cv,online,-3\n", encoding="utf-8")
    closures.write_text("from,to,reason\n2024-03-14,2024-03-01,Travaux\n", encoding="utf-8")
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    result = runner.invoke(app.cli, ["stats", "import", str(good)])
    assert result.exit_code == 0 and "1 past activities imported, 0 already there." in result.output
    result = runner.invoke(app.cli, ["stats", "import", str(good)])
    assert "0 past activities imported, 1 already there." in result.output
    result = runner.invoke(app.cli, ["stats", "import", str(bad)])
    assert result.exit_code == 1 and "line 1: Columns missing" in result.stderr
    result = runner.invoke(app.cli, ["stats", "import-closures", str(closures)])
    assert result.exit_code == 1 and "line 2: the last day comes before the first" in result.stderr
    row = db.session.scalar(db.select(PastActivity))
    assert row.activity.slug == "cv" and row.partner.slug == "actiris" and row.language == "fr"


def test_months_follow_brussels_time_across_the_clock_changes():
    period = Period.year(2025)
    bounds = period.instant_bounds()
    assert bounds[0] == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    assert bounds[3] == datetime(2025, 3, 31, 23, 0, tzinfo=UTC) - timedelta(hours=1)  # April, summer time
    assert bounds[10] == datetime(2025, 10, 31, 23, 0, tzinfo=UTC)  # November, winter time again
    assert Period(date(2024, 2, 29), date(2024, 12, 31)).previous_year().first == date(2023, 2, 28)


def test_the_demo_imports_a_year_like_the_report(app):
    from app.demo.data import load_demo
    from app.stats.figures import last_complete_year
    from app.timeutil import local_today

    summary = load_demo()
    assert "History: 1591 past group activities and 2 closures imported" in summary
    assert "History: 0 past group activities and 0 closures imported" in load_demo()
    today = local_today()
    figures = compute(Period.year(last_complete_year(today)))
    if today > date(today.year, 1, 15):  # the demo's live sessions start two weeks back: none in that year
        assert figures.activities == {"total": 831, "face_to_face": 263, "online": 568, "hybrid": 0}
        assert figures.contacts == 10380 and figures.contacts_previous_year == 11950
    assert len(figures.closures) == 2
    assert sum(m.contacts for m in figures.months[3:5]) > 0  # online from April
