"""The attendance sheet, its JSON endpoint, walk-ins, the check-in link and the QR code in the e-mails."""
from __future__ import annotations

import base64
import re
import struct
import zlib

import pytest
import segno

from app.attendance.models import Attendance
from app.attendance.services import record_join
from app.extensions import db
from app.messages.models import OutboxMessage
from app.registrations.services import cancel_registration
from tests import factories as f
from tests.factories import login, person, world


@pytest.fixture
def w():
    data = world()
    data["alice"] = person(data["sess_a"], "Alice Aimée", "alice@example.be")
    data["bob"] = person(data["sess_a"], "Bob <b>Bold</b>", "bob@example.be", language="nl")
    data["wait"] = person(data["sess_a"], "Wanda Waiting", "wanda@example.be")  # capacity 2: waiting list
    data["bert"] = person(data["sess_b"], "Bert Bakker", "bert@example.be", language="nl")
    return data


def _as(app, client, account):
    login(app, client, account)
    return client


def sheet_url(session, lang="fr"):
    return f"/{lang}/staff/sessions/{session.id}/attendance"


def mark_url(session, lang="fr"):
    return sheet_url(session, lang) + "/mark"


def rows(session=None):
    query = db.select(Attendance).order_by(Attendance.id)
    if session is not None:
        query = query.where(Attendance.session_id == session.id)
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_who_may_open_the_sheet(app, client, w):
    assert client.get(sheet_url(w["sess_a"])).status_code == 302
    for role in ("admin", "coordinator", "counsellor", "partner_a"):
        assert _as(app, client, w[role]).get(sheet_url(w["sess_a"])).status_code == 200, role
    assert _as(app, client, w["partner_b"]).get(sheet_url(w["sess_a"])).status_code == 403
    assert _as(app, client, w["partner_a"]).get(sheet_url(w["sess_b"])).status_code == 403
    assert _as(app, client, w["partner_a"]).get(sheet_url(w["sess_ab"])).status_code == 200  # co-hosted
    assert _as(app, client, w["partner_b"]).post(mark_url(w["sess_a"]), json={
        "registration": w["alice"].id, "status": "present"}).status_code == 403
    assert rows() == []


def test_the_sheet_lists_the_confirmed_then_the_waiting_list(app, client, w):
    cancelled = person(w["sess_ab"], "Carl Cancelled", "carl@example.be")
    cancel_registration(cancelled.token)
    page = _as(app, client, w["admin"]).get(sheet_url(w["sess_a"], "en")).get_data(as_text=True)
    assert page.index("Alice Aimée") < page.index("Wanda Waiting")
    assert "Bob &lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold" not in page
    assert re.search(r"Wanda Waiting</span> <span class=\"govuk-tag govuk-tag--yellow tag-wait\">Waiting list", page)
    assert "Bert" not in page
    assert "Carl" not in _as(app, client, w["admin"]).get(sheet_url(w["sess_ab"])).get_data(as_text=True)


def test_marks_are_saved_at_once_and_repeats_are_harmless(app, client, w):
    host = _as(app, client, w["partner_a"])
    for _ in range(3):
        answer = host.post(mark_url(w["sess_a"]), json={"registration": w["alice"].id, "status": "present"})
        assert answer.status_code == 200 and answer.json["ok"] and answer.json["present"] == 1
    (row,) = rows()
    assert (row.registration_id, row.status, row.source, row.marked_by_id) == (
        w["alice"].id, "present", "sheet", w["partner_a"].id)
    assert host.post(mark_url(w["sess_a"]),
                     json={"registration": w["alice"].id, "status": "absent"}).json["present"] == 0
    assert host.post(mark_url(w["sess_a"]),
                     json={"registration": w["wait"].id, "status": "present"}).json["present"] == 1
    assert {(r.registration_id, r.status) for r in rows()} == {(w["alice"].id, "absent"), (w["wait"].id, "present")}
    page = host.get(sheet_url(w["sess_a"])).get_data(as_text=True)
    assert 'class="att-absent" aria-pressed="true"' in page


@pytest.mark.parametrize("body, status", [
    ({"registration": "bert", "status": "present"}, 404),
    ({"registration": None, "status": "present"}, 404),
    ({"registration": 10**12, "status": "present"}, 404),
    ({"registration": True, "status": "present"}, 404),
    ({"status": "present"}, 404),
    ({"registration": "ALICE", "status": "maybe"}, 422),
    ([1, 2, 3], 422),
    ("present", 422),
    ({"walkin": "x"}, 422),
    ({"walkin": {"key": "short", "name": "X"}}, 422),
    ({"walkin": {"key": "k" * 41, "name": "X"}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": ""}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": "x" * 121}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": "Nul\x00"}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": "Zoé", "email": "not an address"}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": "Zoé", "audience": "martians"}}, 422),
    ({"walkin": {"key": "walkin-key-1", "name": "Zoé", "status": "asleep"}}, 422),
])
def test_bad_marks_get_a_clear_answer_and_store_nothing(app, client, w, body, status):
    if isinstance(body, dict) and body.get("registration") == "ALICE":
        body = dict(body, registration=w["alice"].id)
    if isinstance(body, dict) and body.get("registration") == "bert":
        body = dict(body, registration=w["bert"].id)  # registered for another session
    answer = _as(app, client, w["admin"]).post(mark_url(w["sess_a"]), json=body)
    assert answer.status_code == status
    assert answer.is_json and answer.json["errors"]
    assert rows() == []


def test_a_cancelled_registration_cannot_be_marked(app, client, w):
    cancel_registration(w["bob"].token)
    answer = _as(app, client, w["admin"]).post(mark_url(w["sess_a"], "en"),
                                               json={"registration": w["bob"].id, "status": "present"})
    assert answer.status_code == 409 and "cancelled" in answer.json["errors"]["registration"]
    assert rows() == []


def test_walkins_are_added_once_and_can_be_corrected(app, client, w):
    f.audience("students")
    host = _as(app, client, w["counsellor"])
    walkin = {"key": "a1b2c3d4e5f6", "name": "<script>alert(1)</script> Zoé", "email": "Zoe@Example.be",
              "audience": "students", "status": "present"}
    for _ in range(2):  # a retry after a lost answer
        answer = host.post(mark_url(w["sess_a"]), json={"walkin": walkin})
        assert answer.status_code == 200 and answer.json["present"] == 1
    (row,) = rows()
    assert (row.walkin_name, row.walkin_email, row.audience.code, row.status, row.registration_id) == (
        walkin["name"], "Zoe@example.be", "students", "present", None)
    answer = host.post(mark_url(w["sess_a"]), json={"walkin": {"key": walkin["key"], "status": "absent"}})
    assert answer.json["present"] == 0 and rows()[0].status == "absent"
    host.post(mark_url(w["sess_a"]), json={"walkin": {"key": "second-walkin", "name": "Yann"}})
    assert [r.walkin_name for r in rows()] == [walkin["name"], "Yann"]
    page = host.get(sheet_url(w["sess_a"])).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Zoé" in page and "<script>alert(1)" not in page


def test_the_sheet_works_without_scripts(app, client, w):
    host = _as(app, client, w["admin"])
    answer = host.post(mark_url(w["sess_a"]), data={"registration": str(w["alice"].id), "status": "present"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/attendance#sheet")
    answer = host.post(mark_url(w["sess_a"]),
                       data={"key": "form-key-123", "name": "Walk In", "email": "", "audience": ""})
    assert answer.status_code == 303
    bad = host.post(mark_url(w["sess_a"]), data={"key": "form-key-456", "name": "", "email": "x"})
    assert bad.status_code == 422 and "error-summary" in bad.get_data(as_text=True)
    assert {(r.registration_id, r.walkin_name) for r in rows()} == {(w["alice"].id, ""), (None, "Walk In")}


def test_json_marks_need_the_csrf_token_in_a_header(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    host = _as(app, client, w["partner_a"])
    page = host.get(sheet_url(w["sess_a"])).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    body = {"registration": w["alice"].id, "status": "present"}
    assert host.post(mark_url(w["sess_a"]), json=body).status_code == 400
    assert rows() == []
    assert host.post(mark_url(w["sess_a"]), json=body, headers={"X-CSRFToken": token}).status_code == 200
    assert len(rows()) == 1


def checkin_url(registration, lang="fr", session=None):
    return f"/{lang}/checkin/{registration.token}" + (f"?session={session.id}" if session else "")


def test_opening_a_checkin_link_changes_nothing_the_button_does(app, client, w):
    assert client.get(checkin_url(w["alice"])).status_code == 302  # the login page first
    host = _as(app, client, w["partner_a"])
    page = host.get(checkin_url(w["alice"], session=w["sess_a"]))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Alice Aimée" in text and 'name="session" value="%d"' % w["sess_a"].id in text
    assert rows() == []
    done = host.post(checkin_url(w["alice"]), data={"session": str(w["sess_a"].id)})
    assert done.status_code == 200 and "notice-success" in done.get_data(as_text=True)
    (row,) = rows()
    assert (row.registration_id, row.status, row.source) == (w["alice"].id, "present", "qr")
    host.post(checkin_url(w["alice"]))
    assert len(rows()) == 1


def test_a_code_of_another_session_is_refused(app, client, w):
    host = _as(app, client, w["admin"])
    for method in ("get", "post"):
        answer = getattr(host, method)(checkin_url(w["bert"], session=w["sess_a"]).replace("/fr/", "/en/", 1))
        assert answer.status_code == 409
        text = answer.get_data(as_text=True)
        assert "another session" in text and "Bert" not in text
    assert rows() == []


def test_a_cancelled_registration_is_refused(app, client, w):
    cancel_registration(w["bob"].token)
    host = _as(app, client, w["admin"])
    for method in ("get", "post"):
        answer = getattr(host, method)(checkin_url(w["bob"], session=w["sess_a"]))
        assert answer.status_code == 409 and "cancelled" in answer.get_data(as_text=True)
    assert rows() == []


def test_checkin_needs_a_host_of_that_session(app, client, w):
    assert _as(app, client, w["partner_b"]).get(checkin_url(w["alice"])).status_code == 403
    assert _as(app, client, w["partner_b"]).post(checkin_url(w["alice"])).status_code == 403
    assert _as(app, client, w["partner_b"]).get(checkin_url(w["alice"], session=w["sess_b"])).status_code == 409
    assert _as(app, client, w["partner_a"]).get(checkin_url(w["bert"])).status_code == 403
    assert _as(app, client, w["admin"]).get("/fr/checkin/" + "x" * 43).status_code == 404
    assert _as(app, client, w["admin"]).get("/fr/checkin/<script>").status_code == 404
    assert _as(app, client, w["admin"]).get(checkin_url(w["alice"]) + "?session=99999999999").status_code == 200
    assert rows() == []


def test_joining_an_online_session_counts_unless_a_host_said_otherwise(app, client, w):
    row = record_join(w["bert"])
    assert (row.status, row.source) == ("present", "join")
    _as(app, client, w["partner_b"]).post(mark_url(w["sess_b"]),
                                          json={"registration": w["bert"].id, "status": "absent"})
    record_join(w["bert"])
    assert [(r.status, r.source) for r in rows()] == [("absent", "sheet")]


# The QR code in the messages ---------------------------------------------------------------------


def png_modules(png: bytes, scale: int, border: int) -> list[list[bool]]:
    """The dark modules of a black-and-white PNG QR code, read pixel by pixel (filters 0-4)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, palette = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[:10])
        elif kind == b"PLTE":
            palette = [data[i:i + 3] for i in range(0, len(data), 3)]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    assert depth in (1, 8) and colour in (0, 3)
    raw, stride = zlib.decompress(idat), (width * depth + 7) // 8
    bpp, lines, prev, i = max(1, depth // 8), [], bytes(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a, b = line[x - bpp] if x >= bpp else 0, prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        lines.append(bytes(line))
        prev = bytes(line)

    def dark(x, y) -> bool:
        value = (lines[y][x // 8] >> (7 - x % 8)) & 1 if depth == 1 else lines[y][x]
        if colour == 3:
            return sum(palette[value]) < 384
        return value < (1 if depth == 1 else 128)

    count = width // scale - 2 * border
    return [[dark((border + col) * scale + scale // 2, (border + row) * scale + scale // 2) for col in range(count)]
            for row in range(count)]


def matrix_of(text: str) -> list[list[bool]]:
    """The modules segno makes for `text`, with the settings of the e-mails (medium error correction, mask 2)."""
    return [[bool(v) for v in row] for row in segno.make(text, error="m", micro=False, mask=2).matrix]


def qr_in(html: str) -> list[list[bool]]:
    data = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    return png_modules(base64.b64decode(data), scale=5, border=4)


def test_the_confirmation_carries_the_qr_code_of_the_checkin_link(app, w):
    alice, bob = w["alice"], w["bob"]
    (confirmation,) = f.rendered(*db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.registration_id == alice.id, OutboxMessage.kind == "confirmation")))
    expected = f"http://127.0.0.1:5000/fr/checkin/{alice.token}"
    assert expected not in confirmation.body_text  # a link to the hosts' page: the code is shown, not opened
    assert "montrez votre code QR" in confirmation.body_text
    assert qr_in(confirmation.body_html) == matrix_of(expected)
    assert qr_in(confirmation.body_html) != matrix_of(expected.replace("/fr/", "/nl/"))
    (dutch,) = f.rendered(*db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.registration_id == bob.id)))
    assert qr_in(dutch.body_html) == matrix_of(f"http://127.0.0.1:5000/nl/checkin/{bob.token}")
    (waiting,) = f.rendered(*db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.registration_id == w["wait"].id)))
    assert (waiting.kind == "waitlisted" and "checkin" not in waiting.body_text
            and "data:image/png" not in waiting.body_html)


def test_the_promotion_carries_it_too(app, w):
    cancel_registration(w["alice"].token)
    (promotion,) = f.rendered(*db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.registration_id == w["wait"].id, OutboxMessage.kind == "promotion")))
    expected = f"http://127.0.0.1:5000/fr/checkin/{w['wait'].token}"
    assert expected not in promotion.body_text
    assert qr_in(promotion.body_html) == matrix_of(expected)
