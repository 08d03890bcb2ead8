"""A registration whose address's feed row is being made by another transaction at the same moment (the
same person registering for two sessions at once): on PostgreSQL the aggregate read that makes the row
waits for the other, finds it made meanwhile, and reads it; the answer links the feed that exists."""
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.feeds.links import person_feed_url
from app.feeds.models import PersonFeed
from app.registrations.services import register
from tests import factories as f
from tests.concurrency import hold_new_feed_row

pytestmark = [pytest.mark.slow, pytest.mark.committed]


def test_a_feed_row_made_meanwhile_by_another_transaction_is_the_one_linked(postgres_only, database_url):
    session_id = f.online_session(capacity=5).id
    begin = time.time() + 3  # the other process has built its app by then
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        holding = pool.submit(hold_new_feed_row, database_url, "twice@example.be", begin, 1.5)
        time.sleep(max(0.0, begin + 0.5 - time.time()))  # the other holds its new row, not committed yet
        waited = time.monotonic()
        with unit_of_work():
            registration, created = register(session_id, {"name": "Twice", "email": "twice@example.be",
                                                          "language": "fr", "consent": True})
            linked = registration.known_feed_nonce
        waited = time.monotonic() - waited
        theirs = holding.result(timeout=120)
    assert created and registration.status == "confirmed"
    assert theirs is not None and waited > 0.5  # the row was the other's, and this one waited for it
    assert linked == theirs
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(PersonFeed.id))) == 1
    assert person_feed_url("twice@example.be", "fr", create=False).endswith(
        person_feed_url("twice@example.be", "fr", nonce=theirs).rsplit("/", 1)[1])
