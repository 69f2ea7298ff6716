"""Goals tied to a sub-goal, broken into small steps with a due date.

A step is open until it is done, dropped or moved (a move only changes its due date). An open
step whose due date has passed counts as missed for the next suggestion — never as a failure
shown to anyone.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class GoalStatus(StrEnum):
    ACTIVE = "active"
    REACHED = "reached"
    DROPPED = "dropped"


class StepStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_youth_status", "youth_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subgoal: Mapped[str] = mapped_column(String(32))
    # The youth's own words; encrypted at rest.
    text: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default=GoalStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class GoalStep(Base):
    __tablename__ = "goal_steps"
    __table_args__ = (Index("ix_goal_steps_youth_status", "youth_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(EncryptedText)
    # The rung of the sub-goal's ladder this step stands for (own words or the suggestion).
    level: Mapped[int] = mapped_column(Integer, default=1)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=StepStatus.OPEN.value)
    times_moved: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When it was done or dropped, and the youth's local date of that.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
