"""Motivational prompts sent (with the rule that chose each) and the youth's named successes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class SentPrompt(Base):
    """At most one prompt per youth and local day (the unique key makes it so)."""

    __tablename__ = "sent_prompts"
    __table_args__ = (UniqueConstraint("youth_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))
    subgoal: Mapped[str | None] = mapped_column(String(32), default=None)
    # What was celebrated ("step:12", "rating:community:2026-11-27"), so it is celebrated once.
    ref: Mapped[str | None] = mapped_column(String(64), default=None)
    local_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SuccessKind(StrEnum):
    STEP_DONE = "step_done"
    GOAL_REACHED = "goal_reached"
    RATING_ROSE = "rating_rose"
    ATTENDED_WEEK = "attended_week"
    STREAK = "streak"
    OWN = "own"  # written by the youth
    MENTOR = "mentor"  # written by the mentor


class Success(Base):
    """A named success the bot can show back. Automatic ones carry a ref that makes them
    unique; written ones carry their text (encrypted)."""

    __tablename__ = "successes"
    __table_args__ = (
        UniqueConstraint("youth_id", "kind", "ref"),
        Index("ix_successes_youth_date", "youth_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(String(64), default=None)
    subgoal: Mapped[str | None] = mapped_column(String(32), default=None)
    # The words: a step's or goal's text, or what the youth or mentor wrote. None for numbers.
    text: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # Numbers for automatic ones: a streak's length, a rating's from/to.
    value: Mapped[int | None] = mapped_column(Integer, default=None)
    previous_value: Mapped[int | None] = mapped_column(Integer, default=None)
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # May the mentor (and the weekly summary) see the words?
    shared_with_mentor: Mapped[bool] = mapped_column(Boolean, default=True)
