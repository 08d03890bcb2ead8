"""The Facebook and LinkedIn clients against servers that behave like the Graph and Posts APIs."""
from __future__ import annotations

import pytest

from app.integrations.linkedin import RESERVED, escape
from app.integrations.social import BadToken, DuplicatePost, PostFailed, RateLimited
from app.integrations.social_registry import NETWORKS, is_configured, network_for
from tests.fakes.fixtures import graph_server, linkedin_server, social_config  # noqa: F401
from tests.fakes.linkedin import little_text

EVERY_RESERVED = "10:00 (Brussels time) [CV] {x} <b> #jobs *new* _under_ ~tilde~ a|b a@b.be back\\slash"


@pytest.fixture
def facebook(social_config):
    return network_for("facebook", social_config)


@pytest.fixture
def linkedin(social_config):
    return network_for("linkedin", social_config)


def test_facebook_posts_the_message_and_its_link_with_the_page_token(facebook, graph_server):
    published = facebook.publish("Nos ateliers de la semaine", "https://cdm.example/fr/")
    call = graph_server.calls("POST", "/feed")[0]
    assert call.path == f"/{graph_server.page_id}/feed"
    assert call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert call.form == {"message": "Nos ateliers de la semaine", "link": "https://cdm.example/fr/",
                         "access_token": graph_server.token}
    assert published.post_id == graph_server.posts[0]["id"]
    page, post = published.post_id.split("_")
    assert published.url == f"https://www.facebook.com/{page}/posts/{post}"


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_facebook_rate_limit_codes_are_rate_limits_with_the_hint(facebook, graph_server, code):
    graph_server.rate_limit(1, code=code, retry_after=120)
    with pytest.raises(RateLimited) as caught:
        facebook.publish("texte")
    assert caught.value.retry_after == 120 and caught.value.code == code
    assert facebook.publish("texte").post_id  # the limit lifted


def test_facebook_duplicate_and_bad_token(facebook, graph_server):
    facebook.publish("même texte")
    with pytest.raises(DuplicatePost):
        facebook.publish("même texte")
    graph_server.revoke()
    with pytest.raises(BadToken) as caught:
        facebook.publish("autre texte")
    assert "190" in caught.value.reason


def test_facebook_other_errors_and_no_answer(facebook, graph_server, social_config):
    graph_server.answer_next(400, {"error": {"message": "Invalid parameter", "type": "OAuthException",
                                             "code": 100, "fbtrace_id": "x"}})
    with pytest.raises(PostFailed) as caught:
        facebook.publish("texte")
    assert caught.value.temporary is False
    graph_server.answer_next(500, "<html>oops</html>")
    with pytest.raises(PostFailed) as caught:
        facebook.publish("texte")
    assert caught.value.temporary is True
    gone = network_for("facebook", {**social_config, "FACEBOOK_GRAPH_URL": "http://127.0.0.1:9"})
    with pytest.raises(PostFailed) as caught:
        gone.publish("texte")
    assert caught.value.temporary is True


def test_linkedin_posts_an_organisation_post_with_the_right_headers(linkedin, linkedin_server):
    published = linkedin.publish("Onze workshops", "https://cdm.example/nl/")
    call = linkedin_server.calls("POST", "/posts")[0]
    assert call.headers["Authorization"] == f"Bearer {linkedin_server.token}"
    assert call.headers["Linkedin-Version"] == "202611"
    assert call.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert call.json == {
        "author": f"urn:li:organization:{linkedin_server.organization_id}",
        "commentary": "Onze workshops\nhttps://cdm.example/nl/",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
    }
    assert published.post_id == linkedin_server.posts[0]["id"]
    assert published.url == f"https://www.linkedin.com/feed/update/{published.post_id}/"


def test_the_fake_cuts_an_unescaped_text_as_linkedin_does():
    assert little_text("10:00 (Brussels time)") == "10:00 "
    assert little_text(escape("10:00 (Brussels time)")) == "10:00 (Brussels time)"


def test_linkedin_text_arrives_whole_every_reserved_character_escaped(linkedin, linkedin_server):
    assert set(EVERY_RESERVED) >= RESERVED
    linkedin.publish(EVERY_RESERVED, "https://cdm.example/fr/sessions/1_a")
    assert linkedin_server.posts[0]["shown"] == EVERY_RESERVED + "\nhttps://cdm.example/fr/sessions/1_a"


def test_linkedin_counts_escapes_in_its_length(linkedin):
    assert linkedin.length("a(b)") == 6 and linkedin.max_length == 3000


def test_linkedin_errors(linkedin, linkedin_server, social_config):
    linkedin_server.rate_limit(1, retry_after=30)
    with pytest.raises(RateLimited) as caught:
        linkedin.publish("texte")
    assert caught.value.retry_after == 30
    linkedin.publish("texte")
    with pytest.raises(DuplicatePost):
        linkedin.publish("texte")
    old = network_for("linkedin", {**social_config, "LINKEDIN_VERSION": "201901"})
    with pytest.raises(PostFailed) as caught:
        old.publish("autre")
    assert "426" in caught.value.reason and caught.value.temporary is False
    linkedin_server.revoke()
    with pytest.raises(BadToken):
        linkedin.publish("autre")


def test_a_network_without_its_settings_is_not_configured(social_config):
    assert all(is_configured(name, social_config) for name in NETWORKS)
    assert not is_configured("facebook", {**social_config, "FACEBOOK_PAGE_TOKEN": None})
    with pytest.raises(ValueError):
        network_for("linkedin", {**social_config, "LINKEDIN_TOKEN": ""})
