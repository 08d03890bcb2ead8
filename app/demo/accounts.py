"""Demo accounts, one per role, for trying the back-office. Only the demo creates them.

Each password is generated when its account is created and printed in the demo's summary, that once.
A later run keeps existing accounts as they are (their password too) and says so: nothing is reset."""
from __future__ import annotations

import secrets

from app.accounts.models import User
from app.accounts.services import create_user
from app.calendar.models import Partner
from app.extensions import db

DOMAIN = "demo.cdm.brussels"
# e-mail, name, role, partner slug, language
ACCOUNTS = (
    (f"admin@{DOMAIN}", "Demo Admin", "admin", None, "fr"),
    (f"coordinator@{DOMAIN}", "Demo Coordinator", "coordinator", None, "fr"),
    (f"counsellor@{DOMAIN}", "Demo Counsellor", "counsellor", None, "nl"),
    (f"partner-actiris@{DOMAIN}", "Demo Actiris", "partner", "actiris", "fr"),
    (f"partner-vdab@{DOMAIN}", "Demo VDAB Brussel", "partner", "vdab-brussel", "nl"),
)


def load_demo_accounts() -> list[str]:
    """Create the missing demo accounts; one summary line per account."""
    lines = []
    for email, name, role, partner_slug, language in ACCOUNTS:
        if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
            lines.append(f"Demo account {email} ({role}): exists already, password unchanged.")
            continue
        partner = db.session.scalar(db.select(Partner).where(Partner.slug == partner_slug)) if partner_slug else None
        if partner_slug and partner is None:
            lines.append(f"Demo account {email}: skipped, partner {partner_slug} missing.")
            continue
        password = secrets.token_urlsafe(12)
        create_user(email, name, role, password=password, partner=partner, language=language)
        lines.append(f"Demo account {email} ({role}): password {password}")
    return lines
