"""The feeds of one's own, read back with an independent parser (PyPI `ical`): a person's (every
registration of one address, its link replaceable), a staff user's and a partner user's (links made on
the account page, each revocable); 304s and `Cache-Control: private`.

A cancellation ages out of a feed after FEED_CANCELLED_DAYS: the test moves `cancelled_at` back in the
database rather than wait, nothing else touched.
"""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from ical.calendar_stream import IcsCalendarStream

from app.cache import personal_feeds
from app.calendar import services as calendar
from app.extensions import db
from app.feeds.models import PersonFeed, UserFeed
from app.messages.models import Kind, OutboxMessage
from app.registrations.models import Registration
from app.videorooms.services import room_of, sync_due
from tests import factories as f


def parse(body: bytes):
    return IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))


def events(body: bytes) -> dict:
    return {event.uid: event for event in parse(body).events}


def uid(session) -> str:
    return f"session-{session.id}@127.0.0.1"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def register(client, session, email="lea@example.be", name="Léa", language="fr"):
    answer = client.post(f"/api/v1/sessions/{session.id}/registrations",
                         json={"name": name, "email": email, "language": language, "consent": True})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def three_sessions():
    online = f.session_at(f.activity("online-cv"), f.at(4, 10), fmt="online", minutes=90)
    with_room = f.one_session(capacity=5, days=5, slug="interview")
    other = f.one_session(capacity=5, days=6, slug="nurse")
    return online, with_room, other


def test_a_persons_feed_holds_exactly_their_active_registrations_and_follows_a_cancellation(client):
    online, on_site, other = three_sessions()
    sync_due()  # the online session's room is made
    first = register(client, online)
    second = register(client, on_site, email="LEA@example.be")  # the same address, written otherwise
    register(client, other, email="sam@example.be", name="Sam")
    feed = first["links"]["feed"]
    assert feed and feed == second["links"]["feed"] and "/feeds/people/" in feed
    answer = client.get(path_of(feed))
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Cache-Control"].startswith("private")
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    found = events(answer.data)
    assert set(found) == {uid(online), uid(on_site)}
    # The online event shows the join page, never the room itself.
    join = db.session.scalar(sa.select(Registration).where(Registration.token == first["token"]))
    assert found[uid(online)].location == f"http://127.0.0.1:5000/join/{join.token}?lang=fr"
    room = room_of(online).join_url
    assert room and room.encode() not in answer.data
    assert first["links"]["view"] in found[uid(online)].description.replace("\n", "")
    assert found[uid(online)].status.value == "CONFIRMED"

    assert client.delete(f"/api/v1/registrations/{second['token']}").status_code == 200
    found = events(client.get(path_of(feed)).data)
    assert set(found) == {uid(online), uid(on_site)}
    assert found[uid(on_site)].status.value == "CANCELLED"
    assert found[uid(online)].status.value == "CONFIRMED"

    cancelled = db.session.scalar(sa.select(Registration).where(Registration.token == second["token"]))
    cancelled.cancelled_at -= timedelta(days=31)
    db.session.flush()
    personal_feeds.clear()  # a body is kept 10 minutes at most: as if they had gone by with the 30 days
    assert set(events(client.get(path_of(feed)).data)) == {uid(online)}


def test_waiting_list_is_tentative_and_a_cancelled_session_stays_cancelled(client):
    full = f.one_session(capacity=1, days=3, slug="full")
    register(client, full, email="first@example.be", name="First")
    waiting = register(client, full)
    assert waiting["status"] == "waitlisted"
    kept = f.one_session(capacity=3, days=4, slug="kept")
    register(client, kept)
    feed = path_of(waiting["links"]["feed"])
    found = events(client.get(feed).data)
    assert found[uid(full)].status.value == "TENTATIVE"
    calendar.cancel_session(kept, reason="Formatrice malade")
    found = events(client.get(feed).data)
    assert found[uid(kept)].status.value == "CANCELLED" and "Formatrice malade" in found[uid(kept)].description


def test_person_feed_answers_304_and_changes_with_the_registrations(client):
    online, on_site, _other = three_sessions()
    answer = register(client, on_site)
    feed = path_of(answer["links"]["feed"])
    first = client.get(feed)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304
    again = client.get(feed, headers={"If-Modified-Since": modified})
    assert again.status_code == 304 and again.headers["Cache-Control"].startswith("private") and not again.data
    register(client, online)
    changed = client.get(feed, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert set(events(changed.data)) == {uid(online), uid(on_site)}


def test_the_link_is_in_the_confirmation_and_on_the_registration_page(client):
    session = f.one_session(capacity=3)
    answer = register(client, session)
    confirmation = f.outbox(Kind.CONFIRMATION)[0]
    assert answer["links"]["feed"] in confirmation.body_text and answer["links"]["feed"] in confirmation.body_html
    page = client.get(path_of(answer["links"]["view"]))
    assert page.status_code == 200 and answer["links"]["feed"] in page.get_data(as_text=True)
    assert client.get(f"/api/v1/registrations/{answer['token']}").get_json()["links"]["feed"] == answer["links"]["feed"]


def test_replacing_the_link_sends_the_new_one_to_the_address_only_and_the_old_one_answers_404(client):
    session = f.one_session(capacity=3)
    answer = register(client, session)
    old = path_of(answer["links"]["feed"])
    assert client.get(old).status_code == 200
    replaced = client.post(path_of(answer["links"]["view"]) + "/feed")
    assert replaced.status_code == 200
    assert client.get(old).status_code == 404
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == Kind.FEED_LINK))
    assert message.to_email == "lea@example.be"
    new = re.search(r"http://127\.0\.0\.1:5000(/feeds/people/[A-Za-z0-9_-]{43}\.ics\?lang=fr)", message.body_text)
    assert new and new.group(1) != old
    assert new.group(1).split("?")[0].encode() not in replaced.data  # the answer never shows it
    assert set(events(client.get(new.group(1)).data)) == {uid(session)}
    # The table holds a nonce and the token's hash, never the token.
    row = db.session.scalar(sa.select(PersonFeed))
    token = new.group(1).split("/")[-1].split(".")[0]
    assert token not in (row.nonce, row.token_hash)
    # Later messages carry the new link.
    page = client.get(path_of(answer["links"]["view"])).get_data(as_text=True)
    assert new.group(1).split("?")[0] in page and old.split("?")[0] not in page


def test_unknown_or_malformed_tokens_answer_404(client):
    assert client.get("/feeds/people/" + "A" * 43 + ".ics").status_code == 404
    assert client.get("/feeds/people/short.ics").status_code == 404
    assert client.get("/feeds/users/" + "A" * 43 + ".ics").status_code == 404


# Staff and partner feeds -------------------------------------------------------------------------


def feed_link_of(client, lang="en") -> str:
    page = client.get(f"/{lang}/account/").get_data(as_text=True)
    found = re.findall(r'href="http://127\.0\.0\.1:5000(/feeds/users/[A-Za-z0-9_-]{43}\.ics\?lang=\w\w)"', page)
    return found[-1] if found else ""


def test_a_staff_feed_holds_schools_sessions_with_counts_and_the_public_feed_never_does(client, login_as):
    world = f.world()
    school = f.activity("pto", schools_only=True)
    school_session = calendar.create_session(school, world["start"], world["start"] + timedelta(hours=2), "online")
    f.person(world["sess_a"], "Léa", "lea@example.be")
    login_as(world["coordinator"])
    assert feed_link_of(client) == ""
    assert client.post("/en/account/feeds").status_code == 303
    link = feed_link_of(client)
    assert link
    client.post("/en/account/logout")
    answer = client.get(link)  # no login: the link is the key
    assert answer.status_code == 200 and answer.headers["Cache-Control"].startswith("private")
    found = events(answer.data)
    assert {uid(school_session), uid(world["sess_a"]), uid(world["sess_b"]), uid(world["sess_ab"])} <= set(found)
    assert "For schools only." in found[uid(school_session)].description
    assert "Registrations: 1 of 2 seats booked, 0 on the waiting list." in found[uid(world["sess_a"])].description
    public = events(client.get("/feeds/workshops.ics").data)
    assert uid(school_session) not in public and uid(world["sess_a"]) in public
    assert client.get(link, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    assert client.get(link, headers={"If-Modified-Since": answer.headers["Last-Modified"]}).status_code == 304
    f.person(world["sess_a"], "Sam", "sam@example.be")
    again = client.get(link, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 200
    assert "2 of 2 seats booked" in events(again.data)[uid(world["sess_a"])].description


def test_a_partner_feed_holds_its_organisations_sessions_only_in_its_language(client, login_as):
    world = f.world()
    login_as(world["partner_a"])
    client.post("/nl/account/feeds")
    link = feed_link_of(client, "nl")
    assert link.endswith("lang=nl")
    found = events(client.get(link).data)
    assert set(found) == {uid(world["sess_a"]), uid(world["sess_ab"])}  # organised, co-hosted; never B's own
    assert "Inschrijvingen" in found[uid(world["sess_a"])].description
    assert f"/nl/partner/sessions/{world['sess_a'].id}" in found[uid(world["sess_a"])].description


def test_a_revoked_link_and_a_deactivated_account_answer_404(client, login_as):
    world = f.world()
    login_as(world["counsellor"])
    client.post("/en/account/feeds")
    client.post("/en/account/feeds")
    rows = db.session.scalars(sa.select(UserFeed).order_by(UserFeed.id)).all()
    assert len(rows) == 2
    page = client.get("/en/account/").get_data(as_text=True)
    links = [link for link in re.findall(r'href="http://127\.0\.0\.1:5000(/feeds/users/[^"]+)"', page)
             if "hosted=1" not in link]  # each link has its "sessions I host" variant beside it
    assert len(links) == 2 and all(client.get(link).status_code == 200 for link in links)
    assert client.post(f"/en/account/feeds/{rows[0].id}/revoke").status_code == 303
    assert [client.get(link).status_code for link in links] == [404, 200]
    # Nobody revokes another user's link.
    login_as(world["admin"])
    assert client.post(f"/en/account/feeds/{rows[1].id}/revoke").status_code == 404
    assert client.get(links[1]).status_code == 200
    world["counsellor"].active = False
    db.session.flush()
    assert client.get(links[1]).status_code == 404


def test_only_staff_and_partner_users_make_feed_links(client, login_as, app):
    login_as(f.user("admin"))
    assert "feeds" in client.get("/fr/account/").get_data(as_text=True)
    assert client.get("/fr/account/feeds").status_code == 405  # making one is a POST
    client.post("/fr/account/logout")
    assert client.post("/fr/account/feeds").status_code in (302, 401)


def test_replacing_the_link_and_making_one_need_their_csrf_token(app, client, login_as, monkeypatch):
    session = f.one_session(capacity=3)
    answer = register(client, session)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get(path_of(answer["links"]["view"]))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post(path_of(answer["links"]["view"]) + "/feed").status_code == 400
    assert client.get(path_of(answer["links"]["feed"])).status_code == 200  # nothing replaced
    assert client.post(path_of(answer["links"]["view"]) + "/feed", data={"csrf_token": token}).status_code == 200
    assert client.get(path_of(answer["links"]["feed"])).status_code == 404
    login_as(f.user("coordinator"))
    assert client.post("/en/account/feeds").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(UserFeed.id))) == 0


def test_a_counsellors_own_feed_holds_the_sessions_they_host_with_their_host_link(client, login_as):
    from app.calendar.bookings import set_hosts
    from app.database import unit_of_work
    online, with_room, other = three_sessions()
    counsellor = f.user("counsellor", "sophie@cdm.example", name="Sophie Lambert")
    with unit_of_work():
        set_hosts(online, [counsellor])
        set_hosts(with_room, [counsellor])
        room = room_of(online)
        room.provider, room.state, room.join_url, room.host_url = ("whereby", "ready", "https://x.example/j",
                                                                   "https://x.example/host-secret")
    login_as(counsellor)
    assert client.post("/en/account/feeds").status_code == 303
    link = feed_link_of(client)
    assert f"{link}&amp;hosted=1" in client.get("/en/account/").get_data(as_text=True)
    client.post("/en/account/logout")
    mine = client.get(f"{link}&hosted=1")
    assert mine.status_code == 200 and mine.headers["Cache-Control"].startswith("private")
    found = events(mine.data)
    assert set(found) == {uid(online), uid(with_room)}  # not the session somebody else hosts
    assert "https://x.example/host-secret" in found[uid(online)].description
    assert "Hosts: Sophie Lambert" in found[uid(with_room)].description
    everything = events(client.get(link).data)
    assert uid(other) in everything and "Hosts: Sophie Lambert" in everything[uid(online)].description
    assert "host-secret" not in client.get(link).get_data(as_text=True)  # only in the host's own feed
    assert client.get(f"{link}&hosted=1", headers={"If-None-Match": mine.headers["ETag"]}).status_code == 304
