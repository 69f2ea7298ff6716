"""/review: the joint review — both rate, both see it side by side with a star chart, the mentor
marks the agreed focus and the weeks to the next review, then sets the next demands."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.desk_taps import tapped_message
from bot.runtime import Runtime
from bot.services.demands import DemandService
from bot.services.joint_review import JointReviews, Rater, focus_of, subgoals_of
from bot.services.mentor_desk import MentorDesk
from bot.telegram import review_messages as rm
from bot.telegram.demand_messages import proposal
from storage.models import JointReview, Person


def _locale(person: Person, runtime: Runtime) -> str:
    return person.locale or runtime.settings.default_locale


async def on_review(message: Message, person: Person | None, mentor_desk: MentorDesk) -> None:
    if person is None or not (person.is_mentor or person.is_staff):
        await message.answer(_("/review is for contact persons."))
        return
    youths = await mentor_desk.youths(person)
    if not youths:
        await message.answer(_("You have no young people yet."))
        return
    await message.answer(_("Joint review with whom?"), reply_markup=rm.youths_keyboard(youths))


async def ask_next(
    bot: Bot,
    review: JointReview,
    rater: Rater,
    asked: Person,
    youth: Person,
    reviews: JointReviews,
    i18n: I18n,
    runtime: Runtime,
) -> bool:
    """Sends ``asked`` the next sub-goal to rate; False when they have rated them all."""
    subgoal = await reviews.next_to_rate(review, rater)
    if subgoal is None:
        return False
    locale = _locale(asked, runtime)
    with i18n.use_locale(locale):
        text, markup = rm.rating_question(
            review,
            subgoal,
            runtime.catalogue,
            locale,
            about=None if rater is Rater.YOUTH else youth,
        )
        await _send(bot, asked, text, markup)
    return True


async def on_review_start(
    call: CallbackQuery,
    callback_data: rm.ReviewStart,
    bot: Bot,
    person: Person | None,
    reviews: JointReviews,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    message = await tapped_message(call, person)
    if message is None or person is None:
        return
    review = await reviews.start(person, callback_data.youth_id)
    youth = await reviews.youth_of(review) if review else None
    if review is None or youth is None:
        await message.answer(_("That young person is not on your list."))
        return
    await message.edit_reply_markup(reply_markup=None)
    if await reviews.next_to_rate(review, Rater.YOUTH) == subgoals_of(review)[0]:
        with i18n.use_locale(_locale(youth, runtime)):
            await _send(bot, youth, rm.youth_intro(youth, person))
    await ask_next(bot, review, Rater.YOUTH, youth, youth, reviews, i18n, runtime)
    if not await ask_next(bot, review, Rater.MENTOR, person, youth, reviews, i18n, runtime):
        await message.answer(rm.waiting_for_other(youth))


async def on_review_rate(
    call: CallbackQuery,
    callback_data: rm.ReviewRate,
    bot: Bot,
    person: Person | None,
    reviews: JointReviews,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    step = (
        await reviews.rate(
            person, callback_data.review, callback_data.subgoal, callback_data.value
        )
        if person is not None
        else None
    )
    if step is None or person is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer(f"✓ {callback_data.value}")
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    review = step.review
    youth = await reviews.youth_of(review)
    mentor = await reviews.mentor_of(review)
    if youth is None or mentor is None:
        return
    if await ask_next(bot, review, step.rater, person, youth, reviews, i18n, runtime):
        return
    if not step.both_done:
        other = mentor if step.rater is Rater.YOUTH else youth
        await _send(bot, person, rm.waiting_for_other(other))
        return
    await send_view(bot, review, youth, mentor, reviews, i18n, runtime)


async def send_view(
    bot: Bot,
    review: JointReview,
    youth: Person,
    mentor: Person,
    reviews: JointReviews,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    """The talk view to both: side by side with the last review, the star chart; then the
    focus choice to the mentor."""
    view = await reviews.view(review)
    if view is None:
        return
    for reader in (youth, mentor):
        locale = _locale(reader, runtime)
        with i18n.use_locale(locale):
            for_youth = reader is youth
            text = rm.view_text(view, mentor, runtime.catalogue, locale, for_youth=for_youth)
            chart = rm.view_chart(view, mentor, runtime.catalogue, locale, for_youth=for_youth)
            try:
                await bot.send_photo(reader.telegram_id, chart, caption=text)
            except TelegramForbiddenError:
                continue
    locale = _locale(mentor, runtime)
    with i18n.use_locale(locale):
        await _send(
            bot,
            mentor,
            rm.focus_prompt(youth),
            rm.focus_keyboard(review, runtime.catalogue, locale),
        )


async def on_review_focus(
    call: CallbackQuery,
    callback_data: rm.ReviewFocus,
    person: Person | None,
    reviews: JointReviews,
    runtime: Runtime,
) -> None:
    if person is None or not isinstance(call.message, Message):
        await call.answer()
        return
    review = await reviews.open_review(person, callback_data.review)
    if review is None:
        await call.answer(_("That button has expired."))
        return
    if callback_data.subgoal == "":
        if not focus_of(review):
            await call.answer(_("Pick at least one sub-goal."))
            return
        await call.answer()
        await call.message.edit_text(
            rm.interval_prompt(), reply_markup=rm.interval_keyboard(review)
        )
        return
    review = await reviews.toggle_focus(person, callback_data.review, callback_data.subgoal)
    await call.answer()
    if review is not None:
        await call.message.edit_reply_markup(
            reply_markup=rm.focus_keyboard(review, runtime.catalogue, runtime.i18n.current_locale)
        )


async def on_review_close(
    call: CallbackQuery,
    callback_data: rm.ReviewClose,
    bot: Bot,
    person: Person | None,
    reviews: JointReviews,
    demands: DemandService,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    review = (
        await reviews.close(person, callback_data.review, callback_data.weeks) if person else None
    )
    youth = await reviews.youth_of(review) if review else None
    if person is None or review is None or youth is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    with i18n.use_locale(_locale(youth, runtime)):
        locale = _locale(youth, runtime)
        await _send(bot, youth, rm.closed_for_youth(review, person, runtime.catalogue, locale))
    locale = _locale(person, runtime)
    await _send(bot, person, rm.closed_for_mentor(review, youth, runtime.catalogue, locale))
    for subgoal in focus_of(review):
        suggestion = await demands.suggestion(youth, subgoal)
        if suggestion is None:
            continue
        size = len(await demands.ladder(youth, subgoal))
        text, markup = proposal(
            youth, subgoal, suggestion, size, review.id, runtime.catalogue, locale
        )
        await _send(bot, person, text, markup)


async def _send(bot: Bot, person: Person, text: str, markup: object = None) -> None:
    try:
        await bot.send_message(person.telegram_id, text, reply_markup=markup)  # type: ignore[arg-type]
    except TelegramForbiddenError:
        return


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_review, Command("review"))
    router.callback_query.register(on_review_start, rm.ReviewStart.filter())
    router.callback_query.register(on_review_rate, rm.ReviewRate.filter())
    router.callback_query.register(on_review_focus, rm.ReviewFocus.filter())
    router.callback_query.register(on_review_close, rm.ReviewClose.filter())
    return router
