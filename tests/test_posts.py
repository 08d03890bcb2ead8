"""Posts of the week's and the day's workshops, against fake Graph and LinkedIn servers, with the posts job
under a fixed clock."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.integrations.linkedin import escape
from app.messages.models import OutboxMessage
from app.posts import services
from app.posts.compose import compose
from app.posts.models import Post
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.fakes.fixtures import graph_server, linkedin_server, social_config  # noqa: F401

MONDAY = f.monday_of(local_today()) + timedelta(days=14)  # a Monday to come: its sessions are ahead


def at(day, hh, mm=0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BRUSSELS)


@pytest.fixture
def networks(app, monkeypatch, social_config):
    for name, value in social_config.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "POSTS_WEEK_AT", "monday 08:00")
    monkeypatch.setitem(app.config, "POSTS_DAY_AT", "07:30")
    return social_config


@pytest.fixture
def week():
    """A week of sessions: Tuesday's face-to-face CV workshop (one seat left), Thursday's full online one,
    a Dutch one on Friday, one for schools only and a cancelled one (never posted)."""
    cv = f.activity("cv", language="fr_nl")
    cv.title_fr, cv.title_nl = "CV et lettre de motivation (débutants)", "Cv en sollicitatiebrief (beginners)"
    online = f.activity("interview", language="fr_nl")
    dutch = f.activity("nl-only", language="nl")
    schools = f.activity("classes", schools_only=True)
    gone = f.activity("gone")
    tuesday = f.session_at(cv, at(MONDAY + timedelta(days=1), 10), minutes=120, capacity=3)
    thursday = f.session_at(online, at(MONDAY + timedelta(days=3), 14), fmt="online", capacity=1)
    friday = f.session_at(dutch, at(MONDAY + timedelta(days=4), 9, 30), fmt="online", capacity=10)
    f.session_at(schools, at(MONDAY + timedelta(days=2), 10))
    cancelled = f.session_at(gone, at(MONDAY + timedelta(days=2), 15))
    calendar.cancel_session(cancelled, "")
    f.person(tuesday, "Ana", "ana@example.be")
    f.person(tuesday, "Bo", "bo@example.be")
    f.person(thursday, "Cy", "cy@example.be")
    return {"tuesday": tuesday, "thursday": thursday, "friday": friday}


def test_the_week_in_french_and_in_dutch(app, week):
    fr = compose("week", MONDAY, "facebook", "fr", since=at(MONDAY, 8)).text
    nl = compose("week", MONDAY, "facebook", "nl", since=at(MONDAY, 8)).text
    base = app.config["BASE_URL"]
    assert fr.startswith("Nos ateliers de la semaine, du lundi")
    assert "CV et lettre de motivation (débutants) · en présentiel · 1 place restante" in fr
    assert re.search(r"mar\. \d+/\d+ 10:00–12:00 · CV et lettre", fr)  # Brussels time, the day's short name
    assert "14:00–15:00 · Atelier interview · en ligne · complet" in fr
    assert "Atelier nl-only · en ligne · en néerlandais · 10 places restantes" in fr
    assert f"{base}/fr/sessions/{week['tuesday'].id}" in fr
    assert fr.endswith(f"{base}/fr/")
    assert "Cv en sollicitatiebrief (beginners) · face-to-face · Nog 1 plaats vrij" in nl
    assert "volzet" in nl and "in het Nederlands" not in nl
    assert nl.endswith(f"{base}/nl/") and f"{base}/nl/sessions/{week['friday'].id}" in nl
    for text in (fr, nl):
        assert "classes" not in text and "gone" not in text


def test_nothing_for_a_day_without_sessions(week):
    assert compose("day", MONDAY, "linkedin", "fr", since=at(MONDAY, 7)) is None
    assert services.queue_posts("day", MONDAY, at(MONDAY, 7)) == []
    day = services.queue_posts("day", MONDAY + timedelta(days=1), at(MONDAY, 7))
    assert len(day) == 4 and all("CV" in p.text or "Cv" in p.text for p in day)


def test_too_long_for_linkedin_whole_sessions_are_left_out_and_the_calendar_ends_it(app):
    act = f.activity("long", language="fr")
    act.title_fr = "Atelier (très) long_titre [#emploi] " * 3
    for i in range(40):
        f.session_at(act, at(MONDAY + timedelta(days=i % 5), 8 + i // 5), minutes=30)
    composed = compose("week", MONDAY, "linkedin", "fr", since=at(MONDAY, 7))
    assert len(escape(composed.text)) <= 3000 and composed.left_out > 0
    assert composed.shown + composed.left_out == 40
    lines = composed.text.split("\n")
    assert lines[-1] == app.config["BASE_URL"] + "/fr/"
    assert lines[-2] == f"… et {composed.left_out}\u00a0ateliers de plus dans le calendrier\u00a0:"
    assert sum(1 for line in lines if line.startswith(app.config["BASE_URL"] + "/fr/sessions/")) == composed.shown
    facebook = compose("week", MONDAY, "facebook", "fr", since=at(MONDAY, 7))
    assert facebook.left_out == 0  # Facebook's limit holds the whole week


def test_composing_twice_queues_once(week):
    first = services.queue_posts("week", MONDAY + timedelta(days=2), at(MONDAY, 6))  # any day of the week
    again = services.queue_posts("week", MONDAY, at(MONDAY, 6))
    assert len(first) == 4 and {p.id for p in first} == {p.id for p in again}
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 4
    assert {p.day for p in first} == {MONDAY}


def test_the_week_goes_out_on_monday_at_the_set_time_once_per_network(app, networks, week, graph_server,
                                                                      linkedin_server):
    services.run(at(MONDAY, 7, 59))
    week_posts = db.session.scalars(db.select(Post).where(Post.kind == "week")).all()
    assert len(week_posts) == 4 and all(p.state == "queued" for p in week_posts)  # ready, shown to staff
    assert not [p for p in graph_server.posts if p["message"].startswith("Nos ateliers de la semaine")]
    services.run(at(MONDAY, 8, 0))
    services.run(at(MONDAY, 8, 1))
    db.session.expire_all()
    assert {p.state for p in week_posts} == {"published"}
    fb = [p for p in graph_server.posts if "semaine" in p["message"] or "week" in p["message"]]
    base = app.config["BASE_URL"]
    assert len(fb) == 2 and {p["link"] for p in fb} == {base + "/fr/", base + "/nl/"}
    li = [p for p in linkedin_server.posts if "semaine" in p["shown"] or "week" in p["shown"]]
    assert len(li) == 2
    assert graph_server.attempts == len(graph_server.posts) and linkedin_server.attempts == len(linkedin_server.posts)
    for post in week_posts:
        assert post.network_post_id and post.url and post.published_at


def test_the_linkedin_text_arrives_whole(networks, week, linkedin_server):
    services.run(at(MONDAY, 8))
    posts = db.session.scalars(db.select(Post).where(Post.network == "linkedin", Post.kind == "week")).all()
    shown = {p["shown"] for p in linkedin_server.posts}
    assert posts and all(p.text in shown for p in posts)
    assert any("(débutants)" in text for text in shown)  # reserved characters shown, the text not cut


def test_an_unedited_post_is_written_again_just_before_it_goes(networks, week, graph_server):
    services.run(at(MONDAY, 6))
    f.person(week["tuesday"], "Di", "di@example.be")  # the last seat goes after the post was queued
    services.run(at(MONDAY, 8))
    fr = next(p["message"] for p in graph_server.posts if p["message"].startswith("Nos ateliers de la semaine"))
    assert "CV et lettre de motivation (débutants) · en présentiel · complet" in fr


def test_rate_limits_are_retried_with_growing_delays(networks, week, graph_server, linkedin_server):
    services.run(at(MONDAY, 7))  # queued, none due yet
    fb = {p.language: p for p in db.session.scalars(db.select(Post).where(Post.network == "facebook",
                                                                          Post.kind == "week"))}
    services.skip(fb["nl"].id)
    graph_server.rate_limit(3, code=613)
    linkedin_server.rate_limit(1)
    now, waits = at(MONDAY, 8), []
    services.run(now)
    for _ in range(3):
        db.session.expire_all()
        post = fb["fr"]
        assert post.state == "retrying" and "613" in post.last_error and post.problem == "rate_limited"
        waits.append(post.next_attempt_at - now)
        calls = graph_server.attempts
        services.run(post.next_attempt_at - timedelta(seconds=1))
        assert graph_server.attempts == calls  # not before its time
        now = post.next_attempt_at
        services.run(now)
    db.session.expire_all()
    assert fb["fr"].state == "published" and fb["fr"].attempts == 4
    assert waits == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert graph_server.attempts == 4 and len(graph_server.posts) == 1
    li = db.session.scalars(db.select(Post).where(Post.network == "linkedin", Post.kind == "week")).all()
    assert {p.state for p in li} == {"published"}
    assert linkedin_server.attempts == len(linkedin_server.posts) + 1


def test_a_rate_limit_waits_for_the_networks_hint(networks, week, graph_server):
    graph_server.rate_limit(1, code=4, retry_after=3600)
    now = at(MONDAY, 8)
    services.run(now)
    post = db.session.scalars(db.select(Post).where(Post.state == "retrying")).one()
    assert post.next_attempt_at == now + timedelta(hours=1)
    attempts = graph_server.attempts
    services.run(now + timedelta(minutes=59))
    assert graph_server.attempts == attempts  # not before the hint


def test_a_duplicate_counts_as_published_and_is_never_retried(networks, week, graph_server, linkedin_server):
    linkedin_server.answer_next(422, {"status": 422, "code": "DUPLICATE_POST", "message": "Content is a duplicate"},
                                count=1, path_contains="/posts")
    graph_server.answer_next(400, {"error": {"message": "Duplicate status message", "type": "OAuthException",
                                             "code": 506, "fbtrace_id": "x"}}, path_contains="/feed")
    services.run(at(MONDAY, 8))
    services.run(at(MONDAY, 9))
    posts = db.session.scalars(db.select(Post).where(Post.kind == "week")).all()
    assert {p.state for p in posts} == {"published"}
    duplicates = [p for p in posts if p.network_post_id is None]
    assert len(duplicates) == 2 and all(p.attempts == 1 and p.problem == "duplicate" for p in duplicates)
    assert graph_server.attempts == len(graph_server.posts) + 1
    assert linkedin_server.attempts == len(linkedin_server.posts) + 1


def test_a_bad_token_stops_that_network_and_tells_staff(app, networks, week, graph_server, linkedin_server,
                                                         login_as, client, monkeypatch):
    coordinator = f.user("coordinator", "coord@cdm.example", language="nl", name="Coord")
    f.user("admin", "admin@cdm.example", name="Admin")
    f.user("counsellor", "couns@cdm.example")
    graph_server.revoke()
    services.run(at(MONDAY, 8))
    services.run(at(MONDAY, 8, 30))
    assert graph_server.attempts == 1  # the first refusal stopped Facebook
    fb = db.session.scalars(db.select(Post).where(Post.network == "facebook")).all()
    assert not [p for p in fb if p.state == "published"]
    assert all(p.state == "queued" for p in fb if p.day == MONDAY and p.kind == "week")
    assert any(p.problem == "bad_token" and "190" in p.last_error for p in fb)
    li = db.session.scalars(db.select(Post).where(Post.network == "linkedin", Post.kind == "week")).all()
    assert {p.state for p in li} == {"published"}  # LinkedIn goes on
    told = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "posts_blocked")).all()
    assert sorted(m.to_email for m in told) == ["admin@cdm.example", "coord@cdm.example"]
    dutch = next(m for m in told if m.to_email == "coord@cdm.example")
    assert "Facebook" in dutch.subject and "token" in dutch.body_text and "/nl/staff/posts" in dutch.body_text
    login_as(coordinator)
    page = client.get("/nl/staff/posts").get_data(as_text=True)
    assert "Facebook heeft het token geweigerd" in page
    assert "Het netwerk heeft het token geweigerd: de berichten ernaartoe wachten tot het vervangen is." in page
    # A new token in the settings: Facebook goes again.
    graph_server.token = "fb-new-token"
    monkeypatch.setitem(app.config, "FACEBOOK_PAGE_TOKEN", "fb-new-token")
    services.run(at(MONDAY, 9))
    db.session.expire_all()
    assert {p.state for p in fb if p.kind == "week"} == {"published"}


def test_without_credentials_nothing_is_sent_and_posts_stay_in_the_preview(app, week, graph_server, login_as, client):
    assert not app.config.get("FACEBOOK_PAGE_TOKEN")
    result = services.run(at(MONDAY, 8))
    assert result["published"] == 0 and graph_server.attempts == 0
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.state == "queued")) >= 4
    login_as("coordinator")
    page = client.get("/fr/staff/posts").get_data(as_text=True)
    assert "Facebook\u00a0: les publications restent dans l’aperçu." in page
    assert "CV et lettre de motivation (débutants)" in page
    services.run(at(MONDAY + timedelta(days=1), 0, 1))  # the day is over
    post = db.session.scalars(db.select(Post).where(Post.kind == "week", Post.network == "facebook")).first()
    assert post.state == "skipped"


def test_posts_publish_twice_posts_once(app, networks, week, graph_server, linkedin_server):
    runner = app.test_cli_runner()
    day = (MONDAY + timedelta(days=1)).isoformat()
    first = runner.invoke(args=["posts", "publish", "--kind", "week", "--date", day])
    assert first.exit_code == 0, first.output
    assert first.output.count(": published") == 4
    again = runner.invoke(args=["posts", "publish", "--kind", "week", "--date", day])
    assert again.exit_code == 0, again.output
    assert graph_server.attempts == len(graph_server.posts) == 2
    assert linkedin_server.attempts == len(linkedin_server.posts) == 2
    assert "nothing new to publish" in again.output
    none = runner.invoke(args=["posts", "publish", "--kind", "day", "--date", MONDAY.isoformat()])
    assert "nothing queued" in none.output


def test_staff_edit_publish_now_and_skip(app, networks, week, graph_server, linkedin_server, login_as, client):
    services.run(at(MONDAY - timedelta(days=1), 9))  # Sunday: next week's posts are ready, none due
    login_as("coordinator")
    posts = {(p.network, p.language): p for p in db.session.scalars(db.select(Post).where(Post.kind == "week"))}
    page = client.get("/fr/staff/posts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Prochaines publications" in html and html.count('class="post-preview"') == 4
    fb_fr = posts[("facebook", "fr")]
    too_long = client.post(f"/fr/staff/posts/{posts[('linkedin', 'fr')].id}/edit", data={"text": "(x) " * 800})
    refusal = too_long.get_data(as_text=True)
    assert too_long.status_code == 400 and "3000" in re.sub(r"[\s\u202f\u00a0]", "", refusal)
    edited = client.post(f"/fr/staff/posts/{fb_fr.id}/edit", data={"text": "Notre semaine, écrite à la main."})
    assert edited.status_code == 303
    assert client.post(f"/fr/staff/posts/{fb_fr.id}/publish").status_code == 303
    assert graph_server.posts[-1]["message"] == "Notre semaine, écrite à la main."
    assert client.post(f"/fr/staff/posts/{posts[('facebook', 'nl')].id}/skip").status_code == 303
    db.session.expire_all()
    assert fb_fr.state == "published" and posts[("facebook", "nl")].state == "skipped"
    services.run(at(MONDAY, 8))
    assert len(graph_server.posts) == 1  # the skipped one never went
    history = client.get("/fr/staff/posts").get_data(as_text=True)
    assert fb_fr.url in history and "Ignorée par l’équipe." in history


def test_counsellors_and_partners_cannot_open_the_posts_page(login_as, client):
    login_as("counsellor")
    assert client.get("/fr/staff/posts").status_code == 403


@pytest.mark.parametrize("value, expected", [("monday 08:00", (0, time(8))), ("Tue 9:15", (1, time(9, 15))),
                                             ("07:45", (0, time(7, 45)))])
def test_posts_week_at_is_read(value, expected):
    assert services.week_at({"POSTS_WEEK_AT": value}) == expected


def test_a_wrong_setting_says_what_is_expected():
    with pytest.raises(ValueError, match="POSTS_DAY_AT"):
        services.day_at({"POSTS_DAY_AT": "25:00"})


def test_a_scheduler_that_lost_its_lease_changes_nothing_and_the_post_goes_once(networks, week, graph_server):
    services.run(at(MONDAY, 7))
    stale = services.claim_next("facebook", at(MONDAY, 8))
    post = db.session.get(Post, stale.id)
    assert post.state == "publishing"
    post.lease_until = post.lease_until - timedelta(hours=1)  # its scheduler died after the network took it
    db.session.flush()
    network = services.network_for("facebook", networks)
    network.publish(services.compose(post.kind, post.day, "facebook", post.language, since=at(MONDAY, 8)).text,
                    post.link)
    services.run(at(MONDAY, 8))
    db.session.expire_all()
    assert post.state == "published" and post.network_post_id is None  # the network's duplicate answer
    assert not services._mark(stale, state="failed", last_error="late")  # the fencing token is gone
    db.session.expire_all()
    assert post.state == "published"
    assert len(graph_server.posts) == 2  # French and Dutch, once each
