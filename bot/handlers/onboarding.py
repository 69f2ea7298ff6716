"""`/start <code>` → language → consent → (youth) check-in time → welcome. Thin: rules live in
services/onboarding.py; state lives in the FSM storage (database or Redis)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.dialogs.time_input import TIME_NOT_UNDERSTOOD, parse_time_of_day
from bot.handlers.texts import (
    code_problem_text,
    consent_text,
    first_day_text,
    role_name,
    welcome_text,
)
from bot.services import invite_codes
from bot.services.onboarding import CodeProblem, OnboardingService
from bot.telegram.callbacks import CheckinTimePick, ConsentAnswer, LanguagePick
from bot.telegram.keyboards import checkin_time_keyboard, consent_keyboard, language_keyboard
from storage.models import Person, Role


class Onboarding(StatesGroup):
    language = State()
    consent = State()
    checkin_time = State()


async def _begin(
    message: Message,
    code: str | None,
    state: FSMContext,
    person: Person | None,
    onboarding: OnboardingService,
) -> None:
    check = await onboarding.check_code(code)
    if check.invite is None or check.problem is not None:
        if person is not None and check.problem is CodeProblem.MISSING:
            await message.answer(_("Welcome back! /help shows what I can do."))
            return
        await message.answer(code_problem_text(check.problem or CodeProblem.UNKNOWN))
        return
    role = Role(check.invite.role)
    if person is not None and person.locale:
        # A known person with a new invite (e.g. a mentor who also becomes staff): consent again
        # for the new role, in the language they already chose.
        await state.set_state(Onboarding.consent)
        await state.set_data(
            {"code": check.invite.code, "locale": person.locale, "role": role.value}
        )
        await message.answer(consent_text(role), reply_markup=consent_keyboard())
        return
    await state.set_state(Onboarding.language)
    await state.set_data({"code": check.invite.code, "role": role.value})
    await message.answer("Vælg dit sprog · Choose your language", reply_markup=language_keyboard())


async def on_start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    person: Person | None,
    onboarding: OnboardingService,
) -> None:
    await _begin(message, command.args, state, person, onboarding)


def _is_typed_code(text: str) -> bool:
    return invite_codes.looks_like_code(invite_codes.normalise(text))


async def on_typed_code(
    message: Message, state: FSMContext, person: Person | None, onboarding: OnboardingService
) -> None:
    await _begin(message, message.text, state, person, onboarding)


async def on_language(
    call: CallbackQuery, callback_data: LanguagePick, state: FSMContext, i18n: I18n
) -> None:
    await state.update_data(locale=callback_data.locale)
    await state.set_state(Onboarding.consent)
    role = Role((await state.get_data())["role"])
    await call.answer()
    with i18n.use_locale(callback_data.locale):
        if isinstance(call.message, Message):
            await call.message.edit_reply_markup(reply_markup=None)
            await call.message.answer(consent_text(role), reply_markup=consent_keyboard())


async def on_consent(
    call: CallbackQuery,
    callback_data: ConsentAnswer,
    state: FSMContext,
    event_from_user: User,
    onboarding: OnboardingService,
) -> None:
    data = await state.get_data()
    await call.answer()
    if not isinstance(call.message, Message):
        return
    await call.message.edit_reply_markup(reply_markup=None)
    if not callback_data.accept:
        await state.clear()
        await call.message.answer(
            _(
                "That's completely OK — nothing has been stored. If you change your mind, "
                "use your link or code again."
            )
        )
        return
    outcome = await onboarding.accept(
        event_from_user.id, event_from_user.first_name, data["code"], data["locale"]
    )
    if isinstance(outcome, CodeProblem):
        await state.clear()
        await call.message.answer(code_problem_text(outcome))
        return
    joined, role = outcome
    if role is Role.YOUTH:
        await state.set_state(Onboarding.checkin_time)
        await state.set_data({"locale": data["locale"]})
        await call.message.answer(
            _(
                "Thank you! When would you like your daily check-in? "
                "You can change it later with /settings."
            ),
            reply_markup=checkin_time_keyboard(),
        )
        return
    await state.clear()
    if joined.onboarded_at is not None and len(joined.roles) > 1:
        await call.message.answer(
            _("Done — you are now also {role}.").format(role=role_name(role))
        )
    await call.message.answer(welcome_text(role, joined.first_name))


async def on_checkin_time(
    call: CallbackQuery,
    callback_data: CheckinTimePick,
    state: FSMContext,
    person: Person | None,
    onboarding: OnboardingService,
) -> None:
    await call.answer()
    if not isinstance(call.message, Message) or person is None:
        return
    if callback_data.value == "other":
        await call.message.answer(_("Type the time you'd like, for example 9:30."))
        return
    value = parse_time_of_day(f"{callback_data.value[:2]}:{callback_data.value[2:]}")
    if value is None:
        return
    await call.message.edit_reply_markup(reply_markup=None)
    await _finish_youth(call.message, value, state, person, onboarding)


async def on_typed_checkin_time(
    message: Message, state: FSMContext, person: Person | None, onboarding: OnboardingService
) -> None:
    value = parse_time_of_day(message.text or "")
    if value is None or person is None:
        await message.answer(
            _(TIME_NOT_UNDERSTOOD),
            reply_markup=checkin_time_keyboard(),
        )
        return
    await _finish_youth(message, value, state, person, onboarding)


async def _finish_youth(
    message: Message,
    time_of_day: str,
    state: FSMContext,
    person: Person,
    onboarding: OnboardingService,
) -> None:
    first = await onboarding.set_checkin_time(person, time_of_day)
    await state.clear()
    today = onboarding.clock.now().astimezone(ZoneInfo(person.timezone)).date()
    await message.answer(
        welcome_text(Role.YOUTH, person.first_name, time_of_day, first_day_text(first, today))
    )


async def on_text_mid_onboarding(message: Message, state: FSMContext) -> None:
    # Someone typed instead of tapping: show the same question again, kindly.
    current = await state.get_state()
    if current == Onboarding.language.state:
        await message.answer(
            "Vælg dit sprog · Choose your language", reply_markup=language_keyboard()
        )
        return
    role = Role((await state.get_data()).get("role", Role.YOUTH.value))
    await message.answer(_("Please tap one of the buttons."))
    await message.answer(consent_text(role), reply_markup=consent_keyboard())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_start, CommandStart())
    router.message.register(on_typed_code, StateFilter(None), F.text.func(_is_typed_code))
    router.callback_query.register(on_language, Onboarding.language, LanguagePick.filter())
    router.callback_query.register(on_consent, Onboarding.consent, ConsentAnswer.filter())
    router.callback_query.register(
        on_checkin_time, Onboarding.checkin_time, CheckinTimePick.filter()
    )
    router.message.register(on_typed_checkin_time, Onboarding.checkin_time, F.text)
    router.message.register(
        on_text_mid_onboarding, StateFilter(Onboarding.language, Onboarding.consent)
    )
    return router
