"""Mentor reporting: when a mentor wants the weekly summary and quiet hours, exactly what each
summary said about each youth, and the mentor's notes after a talk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class MentorSettings(Base):
    """A mentor's (or staff member's) own reporting settings; no row means the defaults."""

    __tablename__ = "mentor_settings"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO weekday of the weekly summary (Monday=1) and local time "HH:MM".
    summary_weekday: Mapped[int] = mapped_column(Integer, default=1)
    summary_time: Mapped[str] = mapped_column(String(5), default="08:00")
    # Quiet hours, local "HH:MM"; may wrap midnight (21:00–07:00). Crisis alerts ignore them.
    quiet_from: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_until: Mapped[str] = mapped_column(String(5), default="07:00")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SentSummary(Base):
    """What one weekly summary said about one youth, word for word (the youth may read it with
    /mysummary). Encrypted: it may quote what the youth chose to share."""

    __tablename__ = "sent_summaries"
    __table_args__ = (
        UniqueConstraint("mentor_id", "youth_id", "week"),
        Index("ix_sent_summaries_youth_sent", "youth_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # The ISO week the summary was sent in, "2026-W48".
    week: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(EncryptedText)


class MentorNote(Base):
    """A note a mentor writes after a talk; shown in later summaries and kept across hand-overs."""

    __tablename__ = "mentor_notes"
    __table_args__ = (Index("ix_mentor_notes_youth_created", "youth_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(EncryptedText)
