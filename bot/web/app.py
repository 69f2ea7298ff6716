"""The console's aiohttp application: one database session, the signed-in person and their
language per request; security headers, CSRF and sign-in checks in one place."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiogram.utils.i18n import gettext as _
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services.access import AccessService
from bot.web.security import (
    CSRF_FIELD,
    Handler,
    RateLimit,
    add_security_headers,
    csrf_ok,
)
from bot.web.sign_in import ConsoleSignIn, SignedIn

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "fremad_session"
# Pages anyone may open: signing in, the page that says how, the stylesheet and script.
PUBLIC_ROUTES = frozenset({"login", "signin_needed", "static"})


@dataclass
class Console:
    app: App
    base_url: str
    login_limit: RateLimit

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    def sign_in(self, session: AsyncSession) -> ConsoleSignIn:
        settings = self.app.settings
        return ConsoleSignIn(
            session, self.app.clock, settings.web_link_minutes, settings.web_session_idle_hours
        )


CONSOLE = web.AppKey("fremad_console", Console)


@dataclass
class RequestState:
    """What one request carries: its database session, who is signed in, their language."""

    db: AsyncSession
    signed: SignedIn | None
    locale: str


# Set by the middleware for the request being handled (each request runs in its own context).
_REQUEST: ContextVar[RequestState] = ContextVar("fremad_console_request")


def console_of(request: web.Request) -> Console:
    return request.app[CONSOLE]


def db(request: web.Request) -> AsyncSession:
    return _REQUEST.get().db


def signed_in(request: web.Request) -> SignedIn:
    """The signed-in person (every non-public route has one: the middleware made sure)."""
    signed = _REQUEST.get().signed
    assert signed is not None, "a public route asked for the signed-in person"
    return signed


def locale_of(request: web.Request) -> str:
    return _REQUEST.get().locale


def access(request: web.Request) -> AccessService:
    return AccessService(db(request), console_of(request).app.clock)


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    state = _REQUEST.get()
    signed = state.signed
    values = {
        "me": signed.person if signed else None,
        "csrf": signed.csrf if signed else "",
        "csrf_field": CSRF_FIELD,
        "locale": state.locale,
        **context,
    }
    return aiohttp_jinja2.render_template(template, request, values, status=status)


def see_other(location: str) -> web.Response:
    """303: after a form, the browser loads `location` with GET (a reload resends nothing)."""
    return web.Response(status=303, headers={"Location": location})


def not_found(request: web.Request) -> web.Response:
    return render(
        request,
        "problem.html",
        {
            "title": _("Not found"),
            "text": _(
                "There is nothing here for you. It may belong to another mentor's young person."
            ),
        },
        status=404,
    )


def staff_only(handler: Handler) -> Handler:
    """Staff pages: anyone else gets 403, and the try is in the audit log."""

    async def checked(request: web.Request) -> web.StreamResponse:
        person = signed_in(request).person
        if not person.is_staff:
            await access(request).refuse(person, "web_staff_page", request.path[:64])
            return render(
                request,
                "problem.html",
                {"title": _("Staff only"), "text": _("This page is for staff members.")},
                status=403,
            )
        return await handler(request)

    return checked


def _locale(request: web.Request, signed: SignedIn | None, default: str) -> str:
    if signed is not None and signed.person.locale in ("da", "en"):
        return str(signed.person.locale)
    wanted = request.headers.get("Accept-Language", "")[:2].lower()
    return wanted if wanted in ("da", "en") else default


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(exc, console_of(request).https)
        raise
    add_security_headers(response, console_of(request).https)
    return response


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A database session, the signed-in person (or the "open /web in the bot" page) and the
    language for this request; then the CSRF check on anything that changes state."""
    console = console_of(request)
    route = request.match_info.route.name
    async with console.app.sessionmaker() as session:
        token = request.cookies.get(SESSION_COOKIE)
        signed = await console.sign_in(session).resume(token) if token else None
        locale = _locale(request, signed, console.app.settings.default_locale)
        state = RequestState(session, signed, locale)
        i18n = console.app.i18n
        with i18n.context(), i18n.use_locale(locale), _request_state(state):
            if signed is None and route not in PUBLIC_ROUTES:
                raise web.HTTPSeeOther("/signin-needed")
            if request.method not in ("GET", "HEAD") and route != "login":
                form = await request.post()
                if signed is None or not csrf_ok(form.get(CSRF_FIELD), signed.csrf):  # type: ignore[arg-type]
                    return render(
                        request,
                        "problem.html",
                        {
                            "title": _("Form expired"),
                            "text": _(
                                "This form is too old or did not come from the console. "
                                "Go back, reload the page and try again."
                            ),
                        },
                        status=403,
                    )
            return await handler(request)


@contextmanager
def _request_state(state: RequestState) -> Iterator[None]:
    token = _REQUEST.set(state)
    try:
        yield
    finally:
        _REQUEST.reset(token)


def signed_in_now(signed: SignedIn) -> None:
    """After sign-in: the rest of this request (its page) is the signed-in person's."""
    _REQUEST.get().signed = signed


def _gettext(i18n_gettext: Callable[[str], str]) -> Callable[..., str]:
    def translate(msgid: str, **values: object) -> str:
        text = i18n_gettext(msgid)
        return text.format(**values) if values else text

    return translate


def create_console(app: App) -> web.Application:
    """The console for this App; raises ConfigError on a missing or non-https WEB_BASE_URL."""
    from bot.web import auth, mentor_pages, staff_people, staff_scripts
    from bot.web.page_texts import register_filters

    base = app.settings.web_console_url()
    web_app = web.Application(
        middlewares=[security_headers, request_context], client_max_size=1024 * 1024
    )
    web_app[CONSOLE] = Console(app, base, RateLimit(app.settings.web_login_per_minute))
    env = aiohttp_jinja2.setup(
        web_app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    register_filters(env)
    env.globals["_"] = _gettext(lambda msgid: app.i18n.gettext(msgid))
    env.globals["ngettext"] = lambda one, many, n, **values: app.i18n.gettext(one, many, n).format(
        n=n, **values
    )
    auth.add_routes(web_app)
    mentor_pages.add_routes(web_app)
    staff_scripts.add_routes(web_app)
    staff_people.add_routes(web_app)
    web_app.router.add_static("/static", STATIC_DIR, name="static")
    return web_app


async def start_console(app: App) -> web.AppRunner | None:
    """The console on WEB_HOST:WEB_PORT in this process, or None when WEB_PORT is unset."""
    port = app.settings.web_port
    if port is None:
        return None
    runner = web.AppRunner(create_console(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, app.settings.web_host, port).start()
    log.info("web console on %s:%s", app.settings.web_host, port)
    return runner
