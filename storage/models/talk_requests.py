"""A young person's "I'd like to talk": when it was asked, when the mentor got it (after quiet
hours, if it came at night) and the time the mentor answered with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class TalkRequest(Base):
    __tablename__ = "talk_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The mentor at the time of asking (None: no mentor, staff were told).
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # Where the tap came from: "menu" (/talk), "checkin" (after a hard check-in), "coping".
    source: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the mentor got it: at once, or first thing after their quiet hours.
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    # The moment the mentor will call (what the young person is told).
    talk_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
