"""The check-in link of a registration and its QR code, as e-mails carry them."""
from __future__ import annotations

import base64
import io

import segno
from flask import current_app

from app.registrations.models import Registration

CHECKIN_KINDS = ("confirmation", "promotion", "reminder")


def checkin_url(registration: Registration) -> str:
    return f"{current_app.config['BASE_URL']}/{registration.language}/checkin/{registration.token}"


SCALE, BORDER = 5, 4
# A fixed mask pattern: any of the eight reads the same, and choosing the "best" one costs five times
# the rest, inside the registration's lock.
MASK = 2


def qr_code(text: str):
    return segno.make(text, error="m", micro=False, mask=MASK)


def qr_png(text: str) -> tuple[bytes, int]:
    """The PNG of the QR code of `text`, and its width in pixels."""
    code, out = qr_code(text), io.BytesIO()
    code.save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue(), code.symbol_size(scale=SCALE, border=BORDER)[0]


def qr_svg(text: str, title: str) -> str:
    """The QR code of `text` as an inline SVG element (a page shows it without loading anything)."""
    return qr_code(text).svg_inline(scale=SCALE, border=BORDER, title=title, svgclass="checkin-qr")


def qr_data_uri(text: str) -> tuple[str, int]:
    png, size = qr_png(text)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii"), size


def checkin_for_message(kind: str, registration: Registration) -> dict | None:
    """{url, qr} for the messages of someone with a seat; None for the others."""
    if kind not in CHECKIN_KINDS or registration.status != "confirmed":
        return None
    url = checkin_url(registration)
    qr, size = qr_data_uri(url)
    return {"url": url, "qr": qr, "size": size}
