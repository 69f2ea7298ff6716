"""The one alert channel: anything that needs the mentor now (or staff, when nobody answers)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class AlertKind(StrEnum):
    MISSED_CHECKINS = "missed_checkins"
    LOW_MOOD = "low_mood"
    ATTENDANCE = "attendance"
    RUNNING_LATE = "running_late"
    BLOCKED = "blocked"
    CRISIS = "crisis"


class Alert(Base):
    """At most one alert per youth, kind and local day (the unique key makes it so)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("youth_id", "kind", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The mentor at the time of the alert (None: no mentor, goes to staff).
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(32))
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Numbers and flags only (JSON); never the youth's own words.
    detail: Mapped[str] = mapped_column(Text, default="{}")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
