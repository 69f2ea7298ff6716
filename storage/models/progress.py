"""Progress on the sub-goals: which are active per youth, ratings over time (the youth's own
and the mentor's), and the mentor's belief that the youth will reach job or education."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class RatingSource(StrEnum):
    SELF = "self"
    MENTOR = "mentor"


class YouthSubgoal(Base):
    """A per-youth override of the catalogue's default (e.g. sobriety switched on)."""

    __tablename__ = "youth_subgoals"
    __table_args__ = (UniqueConstraint("youth_id", "subgoal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subgoal: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # The day it was last switched off (to encourage a recently dropped sub-goal).
    dropped_on: Mapped[date | None] = mapped_column(Date, default=None)


class SubgoalRating(Base):
    """One 1–10 rating of one sub-goal, by the youth (self) or by the mentor."""

    __tablename__ = "subgoal_ratings"
    __table_args__ = (Index("ix_subgoal_ratings_youth_subgoal", "youth_id", "subgoal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subgoal: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(8))
    rated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    value: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MentorBelief(Base):
    """The mentor's belief (0–10) that the youth will reach job or education, over time."""

    __tablename__ = "mentor_beliefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    value: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
