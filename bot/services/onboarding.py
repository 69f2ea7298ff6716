"""Onboarding: invites give roles; `/start <code>` → language → consent → (youth) time → welcome.

Nothing is stored about someone whose code is wrong. A person row is created only when they
accept the consent screen, in the same transaction that uses the invite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services import invite_codes
from bot.services.checkin_schedule import next_checkin_day, parse_schedule
from storage.models import Invite, Person, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.consents import ConsentsRepository
from storage.repositories.invites import InvitesRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.youth_settings import YouthSettingsRepository

# Bump when the consent text changes: the version shown is stored with each consent.
CONSENT_TEXT_VERSION = "consent-2026-11-v1"


class CodeProblem(StrEnum):
    MISSING = "missing"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CodeCheck:
    invite: Invite | None
    problem: CodeProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class InviteError(Exception):
    """A request for an invite that cannot be made; the message says why."""


class OnboardingService:
    def __init__(self, session: AsyncSession, clock: Clock, invite_ttl_hours: int = 72) -> None:
        self.session = session
        self.clock = clock
        self.invite_ttl = timedelta(hours=invite_ttl_hours)
        self.people = PeopleRepository(session)
        self.invites = InvitesRepository(session)
        self.consents = ConsentsRepository(session)
        self.audit = AuditRepository(session)

    async def create_invite(
        self,
        role: Role,
        *,
        mentor_telegram_id: int | None = None,
        name: str | None = None,
        created_by: Person | None = None,
    ) -> Invite:
        """Creates a single-use invite. A youth invite names the mentor who will follow them."""
        now = self.clock.now()
        mentor_id: int | None = None
        if mentor_telegram_id is not None:
            if role is not Role.YOUTH:
                raise InviteError("--mentor only goes with a youth invite.")
            mentor = await self.people.by_telegram_id(mentor_telegram_id)
            if mentor is None or not mentor.is_mentor:
                raise InviteError(
                    f"No mentor with Telegram id {mentor_telegram_id}: invite the mentor first."
                )
            mentor_id = mentor.id
        elif role is Role.YOUTH and created_by is not None and created_by.is_mentor:
            mentor_id = created_by.id
        invite = Invite(
            code=invite_codes.new_code(),
            role=role.value,
            mentor_id=mentor_id,
            created_by_id=created_by.id if created_by else None,
            name=(name or "").strip()[:64] or None,
            created_at=now,
            expires_at=now + self.invite_ttl,
        )
        await self.invites.add(invite)
        await self.audit.add(
            "invite.created",
            now,
            actor_id=created_by.id if created_by else None,
            role=role.value,
            invite_id=invite.id,
        )
        await self.session.commit()
        return invite

    async def check_code(self, raw_code: str | None) -> CodeCheck:
        if not raw_code or not raw_code.strip():
            return CodeCheck(None, CodeProblem.MISSING)
        code = invite_codes.normalise(raw_code)
        invite = await self.invites.by_code(code) if invite_codes.looks_like_code(code) else None
        if invite is None:
            return CodeCheck(None, CodeProblem.UNKNOWN)
        if invite.used_at is not None:
            return CodeCheck(invite, CodeProblem.USED)
        if invite.expires_at <= self.clock.now():
            return CodeCheck(invite, CodeProblem.EXPIRED)
        return CodeCheck(invite, None)

    async def accept(
        self, telegram_id: int, telegram_first_name: str, raw_code: str, locale: str
    ) -> tuple[Person, Role] | CodeProblem:
        """Consent given: creates or extends the person, uses the invite, records the consent."""
        check = await self.check_code(raw_code)
        if check.invite is None or check.problem is not None:
            return check.problem or CodeProblem.UNKNOWN
        invite = check.invite
        now = self.clock.now()
        role = Role(invite.role)
        person = await self.people.by_telegram_id(telegram_id)
        if person is None:
            first_name = invite.name or telegram_first_name
            person = await self.people.create(telegram_id, first_name.strip()[:64], now)
        if not await self.invites.mark_used(invite.id, person.id, now):
            await self.session.rollback()
            return CodeProblem.USED
        self.people.grant(person, role)
        person.locale = locale
        await self.consents.record(person.id, CONSENT_TEXT_VERSION, locale, now)
        if role is Role.YOUTH:
            await YouthSettingsRepository(self.session).get_or_create(person.id, now)
            if invite.mentor_id is not None:
                await self.people.link_mentor(person.id, invite.mentor_id, now)
        else:
            person.onboarded_at = person.onboarded_at or now
        await self.audit.add(
            "person.joined", now, actor_id=person.id, subject_id=person.id, role=role.value
        )
        await self.session.commit()
        return person, role

    async def set_checkin_time(self, person: Person, time_of_day: str) -> date | None:
        """Saves the time; returns the local date of the first check-in from now on."""
        now = self.clock.now()
        settings = await YouthSettingsRepository(self.session).get_or_create(person.id, now)
        settings.checkin_time = time_of_day
        settings.updated_at = now
        person.onboarded_at = person.onboarded_at or now
        await self.session.commit()
        schedule = parse_schedule(time_of_day, settings.checkin_days, person.timezone)
        return next_checkin_day(schedule, now)

    async def set_locale(self, person: Person, locale: str) -> None:
        person.locale = locale
        await self.session.commit()
