"""Security headers and caching of every answer, through Flask-Talisman.

- Content-Security-Policy: scripts, styles, fonts and frames from this site only; no inline script and
  no inline style attribute in pages (e-mails keep theirs: they are not pages); images from this site
  and `data:` (the check-in QR code); `fetch` to this site (the attendance sheet); no plug-ins.
- X-Content-Type-Options: nosniff.
- Framing refused (`frame-ancestors 'none'` and X-Frame-Options: DENY); a view meant to be shown
  inside other sites (the coming `/embed/<lang>/` pages) is marked with `embeddable`.
- Referrer-Policy: `no-referrer` on every address that holds a token (a registration's pages and
  feed, the join and check-in links, the password reset link), so that a link followed from such a
  page never carries the token to another site; `strict-origin-when-cross-origin` elsewhere.
- Strict-Transport-Security only when served over HTTPS: the request is (ProxyFix reads the trusted
  proxy's X-Forwarded-Proto) or the public address (BASE_URL) is https.
- Cache-Control: no-store on what holds personal data: token addresses, the back-office, the API's
  registration answers, answers to a form, and any page shown to someone logged in; an answer that
  says `private` itself keeps its own (the feeds of one's own: kept by the calendar app only, and
  revalidated with their ETag).

Talisman does not redirect to HTTPS (the reverse proxy does) and leaves the cookies' settings to
config.py.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "strict-origin-when-cross-origin"
TOKEN_REFERRER_POLICY = "no-referrer"

# Blueprints whose every answer is for one person: the back-office, and a registration's own pages.
PRIVATE_BLUEPRINTS = frozenset({"accounts", "staff", "partners", "closures", "attendance", "videorooms",
                                "registrations"})
PRIVATE_ENDPOINTS = frozenset({"api.register", "api.registration", "api.cancel"})


def url_holds_token() -> bool:
    rule = request.url_rule
    return rule is not None and "token" in rule.arguments


def is_private() -> bool:
    """Whether this answer may hold personal data, and so must never be stored by a cache."""
    if url_holds_token() or request.blueprint in PRIVATE_BLUEPRINTS or request.endpoint in PRIVATE_ENDPOINTS:
        return True
    if request.method not in ("GET", "HEAD"):
        return True
    user = g.get("_login_user")  # only when the request loaded its account: no query for this
    return bool(user is not None and user.is_authenticated)


def served_over_https() -> bool:
    return request.is_secure or str(current_app.config.get("BASE_URL", "")).startswith("https://")


class SecurityHeaders(Talisman):
    """Talisman, with the choices above that its options do not cover: the referrer policy of token
    addresses, HSTS from the public address too, and no-store on personal answers. Created unbound in
    app.extensions, bound in create_app by `bind`."""

    def _set_response_headers(self, response):
        response = super()._set_response_headers(response)
        own = response.headers.get("Cache-Control") or ""
        if is_private() and "no-store" not in own and not own.startswith("private"):
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def _set_referrer_policy_headers(self, headers):
        headers["Referrer-Policy"] = TOKEN_REFERRER_POLICY if url_holds_token() else self.referrer_policy

    def _set_hsts_headers(self, headers):
        if not served_over_https():
            return
        value = f"max-age={self.strict_transport_security_max_age}"
        if self.strict_transport_security_include_subdomains:
            value += "; includeSubDomains"
        headers["Strict-Transport-Security"] = value


def bind(app: Flask, headers: SecurityHeaders) -> None:
    headers.init_app(
        app,
        force_https=False,  # the reverse proxy redirects to HTTPS
        session_cookie_secure=False,  # config.py: secure when BASE_URL is https
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy=REFERRER_POLICY,
        strict_transport_security_include_subdomains=False,  # other services of the domain are not ours
        permissions_policy={"browsing-topics": "()", "camera": "(self)", "microphone": "()", "geolocation": "()"},
    )


def embeddable(headers: SecurityHeaders, view, ancestors: str = "*"):
    """Mark a view meant to be shown inside other sites (the coming /embed/<lang>/ pages): it may be framed
    by `ancestors` (a CSP source list), everything else of the policy stays. `headers` is the instance of
    app.extensions."""
    return headers(frame_options=None, content_security_policy={**CSP, "frame-ancestors": ancestors})(view)
