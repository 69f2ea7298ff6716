"""Demands the contact person sets for a focus sub-goal ("3 days at the internship this week"),
followed up like a goal step; one linked to the attendance plan is measured by attendance."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class DemandStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"
    TOO_MUCH = "too_much"  # the young person said so; the mentor holds or lowers it
    REPLACED = "replaced"  # a new demand for the same sub-goal came before the follow-up


class Demand(Base):
    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("joint_reviews.id", ondelete="SET NULL"), default=None
    )
    subgoal: Mapped[str] = mapped_column(String(32))
    # The rung on this person's ladder for the sub-goal (1 = smallest).
    level: Mapped[int] = mapped_column(Integer)
    # Staff ladder text in the youth's language at the time it was set (not the youth's words).
    text: Mapped[str] = mapped_column(String(300))
    # Days to show up that week, when the demand is measured by the attendance plan.
    attendance_days: Mapped[int | None] = mapped_column(Integer, default=None)
    # The week it is for: Monday..due_on (Sunday), local dates.
    week_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=DemandStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
