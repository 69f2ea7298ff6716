"""Conversation state (aiogram FSM state + data), so any process can answer the next tap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class ConversationState(Base):
    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(128), default=None)
    data: Mapped[str] = mapped_column(Text, default="{}")
    # Bumped on every write: lets a reader see that the state moved under it.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
