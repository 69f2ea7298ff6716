"""Signing in with a link from the bot, signing out, and the page for everyone else."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.web.app import SESSION_COOKIE, console_of, db, render, see_other, signed_in, signed_in_now
from bot.web.security import client_address


async def login(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    if not console.login_limit.allow(client_address(request)):
        return render(
            request,
            "problem.html",
            {
                "title": _("Too many tries"),
                "text": _("Too many sign-in tries from here. Wait a minute and try again."),
            },
            status=429,
        )
    signed = await console.sign_in(db(request)).sign_in(request.match_info["token"])
    if signed is None:
        return render(
            request,
            "problem.html",
            {
                "title": _("This link cannot be used"),
                "text": _(
                    "Sign-in links work once and only for a few minutes. "
                    "Send /web to the bot for a new one."
                ),
            },
            status=403,
        )
    signed_in_now(signed)
    # A page, not a redirect: the SameSite=Strict cookie is not sent on a redirect that began
    # on another site (the link is opened from Telegram); the next click is same-site.
    response = render(request, "signed_in.html", {})
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        httponly=True,
        samesite="Strict",
        secure=console.https,
        path="/",
    )
    return response


async def signin_needed(request: web.Request) -> web.StreamResponse:
    return render(request, "signin_needed.html", {"signed_out": "out" in request.query})


async def logout(request: web.Request) -> web.StreamResponse:
    signed = signed_in(request)
    await console_of(request).sign_in(db(request)).sign_out(signed.session_token, signed.person)
    response = see_other("/signin-needed?out=1")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login/{token}", login, name="login")
    app.router.add_get("/signin-needed", signin_needed, name="signin_needed")
    app.router.add_post("/logout", logout, name="logout")
