"""One row per youth per check-in day: the honest record streaks and counts are built from."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class CheckinStatus(StrEnum):
    SENT = "sent"  # asked, not answered yet
    ANSWERED = "answered"
    # The first question was answered, the rest not (yet): kept, and may be finished that day.
    PARTIAL = "partial"
    SKIPPED = "skipped"  # the youth tapped "skip today": honest, not a miss
    MISSED = "missed"
    PAUSED = "paused"


class CheckinDay(Base):
    __tablename__ = "checkin_days"
    __table_args__ = (UniqueConstraint("person_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    mood: Mapped[int | None] = mapped_column(Integer, default=None)
    energy: Mapped[int | None] = mapped_column(Integer, default=None)
    run_id: Mapped[str | None] = mapped_column(String(16), default=None)
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    asked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
