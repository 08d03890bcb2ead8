"""What the page templates need besides app.i18n: labels, links in other languages, local times."""
from __future__ import annotations

from flask_babel import format_date

from app.public import bp
from app.public.helpers import DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS, LANGUAGE_NAMES, current_url_in, localized, query_with
from app.timeutil import to_local


@bp.app_template_filter("local_iso")
def local_iso(value) -> str:
    """An instant as ISO 8601 with its Brussels offset, for <time datetime>."""
    return to_local(value).isoformat(timespec="minutes")


def utc_offset(value) -> str:
    """The Brussels offset of an instant, such as UTC+1 in winter and UTC+2 in summer."""
    minutes = int(to_local(value).utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes >= 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


@bp.app_context_processor
def page_helpers() -> dict:
    return {
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
        "page_in": current_url_in,
        "page_with": query_with,
        "format_day": format_date,
        "localized_text": localized,
        "utc_offset": utc_offset,
        "format_label": lambda code: FORMAT_LABELS.get(code, code),
        "language_label": lambda code: DELIVERY_LANGUAGE_LABELS.get(code, code),
    }
