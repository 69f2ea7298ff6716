"""The mentor's demands: a proposal adjusted (smaller/bigger) and set; the young person's
"done" / "not this time" / "too much", told to the mentor in the same update."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.services.demand_ladder import Direction, Suggestion
from bot.services.demands import DemandService
from bot.telegram import demand_messages as dm
from storage.models import DemandStatus, Person


def _locale(person: Person, runtime: Runtime) -> str:
    return person.locale or runtime.settings.default_locale


async def on_propose(
    call: CallbackQuery,
    callback_data: dm.DemandPropose,
    person: Person | None,
    demands: DemandService,
    runtime: Runtime,
) -> None:
    youth = await demands.followed_youth(person, callback_data.youth) if person else None
    rung = await demands.rung(youth, callback_data.subgoal, callback_data.level) if youth else None
    if youth is None or rung is None or not isinstance(call.message, Message):
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    suggested = await demands.suggestion(youth, callback_data.subgoal)
    base = suggested.rung.level if suggested else rung.level
    direction: Direction = "up" if rung.level > base else "down" if rung.level < base else "same"
    size = len(await demands.ladder(youth, callback_data.subgoal))
    text, markup = dm.proposal(
        youth,
        callback_data.subgoal,
        Suggestion(rung, direction),
        size,
        callback_data.review,
        runtime.catalogue,
        runtime.i18n.current_locale,
    )
    await call.message.edit_text(text, reply_markup=markup)


async def on_set(
    call: CallbackQuery,
    callback_data: dm.DemandSet,
    bot: Bot,
    person: Person | None,
    demands: DemandService,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    event = (
        await demands.set(
            person,
            callback_data.youth,
            callback_data.subgoal,
            callback_data.level,
            callback_data.review or None,
        )
        if person is not None
        else None
    )
    if event is None or person is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await call.message.answer(dm.demand_set_confirmed(event.youth, event.demand))
    with i18n.use_locale(_locale(event.youth, runtime)):
        text, markup = dm.new_demand_for_youth(event.demand, person)
        await _send(bot, event.youth, text, markup)


async def on_youth_tap(
    call: CallbackQuery,
    callback_data: dm.DemandTap,
    bot: Bot,
    person: Person | None,
    demands: DemandService,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    status = {s.value: s for s in (DemandStatus.DONE, DemandStatus.MISSED, DemandStatus.TOO_MUCH)}
    chosen = status.get(callback_data.action)
    event = (
        await demands.youth_says(person, callback_data.demand, chosen)
        if person is not None and chosen is not None
        else None
    )
    if event is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    await _send(bot, event.youth, dm.youth_outcome(event.demand, None))
    if event.mentor is not None:
        await tell_mentor(bot, event.demand.id, event.mentor, demands, i18n, runtime, None)


async def tell_mentor(
    bot: Bot,
    demand_id: int,
    mentor: Person,
    demands: DemandService,
    i18n: I18n,
    runtime: Runtime,
    shown: int | None,
) -> None:
    """The outcome and the next suggestion (after "too much": hold it, or one rung smaller)."""
    found = await demands.next_after(mentor, demand_id)
    if found is None:
        return
    locale = _locale(mentor, runtime)
    with i18n.use_locale(locale):
        text, markup = dm.next_demand_message(found, shown, runtime.catalogue, locale)
        await _send(bot, mentor, text, markup)


async def _send(
    bot: Bot, person: Person, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    try:
        await bot.send_message(person.telegram_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        return


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_propose, dm.DemandPropose.filter())
    router.callback_query.register(on_set, dm.DemandSet.filter())
    router.callback_query.register(on_youth_tap, dm.DemandTap.filter())
    return router
