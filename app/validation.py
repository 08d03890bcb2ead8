"""What people type, checked by one set of rules everywhere: names, e-mail addresses, texts, capacities.

The checks say what is wrong (a `Problem`); the words are the caller's, since its messages name the field
as its page or API shows it. The messages every caller shares are here too. A length is always checked
before any character is looked at, so a huge value costs nothing to refuse.
"""
from __future__ import annotations

import unicodedata
from enum import Enum

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

MAX_NAME = 120
MAX_EMAIL = 254  # the longest address SMTP carries
MAX_CODE = 40  # codes of the reference lists (audiences, themes)
MAX_CAPACITY = 10_000

# Never in a name or a line of text: control characters (NUL included: PostgreSQL refuses it), surrogates,
# format characters (among them the bidirectional embeddings, overrides and isolates, which turn the text
# around on screen) and the line and paragraph separators U+2028 and U+2029.
SINGLE_LINE_REFUSED = frozenset({"Cc", "Cs", "Cf", "Zl", "Zp"})
# A text of several lines keeps its line feeds and tabs (a carriage return is made a line feed first), and
# the format characters that join letters and emoji; the bidirectional controls are refused all the same.
MULTI_LINE_REFUSED = frozenset({"Cc", "Cs", "Zl", "Zp"})
MULTI_LINE_KEPT = frozenset("\n\t")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

NAME_TOO_LONG = _l("The name is too long (120 characters at most).")
NAME_BAD_CHARACTERS = _l("The name contains characters that cannot be used.")
CAPACITY_OUT_OF_RANGE = _l("The capacity must be a whole number from 1 to 10000.")


class Problem(Enum):
    MISSING = "missing"
    TOO_LONG = "too_long"
    BAD_CHARACTERS = "bad_characters"


def has_refused_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds a character that has no place in what people type (see above)."""
    if multiline:
        return any(c not in MULTI_LINE_KEPT and (unicodedata.category(c) in MULTI_LINE_REFUSED or c in BIDI_CONTROLS)
                   for c in text)
    return any(unicodedata.category(c) in SINGLE_LINE_REFUSED for c in text)


def normalise_newlines(text: str) -> str:
    """Line breaks as line feeds: CRLF (what browsers send) and a lone CR alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: object, *, multiline: bool = False) -> str:
    """A typed value as it is checked and stored: a string, trimmed, its line breaks made line feeds."""
    text = str(raw or "").strip()
    return normalise_newlines(text) if multiline else text


def text_problem(text: str, longest: int, *, multiline: bool = False, required: bool = False) -> Problem | None:
    """What is wrong with a cleaned text (see `clean_text`), or None: missing, too long, then bad characters."""
    if not text:
        return Problem.MISSING if required else None
    if len(text) > longest:
        return Problem.TOO_LONG
    if has_refused_characters(text, multiline=multiline):
        return Problem.BAD_CHARACTERS
    return None


def is_code(text: str, longest: int = MAX_CODE) -> bool:
    """Whether `text` may be looked up as a code: short and on one line (nothing else reaches the database)."""
    return text_problem(text, longest) is None


def name_error(name: str, missing_message):
    """The message for a person's cleaned name (see `clean_text`), or None when it is good."""
    problem = text_problem(name, MAX_NAME, required=True)
    return {Problem.MISSING: missing_message, Problem.TOO_LONG: NAME_TOO_LONG,
            Problem.BAD_CHARACTERS: NAME_BAD_CHARACTERS}.get(problem)


def normalise_email(raw: object) -> str:
    """The address as it is written to: trimmed, checked, its domain normalised; raises EmailNotValidError."""
    text = str(raw or "").strip()
    if len(text) > MAX_EMAIL:
        raise EmailNotValidError("The address is too long.")
    return validate_email(text, check_deliverability=False).normalized


def email_key(address: str) -> str:
    """The form of a normalised address that two writings of it share (compared for duplicates)."""
    return address.lower()


def is_whole_number(value: object, low: int, high: int) -> bool:
    """A true integer (not a boolean) from `low` to `high`."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def is_capacity(value: object) -> bool:
    return is_whole_number(value, 1, MAX_CAPACITY)
