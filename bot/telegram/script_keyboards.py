"""Buttons for publishing scripts and rolling back. Payloads stay under 64 bytes: a script id
is at most 48 characters (the schema's `ident`), so "sv:u:<id>:<version>" fits."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder


class DraftDecision(CallbackData, prefix="sd"):
    # "p" publish, "c" cancel; token names the exact upload
    action: str
    token: str


class ScriptsAction(CallbackData, prefix="sv"):
    # "h" show versions, "u" use (activate) a version
    action: str
    script: str
    version: int = 0


def draft_keyboard(token: str, version: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Publish version {version}").format(version=version),
        callback_data=DraftDecision(action="p", token=token),
    )
    builder.button(text=_("Cancel"), callback_data=DraftDecision(action="c", token=token))
    builder.adjust(1)
    return builder.as_markup()


def scripts_keyboard(script_ids: Sequence[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for script_id in script_ids:
        builder.button(text=script_id, callback_data=ScriptsAction(action="h", script=script_id))
    builder.adjust(2)
    return builder.as_markup()


def versions_keyboard(script_id: str, versions: Sequence[int]) -> InlineKeyboardMarkup | None:
    """One "use version N" button for each stored version that is not the active one."""
    if not versions:
        return None
    builder = InlineKeyboardBuilder()
    for version in versions:
        builder.button(
            text=_("Use version {version}").format(version=version),
            callback_data=ScriptsAction(action="u", script=script_id, version=version),
        )
    builder.adjust(2)
    return builder.as_markup()
