"""How "what works for me" reads, for the young person and for a mentor. Call inside the
reader's locale."""

from __future__ import annotations

import html

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.self_profile import ProfileView


class ProfileEdit(CallbackData, prefix="mge"):
    pass


def _lines(profile: ProfileView) -> list[str]:
    parts = (
        (_("💪 Strengths"), profile.strengths),
        (_("🌧 Helps on a bad day"), profile.bad_day_help),
        (_("⚠️ Makes it worse"), profile.makes_worse),
        (_("🤝 Support at work or school"), profile.support_needed),
    )
    return [f"<b>{label}:</b> {html.escape(value)}" for label, value in parts if value]


def own_profile_text(profile: ProfileView | None, successes: list[str]) -> str:
    lines = [_("<b>What works for me</b>")]
    if profile is None or profile.empty:
        lines.append(_("Nothing written yet. Tap the button to start — it takes two minutes."))
    else:
        lines += _lines(profile)
        lines.append(
            _("Your contact person can read it.") if profile.shared else _("Only you can see it.")
        )
    if successes:
        lines.append(
            _("From your successes: {items}").format(
                items=" · ".join(html.escape(s) for s in successes)
            )
        )
    return "\n".join(lines)


def edit_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✏️ Write or change it"), callback_data=ProfileEdit().pack()
                )
            ]
        ]
    )


def handover_profile_text(name: str, profile: ProfileView) -> str:
    return "\n".join(
        [
            _(
                "📖 <b>What works for {name}</b> — in {name}'s own words. Please read it before "
                "your first talk."
            ).format(name=html.escape(name)),
            *_lines(profile),
        ]
    )
