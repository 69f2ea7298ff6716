"""Staff publish dialog scripts by sending the .yaml file; /scripts lists them and rolls back.

Rules live in bot/services/script_publishing.py; these handlers only read the update and answer.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter, Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Document, Message
from aiogram.utils.i18n import gettext as _

from bot.dialogs import Script
from bot.handlers.dialogs import send_turn
from bot.handlers.script_texts import (
    activated_text,
    analytics_text,
    draft_text,
    history_text,
    overview_text,
    published_text,
    refusal_text,
)
from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.services.dialog_runner import DialogRunner
from bot.services.motivation import Motivation
from bot.services.script_analytics import step_figures
from bot.services.script_publishing import (
    MAX_UPLOAD_BYTES,
    Published,
    Refused,
    ScriptPublishing,
    UploadProblem,
    problem_before_download,
    upload_name,
)
from bot.services.script_triggers import SCRIPT_PURPOSE
from bot.telegram.commands import refresh_menu, script_commands, script_commands_for
from bot.telegram.script_keyboards import (
    DraftDecision,
    ScriptsAction,
    draft_keyboard,
    scripts_keyboard,
    versions_keyboard,
)
from storage.models import Person
from storage.repositories.people import PeopleRepository


def is_script_file(message: Message, person: Person | None) -> bool:
    """Staff: any document (a wrong file gets a kind refusal). Others: only .yaml files, which
    are refused and audited; their other documents go to the features that want them."""
    if person is None or message.document is None:
        return False
    return person.is_staff or upload_name(message.document.file_name).endswith((".yaml", ".yml"))


async def _download(bot: Bot, document: Document) -> bytes | None:
    """The file's bytes, or None when Telegram says it is larger than a script may be."""
    file = await bot.get_file(document.file_id)
    if (file.file_size or 0) > MAX_UPLOAD_BYTES or file.file_path is None:
        return None
    buffer = await bot.download_file(file.file_path)
    return buffer.read() if buffer is not None else None


async def on_script_file(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person,
    script_publishing: ScriptPublishing,
    runtime: Runtime,
) -> None:
    document = message.document
    assert document is not None  # is_script_file
    if not person.is_staff:
        refused = await script_publishing.refuse_non_staff(person, document.file_size)
        await message.answer(refusal_text(refused))
        return
    problem = problem_before_download(document.file_name, document.file_size)
    raw = None if problem else await _download(bot, document)
    if raw is None:
        await message.answer(refusal_text(Refused(problem or UploadProblem.TOO_LARGE)))
        return
    outcome = await script_publishing.check_upload(raw, document.file_name)
    if isinstance(outcome, Refused):
        name = upload_name(document.file_name)
        await message.answer(refusal_text(outcome, name, runtime.i18n.current_locale))
        return
    await script_publishing.remember_draft(state, outcome)
    markup = draft_keyboard(outcome.token, outcome.version)
    await message.answer(draft_text(outcome, runtime.i18n.current_locale), reply_markup=markup)


async def on_draft_decision(
    call: CallbackQuery,
    callback_data: DraftDecision,
    state: FSMContext,
    person: Person | None,
    script_publishing: ScriptPublishing,
    runtime: Runtime,
    access: AccessService,
) -> None:
    if person is None or not person.is_staff or not isinstance(call.message, Message):
        await access.refuse(person, "script_draft", None)
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    await call.message.edit_reply_markup(reply_markup=None)
    if callback_data.action != "p":
        cancelled = await script_publishing.cancel(state, callback_data.token)
        await call.message.answer(
            _("OK, nothing was published.")
            if cancelled
            else _("That upload is no longer waiting. Send the file again to publish it.")
        )
        return
    outcome = await script_publishing.publish(person, state, callback_data.token)
    locale = runtime.i18n.current_locale
    if isinstance(outcome, Published):
        # A new command trigger is in the menu before "Published" is said (its other
        # triggers are live already: the scheduler reads the active versions each pass).
        await refresh_menu(runtime_bot(call), runtime.i18n, runtime.sessionmaker)
    await call.message.answer(
        published_text(outcome, locale)
        if isinstance(outcome, Published)
        else refusal_text(outcome)
    )


async def on_scripts_command(
    message: Message,
    person: Person | None,
    script_publishing: ScriptPublishing,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_staff:
        await message.answer(_("/scripts is for staff. /help shows what I can do."))
        return
    scripts = await script_publishing.overview()
    text = overview_text(scripts, runtime.i18n.current_locale, ZoneInfo(person.timezone))
    await message.answer(text, reply_markup=scripts_keyboard([s.script_id for s in scripts]))


async def on_scripts_action(
    call: CallbackQuery,
    callback_data: ScriptsAction,
    person: Person | None,
    script_publishing: ScriptPublishing,
    runtime: Runtime,
    access: AccessService,
    session: Any,
) -> None:
    if person is None or not person.is_staff or not isinstance(call.message, Message):
        await access.refuse(person, "scripts", callback_data.script)
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    script_id = callback_data.script
    if callback_data.action == "u":
        done = await script_publishing.activate(person, script_id, callback_data.version)
        if done:
            await refresh_menu(runtime_bot(call), runtime.i18n, runtime.sessionmaker)
        text = (
            activated_text(done, runtime.i18n.current_locale)
            if done
            else _("That version does not exist any more.")
        )
        await call.message.answer(text)
        return
    live = await runtime.scripts.active_document(session, script_id, runtime.clock.now())
    if live is not None and isinstance(live.document, Script):
        figures = await step_figures(session, live.document, runtime.clock.now())
        await call.message.answer(analytics_text(script_id, figures))
    # The versions with their rollback buttons come last (the buttons stay at the bottom).
    versions = await script_publishing.history(script_id)
    others = [v.version for v in versions if not v.is_active]
    text = history_text(script_id, versions, ZoneInfo(person.timezone))
    await call.message.answer(text, reply_markup=versions_keyboard(script_id, others))


def runtime_bot(call: CallbackQuery) -> Bot:
    assert call.bot is not None
    return call.bot


class ScriptCommandFilter(BaseFilter):
    """A command that a live script answers for one of the person's roles (`command:` trigger);
    Fremad's own commands are matched by their own handlers first."""

    async def __call__(
        self, message: Message, person: Person | None, session: Any
    ) -> bool | dict[str, Any]:
        text = message.text or ""
        if person is None or person.onboarded_at is None or not text.startswith("/"):
            return False
        name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        for command in script_commands_for(person, await script_commands(session)):
            if command.name == name:
                return {"script_id": command.script_id}
        return False


async def on_script_command(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person,
    script_id: str,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
    session: Any,
) -> None:
    """Starts the script (replacing an unfinished conversation: its answers so far stay)."""
    today = runtime.clock.now().astimezone(ZoneInfo(person.timezone)).date()
    variables: dict[str, object] = {}
    mentor = await PeopleRepository(session).current_mentor(person.id)
    if mentor is not None:
        variables["mentor_name"] = mentor.first_name
    run = await dialogs.begin(
        person,
        state,
        script_id,
        purpose=SCRIPT_PURPOSE,
        for_date=today,
        ref=f"command:{today.isoformat()}",
        variables=variables,
    )
    await send_turn(bot, person, run, runtime, motivation)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_script_command, F.text.startswith("/"), ScriptCommandFilter())
    router.message.register(on_script_file, F.document, is_script_file)
    router.message.register(on_scripts_command, Command("scripts"))
    router.callback_query.register(on_draft_decision, DraftDecision.filter())
    router.callback_query.register(on_scripts_action, ScriptsAction.filter())
    return router
