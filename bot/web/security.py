"""Safe by default: security headers on every answer, CSRF on every state-changing form and a
rate limit on the sign-in route."""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CSRF_FIELD = "csrf"


def add_security_headers(response: web.StreamResponse, https: bool) -> None:
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"


def csrf_ok(sent: str | None, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(str(sent), expected)


class RateLimit:
    """At most `per_minute` hits per key in any 60 seconds (kept in this process)."""

    def __init__(self, per_minute: int, now: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.now = now
        self.hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        moment = self.now()
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= moment - 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(moment)
        if len(self.hits) > 10_000:  # forget idle clients rather than grow without bound
            self.hits = {k: v for k, v in self.hits.items() if v and v[-1] > moment - 60}
        return True


def client_address(request: web.Request) -> str:
    """The client's address; behind a local reverse proxy, the one it forwards (X-Real-IP)."""
    remote = request.remote or ""
    if remote in ("127.0.0.1", "::1"):
        forwarded = request.headers.get("X-Real-IP", "").strip()
        if forwarded:
            return forwarded
    return remote
