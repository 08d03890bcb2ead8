"""The French and Dutch catalogues: every message of app/ translated, placeholders kept, compilable.

The messages are extracted here with Babel's own API and babel.cfg, as `pybabel extract` does, so a
string added anywhere in app/ without its translations makes these tests fail.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
CATALOGUES = APP / "translations"
TRANSLATED = ("fr", "nl")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}


def extract_messages() -> dict[tuple[str | tuple[str, ...], str | None], list[str]]:
    """Every translatable message of app/ (Python and templates), with where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(APP), method_map, options_map, keywords=KEYWORDS
    ):
        key = (message if isinstance(message, str) else tuple(message), context)
        found.setdefault(key, []).append(f"app/{filename}:{lineno}")
    return found


def read_catalogue(lang: str):
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def compile_catalogues(target: Path) -> Path:
    """Compile every catalogue under `target` (same layout as app/translations) and return it."""
    for lang in TRANSLATED:
        out = target / lang / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "messages.mo", "wb") as mo:
            write_mo(mo, read_catalogue(lang))
    return target


def ensure_compiled() -> None:
    """Compile the catalogues in place when a .mo is missing or older than its .po (they are not committed).

    The application loads them once per process, so pages tests call this before their first request.
    """
    for lang in TRANSLATED:
        folder = CATALOGUES / lang / "LC_MESSAGES"
        po, mo = folder / "messages.po", folder / "messages.mo"
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, read_catalogue(lang))
        os.replace(tmp, mo)


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not strings or not all(s and s.strip() for s in strings)


def test_extraction_finds_python_and_template_messages():
    found = extract_messages()
    places = {where.split(":")[0] for wheres in found.values() for where in wheres}
    assert any(p.endswith(".py") for p in places)
    assert any(p.endswith(".html") for p in places)
    assert ("Workshops and information sessions", None) in found


def test_template_of_messages_is_up_to_date():
    """app/translations/messages.pot holds every message (re-extract after adding strings)."""
    with open(CATALOGUES / "messages.pot", "rb") as pot:
        template = read_po(pot)
    missing = [f"{msgid!r} ({', '.join(where)})" for (msgid, ctx), where in extract_messages().items()
               if template.get(msgid, ctx) is None]
    assert not missing, "Not in messages.pot:\n" + "\n".join(missing)


def catalogue_problems(catalogue, messages: dict) -> list[str]:
    """What the catalogue lacks for these messages: missing, fuzzy or empty translations."""
    problems = []
    for (msgid, ctx), where in messages.items():
        message = catalogue.get(msgid, ctx)
        if message is None:
            problems.append(f"missing: {msgid!r} ({', '.join(where)})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif _untranslated(message):
            problems.append(f"empty: {msgid!r} ({', '.join(where)})")
    return problems


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang):
    problems = catalogue_problems(read_catalogue(lang), extract_messages())
    assert not problems, f"{lang} catalogue incomplete:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang):
    catalogue = read_catalogue(lang)
    problems = [f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in catalogue.check()]
    assert not problems, "\n".join(problems)
    assert not catalogue.fuzzy, "the catalogue header is marked fuzzy"


def test_compiled_catalogues_translate(tmp_path):
    compiled = compile_catalogues(tmp_path)
    french = Translations.load(str(compiled), ["fr"])
    dutch = Translations.load(str(compiled), ["nl"])
    assert french.gettext("Workshops and information sessions") == "Ateliers et séances d'information"
    assert dutch.gettext("Workshops and information sessions") == "Workshops en infosessies"
    assert dutch.ngettext("%(num)d seat left", "%(num)d seats left", 3) % {"num": 3} == "Nog 3 plaatsen vrij"


def test_the_check_fails_on_a_missing_empty_or_fuzzy_translation():
    title = ("Workshops and information sessions", None)
    messages = {title: ["app/templates/public/index.html:3"]}
    catalogue = read_catalogue("nl")
    assert catalogue_problems(catalogue, messages) == []
    messages[("A message nobody translated yet", None)] = ["app/example.py:1"]
    assert catalogue_problems(catalogue, messages) == ["missing: 'A message nobody translated yet' (app/example.py:1)"]
    del messages[("A message nobody translated yet", None)]
    catalogue.get(title[0]).string = ""
    assert catalogue_problems(catalogue, messages) == [
        "empty: 'Workshops and information sessions' (app/templates/public/index.html:3)"]
    catalogue.get(title[0]).string = "Workshops en infosessies"
    catalogue.get(title[0]).flags.add("fuzzy")
    assert catalogue_problems(catalogue, messages) == ["fuzzy: 'Workshops and information sessions'"]
