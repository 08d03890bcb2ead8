"""The back-office's links lead where the person may go: the attendance sheet from the staff week and the
staff session page; the centre's week offered only to those who may open it."""
from __future__ import annotations

from tests import factories as f
from tests.factories import as_role, one_session


def test_the_staff_week_and_session_page_link_to_the_attendance_sheet(app, client):
    as_role(app, client, "counsellor")
    session = one_session()
    sheet = f'href="/en/staff/sessions/{session.id}/attendance"'
    week = client.get(f"/en/staff/?week={session.start_at.date().isoformat()}").get_data(as_text=True)
    assert sheet in week
    page = client.get(f"/en/staff/sessions/{session.id}").get_data(as_text=True)
    assert sheet in page and "Take attendance" in page


def test_a_partner_home_does_not_offer_the_centre_week_it_may_not_open(app, client):
    as_role(app, client, "partner", partner=f.partner())
    home = client.get("/en/account/").get_data(as_text=True)
    assert "See the week of the whole centre" not in home
    assert client.get("/en/staff/").status_code == 403


def test_a_counsellor_home_offers_the_centre_week(app, client):
    as_role(app, client, "counsellor")
    home = client.get("/en/account/").get_data(as_text=True)
    assert "See the week of the whole centre" in home and 'href="/en/staff/"' in home


def test_the_attendance_sheet_leads_staff_back_to_the_centre_page_and_partners_to_theirs(app, client):
    w = f.world()
    sheet = f"/en/staff/sessions/{w['sess_a'].id}/attendance"
    f.login(app, client, w["counsellor"])
    back = f'class="govuk-back-link" href="/en/staff/sessions/{w["sess_a"].id}"'
    assert back in client.get(sheet).get_data(as_text=True)
    assert client.get(f"/en/staff/sessions/{w['sess_a'].id}").status_code == 200
    f.login(app, client, w["partner_a"])  # Actiris organises it; its partner is sent to its own page
    back = f'class="govuk-back-link" href="/en/partner/sessions/{w["sess_a"].id}"'
    assert back in client.get(sheet).get_data(as_text=True)
    assert client.get(f"/en/partner/sessions/{w['sess_a'].id}").status_code == 200
