"""The printable programme of a week (`/<lang>/programme?week=YYYY-Www`): the week's public sessions in the
address's language, each with an inline SVG QR code of its page (read back module by module), linked from
the public week page; bad weeks explained. That it prints on one A4 page is checked in Chromium
(tests/browser/test_widget_browser.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import segno

from app.calendar import services as calendar
from app.timeutil import local_today
from tests import factories as f


def modules_of(svg: str) -> list[list[bool]]:
    """The dark modules an SVG path of horizontal strokes draws (M x y, m dx dy, h n)."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.search(r' d="([^"]+)"', svg).group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                grid[int(y)][column] = True
            x += float(a)
    return grid


def matrix_of(text: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(text, error="m", micro=False).matrix]


def week_of(day) -> str:
    return "%d-W%02d" % day.isocalendar()[:2]


def next_week():
    monday = f.monday_of(local_today()) + timedelta(days=7)
    cv = f.activity("cv", organiser="actiris")
    school = f.activity("pto", schools_only=True)
    made = {
        "monday": f.session_at(cv, f.local(monday.year, monday.month, monday.day, 10)),
        "friday": f.session_at(cv, f.local(monday.year, monday.month, monday.day, 14) + timedelta(days=4),
                               fmt="online"),
        "cancelled": f.session_at(cv, f.local(monday.year, monday.month, monday.day, 16)),
        "school": f.session_at(school, f.local(monday.year, monday.month, monday.day, 9)),
        "after": f.session_at(cv, f.local(monday.year, monday.month, monday.day, 10) + timedelta(days=7)),
    }
    calendar.cancel_session(made["cancelled"], reason="")
    return monday, made


def test_the_weeks_sessions_each_with_the_qr_code_of_its_page(client):
    monday, made = next_week()
    answer = client.get(f"/fr/programme?week={week_of(monday)}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    items = re.findall(r'<li class="programme-session">(.*?)</li>', html, flags=re.S)
    assert len(items) == 2  # neither the cancelled one, the schools' one, nor next week's
    for item, session in zip(items, (made["monday"], made["friday"]), strict=True):
        url = f"http://127.0.0.1:5000/fr/sessions/{session.id}"
        assert f'href="{url}"' in item and "Atelier cv" in item
        svg = re.search(r"<svg .*?</svg>", item, flags=re.S).group(0)
        assert 'aria-hidden="true"' in svg and "style=" not in svg
        assert modules_of(svg) == matrix_of(url)
        assert modules_of(svg) != matrix_of(url.replace("/fr/", "/nl/"))
    assert "Programme de la semaine du lundi" in html
    assert 'href="/static/programme.css"' in html


def test_in_dutch_with_the_lists_filters(client):
    monday, made = next_week()
    html = client.get(f"/nl/programme?week={week_of(monday)}&format=online").get_data(as_text=True)
    assert "Programma van de week van maandag" in html and 'lang="nl"' in html
    assert html.count('class="programme-session"') == 1
    assert f"http://127.0.0.1:5000/nl/sessions/{made['friday'].id}" in html


def test_this_week_by_default_and_bad_weeks_explained(client):
    assert client.get("/en/programme").status_code == 200
    for bad in ("2026-W60", "2026-12-07", "W50", "1999-W01"):
        answer = client.get(f"/fr/programme?week={bad}")
        assert answer.status_code == 400 and 'role="alert"' in answer.get_data(as_text=True), bad
    assert "AAAA-Wss" in client.get("/fr/programme?week=nope").get_data(as_text=True)
    assert client.get("/fr/programme?theme=nope").status_code == 400


def test_linked_from_the_public_week_page(client):
    monday, _made = next_week()
    html = client.get(f"/nl/?week={monday.isoformat()}").get_data(as_text=True)
    assert f'href="/nl/programme?week={week_of(monday)}"' in html
    assert "Het programma van de week afdrukken" in html
