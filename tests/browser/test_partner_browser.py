"""A partner proposes a session and a coordinator approves it, in Chromium; axe-core on the partner pages."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.extensions import db
from app.messages.models import OutboxMessage
from app.partners.models import SessionProposal
from app.timeutil import BRUSSELS, local_today
from tests.browser.support import AXE, MARKS, inject_axe
from tests.factories import PASSWORD, person, world
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()


@pytest.fixture
def new_tab(browser):
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def w():
    return world()


def log_in(tab, live_server: str, account, lang: str = "en") -> None:
    tab.goto(f"{live_server}/{lang}/account/login")
    tab.fill("input[name=email]", account.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form[action$='/account/login'] button[type=submit]")
    tab.wait_for_load_state()


def axe_violations(tab) -> list[dict]:
    inject_axe(tab)
    return tab.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


def test_a_partner_proposes_and_a_coordinator_approves(new_tab, live_server, w):
    partner = new_tab()
    log_in(partner, live_server, w["partner_a"])
    partner.goto(f"{live_server}/en/partner/propose")
    day = local_today() + timedelta(days=12)
    partner.select_option("select[name=activity]", label="Workshop cv-a (en)")
    partner.fill("input[name=day]", day.isoformat())
    partner.fill("input[name=start]", "09:30")
    partner.fill("input[name=end]", "11:00")
    partner.select_option("select[name=format]", "face_to_face")
    partner.select_option("select[name=venue]", label=w["venue"].name_fr)
    partner.select_option("select[name=room]", label=f"{w['venue'].name_fr} · Salle 2")
    partner.fill("input[name=capacity]", "15")
    partner.fill("textarea[name=note]", "<script>window.hacked = 1</script> Atelier CV pour les 18-25 ans")
    partner.click("form.register button[type=submit]")
    partner.wait_for_load_state()
    assert partner.url.endswith("/en/partner/proposals")
    assert partner.locator(".proposal-pending").count() == 1
    assert "<script>window.hacked" in partner.locator(".proposal .note").first.inner_text()
    assert partner.evaluate("window.hacked") is None

    coordinator = new_tab()
    log_in(coordinator, live_server, w["coordinator"])
    coordinator.goto(f"{live_server}/en/partner/proposals")
    item = coordinator.locator(".proposal-pending")
    assert "Workshop cv-a (en)" in item.inner_text()
    item.locator("textarea").fill("Welcome!")
    item.get_by_role("button", name="Approve").click()
    coordinator.wait_for_load_state()
    assert "approved" in coordinator.locator(".notice").first.inner_text()
    assert coordinator.locator(".proposal-approved").count() == 1

    db.session.expire_all()
    proposal = db.session.scalar(db.select(SessionProposal))
    assert proposal.status == "approved"
    session = proposal.created_session
    local = session.start_at.astimezone(BRUSSELS)
    assert (local.date(), local.hour, local.minute, session.capacity) == (day, 9, 30, 15)
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "proposal"))
    assert message.to_email == w["partner_a"].email and message.language == "fr"

    partner.goto(f"{live_server}/en/partner/proposals")
    partner.get_by_role("link", name="See the session").click()
    partner.wait_for_load_state()
    assert partner.get_by_role("heading", level=1).inner_text() == "Workshop cv-a (en)"


@pytest.mark.parametrize("who, path, width", [
    ("partner_a", "/en/partner/", 390),
    ("partner_a", "/fr/partner/sessions/{sess_a}", 1280),
    ("partner_a", "/en/partner/propose", 390),
    ("partner_a", "/en/partner/proposals", 1280),
    ("coordinator", "/en/partner/proposals", 390),
    ("partner_a", "/nl/partner/settings", 1280),
    ("admin", "/en/partner/", 1280),
])
def test_no_axe_violation_on_partner_pages(new_tab, live_server, w, who, path, width):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    person(w["sess_a"], "Alice <i>Aimée</i>", "alice@example.be")
    db.session.add(SessionProposal(
        partner_id=w["a"].id, proposer_id=w["partner_a"].id, activity_id=w["act_a"].id,
        start_at=w["start"] + timedelta(days=20), end_at=w["start"] + timedelta(days=20, hours=2), format="online",
        capacity=10, language="fr", note="Une note", status="pending"))
    db.session.commit()
    tab = new_tab(width=width)
    log_in(tab, live_server, w[who])
    tab.goto(live_server + path.format(sess_a=w["sess_a"].id))
    violations = axe_violations(tab)
    assert not violations, "axe-core found problems:\n" + readable(violations)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
