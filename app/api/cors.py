"""Cross-origin reading of the public API (the widget on other sites): `Access-Control-Allow-Origin: *`
on GET, HEAD and the preflight of the public endpoints, never with credentials. Registering, cancelling
and a registration's own answer stay same-origin."""
from __future__ import annotations

from flask import request

from app.api.blueprint import bp

PUBLIC_ENDPOINTS = frozenset({"api.sessions", "api.session", "api.themes", "api.audiences", "api.partners",
                              "api.openapi_document"})
READ_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Link"


@bp.after_request
def allow_cross_origin_reads(response):
    if request.endpoint not in PUBLIC_ENDPOINTS or request.method not in READ_METHODS:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    else:
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response
