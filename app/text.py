"""Comparing what people type and read: without case or accents ("Épargne" sorts and matches as "epargne")."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` without case and accents, for sorting and searching in French, Dutch and English alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
