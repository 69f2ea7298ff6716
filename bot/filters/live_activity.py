"""A plan button's activity, looked up once for every plan handler."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery

from bot.services.attendance import AttendanceService
from bot.telegram.attendance_keyboards import PlanTap
from storage.models import Person


class LiveActivity(Filter):
    """Passes a plan tap whose activity still exists and which the tapper may manage (the look
    is audited by AttendanceService.activity), handing the handler `person` and `activity`.
    Any other tap falls through to the "that button has expired" answer (handlers/fallback)."""

    async def __call__(
        self,
        call: CallbackQuery,
        callback_data: PlanTap,
        person: Person | None,
        attendance: AttendanceService,
    ) -> bool | dict[str, Any]:
        if person is None:
            return False
        activity = await attendance.activity(person, callback_data.activity)
        return False if activity is None else {"person": person, "activity": activity}
