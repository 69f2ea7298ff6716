"""Safety and privacy: crisis flags, the youth's own safety plan, erasure requests, and the
update ids already handled (so a redelivered update is not handled twice)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class CrisisResponse(StrEnum):
    """What the youth answered to "how are you right now?" after a crisis hit."""

    SAFE = "safe"
    HELP = "help"
    MISUNDERSTOOD = "misunderstood"


class CrisisFlag(Base):
    """One crisis hit in a youth's free text. Holds the rule that matched, never the words —
    except `text`, held encrypted only while the youth decides whether the mentor may read it
    (cleared when they say no, or when they never answer)."""

    __tablename__ = "crisis_flags"
    __table_args__ = (
        UniqueConstraint("person_id", "update_id", name="uq_crisis_flags_person_update"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(64))
    # Where the text came from: "message", "caption", "edited", "script:<id>", a state name.
    source: Mapped[str] = mapped_column(String(64))
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), default=None
    )
    response: Mapped[str | None] = mapped_column(String(16), default=None)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # None: not answered yet; True: the mentor may read `text`; False: kept private.
    share_text: Mapped[bool | None] = mapped_column(default=None)
    text: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # The Telegram update the text came in: a redelivered update, or the crisis outbox replaying
    # it after an outage, finds this flag instead of raising a second one.
    update_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class SafetyPlan(Base):
    """A youth's own safety plan, shown back by /sos. Every field is encrypted at rest."""

    __tablename__ = "safety_plans"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    warning_signs: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    calming: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    people_to_call: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErasureStatus(StrEnum):
    REQUESTED = "requested"
    REFUSED = "refused"


class ErasureRequest(Base):
    """A youth asked for everything about them to be deleted; staff confirm in the bot.
    Approved requests disappear with the person (nothing about them is kept)."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default=ErasureStatus.REQUESTED.value)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )


class ProcessedUpdate(Base):
    """Telegram update ids already taken by an instance: a redelivered update is ignored.
    `done_at` None with an old `claimed_at`: the instance died mid-update; it may be retried.
    `fingerprint` (a short hash of the whole update) tells a redelivery from a reused id:
    Telegram may restart its ids after a quiet week, and a test or simulator world restarts
    them at 1."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class QuarantinedUpdate(Base):
    """An update that could not be parsed or whose handling failed with a bug: acknowledged
    and skipped, kept here by ids and types only (never its content) so staff can count and
    investigate. One row per (bot, update)."""

    __tablename__ = "quarantined_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # "message", "callback_query", ... or "unknown"; the stage: "parse" or "handle".
    update_type: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(16))
    # The exception type, e.g. "ValidationError" — never its message.
    error: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
