"""Published script versions and the answers given to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class ScriptVersion(Base):
    """One published version of a staff script. A conversation finishes on the version it began."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    script_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # None for the version shipped with Fremad.
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )


class Answer(Base):
    """One answer, pointing at the script version it answered so old answers keep their meaning."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_person_date", "person_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    script_id: Mapped[str] = mapped_column(String(64))
    script_version: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str] = mapped_column(String(16))
    step_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(96))
    # JSON of the value; encrypted at rest, because free text can say anything about a life.
    value: Mapped[str] = mapped_column(EncryptedText)
    is_free_text: Mapped[bool] = mapped_column(Boolean, default=False)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    subgoal: Mapped[str | None] = mapped_column(String(32), default=None)
    metric: Mapped[str | None] = mapped_column(String(32), default=None)
    # The day the answer is about (a late check-in answer still counts for its own day).
    local_date: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    shared_with_mentor: Mapped[bool] = mapped_column(Boolean, default=False)


class StepShown(Base):
    """A script question was put to someone (first time per run and step is what counts): with
    the answers it gives staff where people drop off and how long answering takes."""

    __tablename__ = "script_steps_shown"
    __table_args__ = (Index("ix_script_steps_shown_script_at", "script_id", "shown_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[str] = mapped_column(String(64))
    script_version: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str] = mapped_column(String(16))
    step_id: Mapped[str] = mapped_column(String(64))
    shown_at: Mapped[datetime] = mapped_column(UtcDateTime)
