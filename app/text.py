"""Comparing what people type and read: without case or accents ("Épargne" sorts and matches as "epargne")."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` without case and accents, for sorting and searching in French, Dutch and English alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def file_name(title: str, suffix: str, extension: str) -> str:
    """A download's name from a title people read: "Écrire son CV" and 2026-03-04 give
    `ecrire-son-cv-2026-03-04.ics` (ASCII letters and digits, each run of others one dash)."""
    words = "".join(c if c.isascii() and c.isalnum() else "-" for c in fold(title))
    stem = "-".join(part for part in words.split("-") if part)[:60].strip("-") or "session"
    return f"{stem}-{suffix}.{extension}" if suffix else f"{stem}.{extension}"
