"""People and how they came in: roles, the mentor link, invites, consents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class Role(StrEnum):
    YOUTH = "youth"
    MENTOR = "mentor"
    STAFF = "staff"


class Person(Base):
    """Anyone who talks to the bot with a role. Identified by numeric Telegram id only."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # The name the invite or Telegram gave; shown to the person's mentor and in greetings.
    first_name: Mapped[str] = mapped_column(String(64), default="")
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    is_youth: Mapped[bool] = mapped_column(Boolean, default=False)
    is_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when onboarding (language, consent, time) is complete.
    onboarded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # Set when Telegram answered 403 (the person blocked the bot); cleared when they come back.
    unreachable_since: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # Set when a youth leaves the programme; retention purges personal data N days later.
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    def has_role(self, role: Role) -> bool:
        return {
            Role.YOUTH: self.is_youth,
            Role.MENTOR: self.is_mentor,
            Role.STAFF: self.is_staff,
        }[role]

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if self.has_role(role)]


class MentorLink(Base):
    """Who is a youth's contact person, with history kept whole across hand-overs."""

    __tablename__ = "mentor_links"
    __table_args__ = (Index("ix_mentor_links_youth_current", "youth_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class Invite(Base):
    """A single-use, expiring code that gives a role. Roles come only from invites."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # For youth invites: the mentor who will be the contact person.
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # A name hint from whoever made the invite ("Ada"); replaced by nothing else.
    name: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )


class Consent(Base):
    """What a person agreed to, with the version of the text they were shown."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text_version: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class AuditEntry(Base):
    """Append-only: who did or read what, when, and why. Never message texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
