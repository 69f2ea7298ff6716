"""The joint review: every 4–12 weeks the young person and the mentor each rate the relevant
sub-goals on the 1–10 journey scale, look at it together and agree a focus (1–3 sub-goals)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class JointReview(Base):
    __tablename__ = "joint_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # The sub-goals rated, comma-separated in catalogue order (the active ones at the start).
    subgoals: Mapped[str] = mapped_column(String(400))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    youth_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    mentor_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # The agreed focus (1–3 sub-goals, comma-separated) and when the review was closed.
    focus: Mapped[str] = mapped_column(String(120), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # Weeks until the next review (4–12, the mentor picks) and the day it is due.
    interval_weeks: Mapped[int | None] = mapped_column(Integer, default=None)
    next_due_on: Mapped[date | None] = mapped_column(Date, default=None)


class JointRating(Base):
    """One rating in a review: the youth's own ("youth") or the mentor's ("mentor")."""

    __tablename__ = "joint_ratings"
    __table_args__ = (UniqueConstraint("review_id", "subgoal", "rater"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("joint_reviews.id", ondelete="CASCADE"), index=True
    )
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    subgoal: Mapped[str] = mapped_column(String(32))
    rater: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)
