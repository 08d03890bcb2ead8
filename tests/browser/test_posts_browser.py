"""The posts page and the edit page in Chromium at 320 px and 1280 px: no horizontal scrolling, no
axe-core violation, the posts' lines kept; publishing one from the page reaches the fake Graph server."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.posts import services
from app.posts.models import Post
from app.timeutil import to_local
from tests.browser.support import AXE, IN_CI, MARKS
from tests.browser.test_partner_browser import axe_violations, log_in, readable
from tests.factories import world
from tests.fakes.fixtures import graph_server, linkedin_server, social_config  # noqa: F401
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()


@pytest.fixture
def w(app, monkeypatch, social_config):
    for name, value in social_config.items():
        if name.startswith("FACEBOOK") or name == "POSTS_HTTP_TIMEOUT":
            monkeypatch.setitem(app.config, name, value)  # LinkedIn has no credentials: its preview notice
    found = world()
    day = to_local(found["sess_a"].start_at).date()
    with unit_of_work():
        posts = services.queue_posts("day", day, found["sess_a"].start_at - timedelta(days=2))
        posts[0].state, posts[0].last_error = "retrying", "Facebook rate limit reached (code 613)"
        posts[0].problem = "rate_limited"
        history = services.queue_posts("week", day, found["sess_a"].start_at - timedelta(days=2))
        history[0].state, history[0].network_post_id = "published", "104512345678901_880001"
        history[0].url = "https://www.facebook.com/104512345678901/posts/880001"
        history[1].state, history[1].problem = "failed", "refused"
        history[1].last_error = "Facebook refused the post (code 100: Invalid parameter)"
        history[2].state, history[2].problem = "skipped", "skipped_by_staff"
    found["post"] = posts[1]
    return found


@pytest.fixture
def tab(browser):
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-BE")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("path", ["/fr/staff/posts", "/nl/staff/posts/{post}/edit"])
def test_the_posts_pages_read_at_this_width(tab, live_server, w, path, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci") if IN_CI else pytest.skip("axe-core is not installed (npm ci)")
    page = tab(width)
    log_in(page, live_server, w["coordinator"])
    response = page.goto(live_server + path.format(post=w["post"].id))
    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    violations = axe_violations(page)
    assert not violations, "axe-core found problems:\n" + readable(violations)
    if path == "/fr/staff/posts":
        preview = page.locator(".post-preview").first
        assert preview.inner_text().count("\n") >= 4  # its lines, as the network shows them
        assert page.get_by_text("LinkedIn\u00a0: les publications restent dans l’aperçu.").count() == 1


def test_publish_now_from_the_page(tab, live_server, w, graph_server):
    page = tab(1280)
    log_in(page, live_server, w["coordinator"])
    page.goto(live_server + "/fr/staff/posts")
    card = page.locator(f"#post-{w['post'].id}")
    card.get_by_role("button", name="Publier maintenant").click()
    page.wait_for_load_state()
    assert "Publiée sur Facebook." in page.locator("main").inner_text()
    assert len(graph_server.posts) == 1
    db.session.expire_all()
    assert db.session.get(Post, w["post"].id).state == "published"
