"""The deliveries ledger: each scheduled message Fremad owes someone, one row per
(person, kind, slot).

The unique key (person_id, kind, slot_key) is what makes "never twice" hold across restarts and
instances: planning the same due item again is a no-op. The row holds no message text.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class DeliveryStatus(StrEnum):
    """pending → claimed → sending → sent | failed | blocked; or missed / cancelled / uncertain.

    ``claimed``: reserved by one instance, its message has not left (safe to hand back).
    ``sending``: committed just before the first message leaves; never sent again.
    ``uncertain``: was ``sending`` when its process died; it may or may not have arrived.
    ``missed``: became due longer ago than the grace window and was never sent.
    ``expired``: kept failing for a retryable reason (Telegram or the network away) until the
    message no longer made sense (``expires_at``); ``error`` says why.
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    MISSED = "missed"
    CANCELLED = "cancelled"
    UNCERTAIN = "uncertain"
    EXPIRED = "expired"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "slot_key", name="uq_deliveries_person_kind_slot"),
        # The claim query: pending rows by due time.
        Index("ix_deliveries_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # checkin, reminder, attendance, summary, prompt, alert, ...
    kind: Mapped[str] = mapped_column(String(32))
    # Which occurrence: a local date "2026-11-23" or an occurrence id.
    slot_key: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Instance id and moment of the latest claim (or of the sending mark).
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Small JSON for the composer (ids, flags) — never a text written by a youth.
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # Retried after an outage until this moment, then ``expired`` (set at the first retry).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # "Did it arrive?": the chat's last known message id before a send whose answer was lost.
    # The next attempt first looks for a message of ours after it (at-most-once kinds).
    check_after_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # A short error code ("forbidden", "network", ...), never an error text.
    error: Mapped[str | None] = mapped_column(String(32), default=None)
