"""`/`: the calendar in the best of the visitor's languages."""
from __future__ import annotations

from flask import redirect, request, url_for

from app.i18n import negotiate
from app.web.blueprint import bp


@bp.get("/")
def root():
    """Send the visitor to the calendar in the best of their languages, keeping the query."""
    target = url_for("public.index", lang=negotiate())
    query = request.query_string.decode("utf-8", "replace")
    response = redirect(f"{target}?{query}" if query else target, 302)
    response.vary.add("Accept-Language")
    return response
