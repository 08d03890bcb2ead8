"""Pytest fixtures for the fake API servers: import them into a test module, e.g.

    from tests.fakes.fixtures import whereby_server, google_server  # noqa: F401

Each fixture starts a fresh server on a free port of 127.0.0.1 for one test and stops it after.
``rooms_config`` gives the settings (by their environment names) pointing every room provider at
the fakes, with a short time-out.
"""
from __future__ import annotations

import pytest

from .google import FakeGoogle
from .graph import FakeGraph
from .linkedin import FakeLinkedIn
from .whereby import FakeWhereby

TEST_TIMEOUT = 0.3


@pytest.fixture
def whereby_server():
    with FakeWhereby() as server:
        yield server


@pytest.fixture
def google_server():
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def rooms_config(whereby_server, google_server):
    return {
        "ROOMS_HTTP_TIMEOUT": TEST_TIMEOUT,
        "JITSI_BASE_URL": "https://jitsi.example.org",
        "WHEREBY_API_URL": whereby_server.url,
        "WHEREBY_API_KEY": whereby_server.api_key,
        "GOOGLE_TOKEN_URL": google_server.token_url,
        "GOOGLE_CALENDAR_API_URL": google_server.calendar_api_url,
        "GOOGLE_CLIENT_ID": google_server.client_id,
        "GOOGLE_CLIENT_SECRET": google_server.client_secret,
        "GOOGLE_REFRESH_TOKEN": google_server.refresh_token,
        "GOOGLE_CALENDAR_ID": "primary",
    }


@pytest.fixture
def graph_server():
    with FakeGraph() as server:
        yield server


@pytest.fixture
def linkedin_server():
    with FakeLinkedIn() as server:
        yield server


@pytest.fixture
def social_config(graph_server, linkedin_server):
    """The settings (by their environment names) pointing both networks at the fakes."""
    return {
        "POSTS_HTTP_TIMEOUT": 2,
        "FACEBOOK_GRAPH_URL": graph_server.url,
        "FACEBOOK_PAGE_ID": graph_server.page_id,
        "FACEBOOK_PAGE_TOKEN": graph_server.token,
        "LINKEDIN_API_URL": linkedin_server.url,
        "LINKEDIN_VERSION": "202611",
        "LINKEDIN_ORGANIZATION_ID": linkedin_server.organization_id,
        "LINKEDIN_TOKEN": linkedin_server.token,
    }
