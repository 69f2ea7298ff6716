""" "What works for me": the young person's own short profile, in their words (encrypted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models.base import Base, UtcDateTime


class SelfProfile(Base):
    __tablename__ = "self_profiles"

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    strengths: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    bad_day_help: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    makes_worse: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    support_needed: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # The young person's yes: the mentor (and a new mentor at hand-over) may read it.
    shared_with_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
