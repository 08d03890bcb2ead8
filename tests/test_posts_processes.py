"""Two schedulers, each a process of its own on the same PostgreSQL database, run the posts job under one
fixed clock: the week's post goes out once per network and language, on Monday at the set time."""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock
from multiprocessing import get_context

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.posts.models import Post
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.concurrency import run_post_scheduler
from tests.fakes.fixtures import graph_server, linkedin_server, social_config  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.committed]
MONDAY = f.monday_of(local_today()) + timedelta(days=14)


def at(day, hh, mm=0) -> datetime:
    return datetime.combine(day, clock(hh, mm), tzinfo=BRUSSELS)


def test_two_schedulers_post_the_week_once_per_network(postgres_only, database_url, social_config, graph_server,
                                                       linkedin_server):
    acts = [f.activity(slug) for slug in ("cv", "interview", "bilan")]
    with unit_of_work():
        for i, act in enumerate(acts):
            f.session_at(act, at(MONDAY + timedelta(days=i + 1), 10), minutes=90, capacity=12)
    settings = {**social_config, "POSTS_WEEK_AT": "monday 08:00", "POSTS_DAY_AT": "07:30",
                "BASE_URL": "https://agenda.example.be"}
    moments = [at(MONDAY, 7, 59).isoformat(), at(MONDAY, 8).isoformat(), at(MONDAY, 8, 1).isoformat()]
    start_at = time.time() + 4  # both start together, once their apps are built
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_post_scheduler, database_url, settings, moments, start_at) for _ in range(2)]
        runs = [future.result(timeout=180) for future in futures]
    assert all(result is not None for results in runs for result in results), runs  # no job failed
    assert sum(r["published"] for results in runs for r in results[:1]) == 0  # nothing before 08:00
    db.session.expire_all()
    posts = db.session.scalars(db.select(Post).where(Post.kind == "week")).all()
    assert sorted((p.network, p.language, p.state) for p in posts) == [
        ("facebook", "fr", "published"), ("facebook", "nl", "published"),
        ("linkedin", "fr", "published"), ("linkedin", "nl", "published")]
    assert all(p.attempts == 1 and p.network_post_id for p in posts)
    # Each network was asked once per post: no second attempt met a duplicate.
    assert graph_server.attempts == len(graph_server.posts) == 2
    assert linkedin_server.attempts == len(linkedin_server.posts) == 2
    assert sum(r["published"] for results in runs for r in results) == 4
