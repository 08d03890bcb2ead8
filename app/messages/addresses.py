"""What may be written into a mail header, and which addresses our mail server can deliver to.

The rule for addresses (the README's "Internationalised addresses"):

- a domain with non-ASCII letters (``exämple.be``) always works: it travels IDNA-encoded
  (``xn--exmple-cua.be``), which every mail server understands;
- letters outside ASCII before the @ (``jöhn@…``) need a server that offers SMTPUTF8. Such an address
  is accepted when ``SMTP_SMTPUTF8`` says the configured server offers it, refused with a clear
  message otherwise; a message to such an address that meets a server without SMTPUTF8 anyway is
  marked failed with that reason, never left to block the others.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

MESSAGE_ID_DOMAIN = "citedesmetiers.brussels"

# Whatever str.splitlines() and the mail standards break a line on, and the other control characters.
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def header_text(value: str) -> str:
    """`value` on one line: line and paragraph separators (CR, LF, NEL, U+2028, U+2029) and other
    control characters become single spaces, so a header can never be split or forged."""
    text = _BREAKS.sub(" ", str(value))
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in text)
    return re.sub(r" {2,}", " ", text).strip()


def new_message_id() -> str:
    """A Message-ID, fixed when the message is queued (a retry is the same message to mail clients)."""
    return f"<outbox.{secrets.token_hex(16)}@{MESSAGE_ID_DOMAIN}>"


LOCAL_PART_NOT_DELIVERABLE = _l("We cannot send e-mail to an address with accented or non-Latin letters before "
                                "the @. Please give another address.")


class LocalPartNotDeliverable(EmailNotValidError):
    """Letters outside ASCII before the @, and a mail server that does not take them (no SMTPUTF8)."""


def smtputf8_accepted() -> bool:
    return bool(current_app.config.get("SMTP_SMTPUTF8"))


def check_address(raw: str) -> str:
    """The address as it is written to (domain normalised); raises EmailNotValidError, or its
    subclass LocalPartNotDeliverable when the local part needs SMTPUTF8 and the server lacks it."""
    valid = validate_email(raw, check_deliverability=False)
    if valid.smtputf8 and not smtputf8_accepted():
        raise LocalPartNotDeliverable("letters outside ASCII before the @ need SMTPUTF8")
    return valid.normalized


@dataclass(frozen=True)
class Recipient:
    local_part: str
    ascii_domain: str
    needs_smtputf8: bool

    @property
    def address(self) -> str:
        """For the envelope and the header: the domain IDNA-encoded, the local part as written."""
        return f"{self.local_part}@{self.ascii_domain}"


def recipient(address: str) -> Recipient:
    """How to send to `address`; raises EmailNotValidError for one that cannot be sent at all."""
    valid = validate_email(address, check_deliverability=False)
    return Recipient(valid.local_part, valid.ascii_domain, bool(valid.smtputf8))
