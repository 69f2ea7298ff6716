"""The answer to a free text that no script and no feature took (see
bot/services/free_text_replies.py for the rules)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from storage.models import Person


def warm_acknowledgement(person: Person | None = None) -> str:
    if person is not None and not person.is_youth:
        return _("I didn't quite catch that. /help shows what I can do.")
    return _(
        "Thanks for writing 💬 Nobody reads along live here, but I keep what you share in "
        "your check-in. /checkin is the place to tell how you're doing, and /sos shows who "
        "you can talk to right now."
    )
