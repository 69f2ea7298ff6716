"""Attendance: the plan of real activities, what happened at each occurrence, and per-youth
settings for telling the mentor.

An occurrence is (activity, local date); it has no row until something is known about it (a
"running late", a "can't come", an answer to the follow-up, or "unknown" after a day).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class ActivityKind(StrEnum):
    INTERNSHIP = "internship"
    CLASS = "class"
    APPOINTMENT = "appointment"
    INTERVIEW = "interview"
    EXERCISE = "exercise"
    TREATMENT = "treatment"
    OTHER = "other"


class AttendanceStatus(StrEnum):
    """What happened at one occurrence. ``unknown``: nobody answered within a day (never
    counted as absent)."""

    ATTENDED = "attended"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    CANCELLED = "cancelled"  # cancelled with notice: not an absence
    UNKNOWN = "unknown"


class AbsenceReason(StrEnum):
    ILL = "ill"
    OVERSLEPT = "overslept"
    ANXIETY = "anxiety"
    TRANSPORT = "transport"
    OTHER = "other"


class Activity(Base):
    """One planned activity: weekly on ``weekdays`` or once on ``on_date``, local times."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_youth_deleted", "youth_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # Who added it (the youth, or their mentor).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16))
    # The youth's own words ("Praktik hos Bager Jensen"): encrypted at rest.
    title: Mapped[str] = mapped_column(EncryptedText)
    place: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # ISO weekdays as digits, Monday=1 ("134"); None for a one-off.
    weekdays: Mapped[str | None] = mapped_column(String(7), default=None)
    on_date: Mapped[date | None] = mapped_column(Date, default=None)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    # Only occurrences ending after this moment count: adding or re-timing an activity never
    # makes up a past (set again when its schedule changes).
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    # Minutes of travel; the "leave in 20 minutes" nudge comes 20 minutes before leaving.
    # None: no nudge (the default).
    travel_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    # Tell the mentor at once about "running late"/"can't come": None follows the youth's setting.
    notify_mentor: Mapped[bool | None] = mapped_column(Boolean, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class AttendanceRecord(Base):
    """What is known about one occurrence. ``status`` None: only a heads-up so far."""

    __tablename__ = "attendance_records"
    __table_args__ = (UniqueConstraint("activity_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16), default=None)
    reason: Mapped[str | None] = mapped_column(String(16), default=None)
    # How the status came: followup, cant_come, timeout.
    source: Mapped[str | None] = mapped_column(String(16), default=None)
    running_late_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    cant_come_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    mentor_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class AttendanceSettings(Base):
    """Per youth: may the mentor be told at once, and when the mentor gets an alert."""

    __tablename__ = "attendance_settings"

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    tell_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    # Alert after this many absences in a row; 0 = never.
    absence_alert_after: Mapped[int] = mapped_column(Integer, default=2)
    # Alert when a finished week's attendance rate is under this percentage; 0 = never.
    weekly_rate_alert_below: Mapped[int] = mapped_column(Integer, default=50)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
