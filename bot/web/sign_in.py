"""Sign-in to the web console: no passwords, a link from the bot.

The rules, in plain words:
- `/web` in the bot gives a mentor or staff member (roles read from the database) a link that
  works once, for WEB_LINK_MINUTES (10). Young people have no console.
- Opening the link starts a session; the session ends after WEB_SESSION_IDLE_HOURS (12) without
  use, or at sign-out. A person who lost the mentor and staff roles is signed out.
- Only hashes of the tokens are stored. The CSRF token of a session is derived from the session
  token (HMAC), so it needs no storage and an attacker without the cookie cannot compute it.
- Every sign-in link made, every sign-in and every refused link is in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Person
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.web import WebSignInRepository

# The idle clock restarts at most this often (the expiry is in hours; a minute is no matter).
SEEN_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode("utf-8"), b"fremad-csrf", hashlib.sha256).hexdigest()


def may_use_console(person: Person | None) -> bool:
    return person is not None and person.left_at is None and (person.is_mentor or person.is_staff)


@dataclass(frozen=True)
class SignedIn:
    person: Person
    session_token: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_token)


class ConsoleSignIn:
    def __init__(
        self, session: AsyncSession, clock: Clock, link_minutes: int, idle_hours: int
    ) -> None:
        self.session = session
        self.clock = clock
        self.link_minutes = link_minutes
        self.idle_hours = idle_hours
        self.repo = WebSignInRepository(session)
        self.audit = AuditRepository(session)

    async def new_link_token(self, person: Person) -> str | None:
        """A fresh single-use token for `person`, or None (refused and audited) when they are
        not a mentor or staff member."""
        now = self.clock.now()
        if not may_use_console(person):
            await self.audit.add("access.denied", now, actor_id=person.id, what="web_console")
            await self.session.commit()
            return None
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(minutes=self.link_minutes)
        await self.repo.add_link(person.id, token_hash(token), now, expires)
        await self.repo.forget_before(now - timedelta(days=2))
        await self.audit.add("web.link_sent", now, actor_id=person.id)
        await self.session.commit()
        return token

    async def sign_in(self, link_token: str) -> SignedIn | None:
        """Uses the link once and starts a session; None for a used, expired or unknown link,
        or a person who may no longer use the console."""
        now = self.clock.now()
        link = await self.repo.use_link(token_hash(link_token), now)
        person = await PeopleRepository(self.session).by_id(link.person_id) if link else None
        if link is None or not may_use_console(person):
            await self.audit.add(
                "access.denied",
                now,
                actor_id=person.id if person else None,
                what="web_login_link",
            )
            await self.session.commit()
            return None
        assert person is not None
        session_token = secrets.token_urlsafe(32)
        await self.repo.add_session(person.id, token_hash(session_token), now)
        await self.audit.add("web.signed_in", now, actor_id=person.id)
        await self.session.commit()
        return SignedIn(person, session_token)

    async def resume(self, session_token: str) -> SignedIn | None:
        """The signed-in person of a live session (and the session's idle clock restarts)."""
        now = self.clock.now()
        row = await self.repo.live_session(
            token_hash(session_token), now - timedelta(hours=self.idle_hours)
        )
        if row is None:
            return None
        person = await PeopleRepository(self.session).by_id(row.person_id)
        if not may_use_console(person):
            return None
        assert person is not None
        if now - row.last_seen_at >= SEEN_EVERY:  # a write per minute, not per page
            row.last_seen_at = now
            await self.session.commit()
        return SignedIn(person, session_token)

    async def sign_out(self, session_token: str, person: Person) -> None:
        now = self.clock.now()
        await self.repo.end_session(token_hash(session_token), now)
        await self.audit.add("web.signed_out", now, actor_id=person.id)
        await self.session.commit()
