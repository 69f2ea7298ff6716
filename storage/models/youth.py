"""A youth's own settings: when the check-in comes, pauses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime

WEEKDAYS_MON_FRI = "12345"


class YouthSettings(Base):
    __tablename__ = "youth_settings"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    # Local time of day "HH:MM" in the person's own time zone.
    checkin_time: Mapped[str] = mapped_column(String(5), default="09:00")
    # ISO weekdays as digits, Monday=1: "12345" is Monday to Friday.
    checkin_days: Mapped[str] = mapped_column(String(7), default=WEEKDAYS_MON_FRI)
    reminder_delay_minutes: Mapped[int] = mapped_column(Integer, default=120)
    # Paused from/until (inclusive local dates); a paused day is neither a miss nor a streak break.
    paused_from: Mapped[date | None] = mapped_column(Date, default=None)
    paused_until: Mapped[date | None] = mapped_column(Date, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
