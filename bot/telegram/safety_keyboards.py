"""Buttons of the safety and privacy features.

A payload names a flag or a request, never who may act on it: every handler re-checks in the
database that the tapping person owns the flag (or is staff), and audits a refusal.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from storage.models import CrisisResponse


class CrisisAnswer(CallbackData, prefix="ca"):
    flag: int
    answer: str  # a CrisisResponse value


class CrisisShare(CallbackData, prefix="cs"):
    flag: int
    share: bool


class SafetyPlanStart(CallbackData, prefix="sp"):
    pass


class ErasureConfirm(CallbackData, prefix="ec"):
    confirm: bool


class ErasureDecide(CallbackData, prefix="ed"):
    request: int
    approve: bool


def crisis_answer_keyboard(flag_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("I'm safe right now"),
        callback_data=CrisisAnswer(flag=flag_id, answer=CrisisResponse.SAFE.value),
    )
    builder.button(
        text=_("I need help now"),
        callback_data=CrisisAnswer(flag=flag_id, answer=CrisisResponse.HELP.value),
    )
    builder.button(
        text=_("You misunderstood me"),
        callback_data=CrisisAnswer(flag=flag_id, answer=CrisisResponse.MISUNDERSTOOD.value),
    )
    builder.adjust(1)
    return builder.as_markup()


def crisis_share_keyboard(flag_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Yes, they may read it"), callback_data=CrisisShare(flag=flag_id, share=True)
    )
    builder.button(
        text=_("No, keep it private"), callback_data=CrisisShare(flag=flag_id, share=False)
    )
    builder.adjust(1)
    return builder.as_markup()


def safety_plan_keyboard(has_plan: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    label = _("Update my safety plan") if has_plan else _("Make my safety plan")
    builder.button(text=label, callback_data=SafetyPlanStart())
    return builder.as_markup()


def erasure_confirm_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, delete everything"), callback_data=ErasureConfirm(confirm=True))
    builder.button(text=_("No, keep my data"), callback_data=ErasureConfirm(confirm=False))
    builder.adjust(1)
    return builder.as_markup()


def erasure_decide_keyboard(request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Delete now"), callback_data=ErasureDecide(request=request_id, approve=True)
    )
    builder.button(
        text=_("Not now"), callback_data=ErasureDecide(request=request_id, approve=False)
    )
    builder.adjust(2)
    return builder.as_markup()
