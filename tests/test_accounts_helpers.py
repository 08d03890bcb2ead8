"""Shared by the account tests (no tests here): one account per role, logging in through the page."""
from __future__ import annotations

import re

from app.accounts.services import create_user
from tests import factories as f

PASSWORD = "correct horse battery staple"


def make_users() -> dict:
    """admin, coordinator, counsellor, and a partner user for Actiris (A) and VDAB Brussel (B)."""
    a, b = f.partner("actiris"), f.partner("vdab-brussel")
    return {
        "admin": create_user("admin@example.be", "Admin Ada", "admin", password=PASSWORD),
        "coordinator": create_user("coordinator@example.be", "Coordinator Cleo", "coordinator", password=PASSWORD),
        "counsellor": create_user("counsellor@example.be", "Counsellor Colin", "counsellor", password=PASSWORD,
                                  language="nl"),
        "partner_a": create_user("a@actiris.example", "Partner Anna", "partner", password=PASSWORD, partner=a),
        "partner_b": create_user("b@vdab.example", "Partner Bram", "partner", password=PASSWORD, partner=b,
                                 language="nl"),
    }


def log_in(client, email: str, password: str = PASSWORD, next: str | None = None, ip: str = "127.0.0.1",
           lang: str = "en"):
    data = {"email": email, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(f"/{lang}/account/login", data=data, environ_base={"REMOTE_ADDR": ip})


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)


def home_path(app, lang: str = "en") -> str:
    """Where a login leads by default: the week of the centre when that page exists, else the home."""
    from flask import g

    from app.accounts.views import home_url

    with app.test_request_context():
        g.lang = lang
        return home_url()
