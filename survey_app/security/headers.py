"""Security headers on every response, error pages included."""

from __future__ import annotations

from flask import Response, request

# No inline script at all: survey pages work without JavaScript and the little
# progressive enhancement we have is served as a file from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Also sent with the static files, which WhiteNoise serves before the app (static_files.py).
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def apply_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.update(FIXED_HEADERS)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Every dynamic page shows answers or personal data; only our static files
    # (CSS, icons) may be cached.
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
