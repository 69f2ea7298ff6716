"""The fake Telegram, driven by a real aiogram Bot through both front doors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiohttp import web

from bot.local_telegram import FakeSession, FakeTelegram, FakeTelegramServer, RateLimitConfig
from bot.local_telegram.objects import TINY_PNG


class FakeClock:
    """Injectable monotonic clock for the rate limiter."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=t, callback_data=d) for t, d in labels_and_data]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def close_http_bot(bot: Bot) -> None:
    # AiohttpSession.close() sleeps 0.25 s for TLS shutdown; plain HTTP needs no wait.
    client = getattr(bot.session, "_session", None)
    if client is not None:
        await client.close()


@dataclass
class Door:
    core: FakeTelegram
    bot: Bot
    kind: str


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(clock: FakeClock) -> FakeTelegram:
    return FakeTelegram(clock=clock)


@pytest.fixture(params=["in_process", "http"])
async def door(request: pytest.FixtureRequest, core: FakeTelegram) -> AsyncIterator[Door]:
    if request.param == "in_process":
        yield Door(core, Bot(core.token, session=FakeSession(core)), "in_process")
        return
    async with FakeTelegramServer(core) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot(core.token, session=session)
        try:
            yield Door(core, bot, "http")
        finally:
            await close_http_bot(bot)


async def test_send_message_returns_message(door: Door) -> None:
    ada = door.core.user(42, first_name="Ada")
    await ada.send_text("hej")
    sent = await door.bot.send_message(
        42, "<b>Hej</b> &amp; velkommen", parse_mode="HTML", reply_markup=keyboard(("Ja", "y"))
    )
    assert isinstance(sent, Message)
    assert sent.message_id == 2  # the user's message was 1: one id sequence per chat
    assert sent.text == "Hej & velkommen"
    assert sent.entities and sent.entities[0].type == "bold"
    assert sent.from_user and sent.from_user.username == "fremad_test_bot"
    assert ada.last_text == "Hej & velkommen"
    assert ada.last_message.raw_text == "<b>Hej</b> &amp; velkommen"
    assert ada.buttons() == ["Ja"]
    call = door.core.calls_to("sendMessage")[-1]
    assert call.params["chat_id"] == 42 and call.params["parse_mode"] == "HTML"
    assert door.core.token not in repr(door.core.calls)


async def test_text_over_4096_visible_chars_is_too_long(door: Door) -> None:
    await door.core.user(42).send_text("hi")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await door.bot.send_message(42, "x" * 4097)
    # Tags do not count: 4096 visible characters are fine even with markup around them.
    await door.bot.send_message(42, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await door.bot.send_message(42, "<b> </b>", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_button_data_invalid(door: Door) -> None:
    await door.core.user(42).send_text("hi")
    await door.bot.send_message(42, "ok", reply_markup=keyboard(("A", "x" * 64)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await door.bot.send_message(42, "no", reply_markup=keyboard(("A", "x" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await door.bot.send_message(42, "no", reply_markup=keyboard(("Æ", "æ" * 33)))


@pytest.mark.parametrize(
    "html", ["<b>unclosed", "<br>", "a < b", "Tom & Jerry", "<span>x</span>", "<b>x</i>"]
)
async def test_invalid_html_cannot_parse_entities(door: Door, html: str) -> None:
    await door.core.user(42).send_text("hi")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await door.bot.send_message(42, html, parse_mode="HTML")


async def test_edit_to_identical_content_is_not_modified(door: Door) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    sent = await door.bot.send_message(42, "Vælg", reply_markup=keyboard(("Ja", "y")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await door.bot.edit_message_text(
            "Vælg", chat_id=42, message_id=sent.message_id, reply_markup=keyboard(("Ja", "y"))
        )
    edited = await door.bot.edit_message_text("Valgt", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "Valgt"
    assert ada.last_message.reply_markup is None  # editing text without markup removes it
    assert [v.text for v in ada.last_message.edits] == ["Vælg"]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await door.bot.edit_message_text("x", chat_id=42, message_id=999)


async def test_blocked_and_unknown_users(door: Door) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    await ada.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await door.bot.send_message(42, "hello?")
    door.core.user(43)  # exists, never wrote to the bot
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await door.bot.send_message(43, "hello?")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await door.bot.send_message(44, "hello?")
    assert door.core.count_403 == 2
    await ada.unblock()
    await door.bot.send_message(42, "welcome back")


async def test_fourth_quick_message_gets_retry_after(door: Door, clock: FakeClock) -> None:
    await door.core.user(42).send_text("hi")
    for n in range(3):
        await door.bot.send_message(42, f"msg {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await door.bot.send_message(42, "one too many")
    assert caught.value.retry_after == 1
    assert door.core.count_429 == 1
    clock.now += 1.0
    await door.bot.send_message(42, "after waiting")
    assert len(door.core.user(42).messages) == 4


async def test_per_bot_limit_spans_chats(clock: FakeClock) -> None:
    core = FakeTelegram(clock=clock, rate_limits=RateLimitConfig(bot_burst=2, bot_rate=1))
    bot = Bot(core.token, session=FakeSession(core))
    for uid in (1, 2, 3):
        await core.user(uid).send_text("hi")
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(3, "c")


async def test_get_updates_offset_confirms_earlier_updates(door: Door) -> None:
    ada = door.core.user(42)
    for text in ("one", "two", "three"):
        await ada.send_text(text)
    updates = await door.bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["one", "two", "three"]
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    again = await door.bot.get_updates(offset=ids[1], limit=1)
    assert [u.update_id for u in again] == [ids[1]]
    assert [u.update_id for u in await door.bot.get_updates()] == ids[1:]
    assert await door.bot.get_updates(offset=ids[-1] + 1) == []
    assert door.core.pending_updates == []


async def test_long_poll_waits_for_an_update(door: Door) -> None:
    poll = asyncio.create_task(door.bot.get_updates(timeout=5))
    assert await door.core.wait_for(lambda: bool(door.core.calls_to("getUpdates")), 5)
    await door.core.user(42).send_text("wake up")
    updates = await asyncio.wait_for(poll, 5)
    assert updates[0].message and updates[0].message.text == "wake up"


async def test_newer_get_updates_terminates_waiting_one(door: Door) -> None:
    first = asyncio.create_task(door.bot.get_updates(timeout=5))
    assert await door.core.wait_for(lambda: bool(door.core.calls_to("getUpdates")), 5)
    assert await door.bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 5)


async def test_webhook_blocks_get_updates(door: Door) -> None:
    await door.bot.set_webhook("https://example.test/hook", secret_token="s3cret")
    info = await door.bot.get_webhook_info()
    assert info.url == "https://example.test/hook"
    assert door.core.webhook_secret == "s3cret"
    with pytest.raises(TelegramConflictError, match="while webhook is active"):
        await door.bot.get_updates()
    await door.bot.delete_webhook()
    assert await door.bot.get_updates() == []


async def test_unexpected_method_fails_loudly_naming_it(door: Door) -> None:
    await door.core.user(42).send_text("hi")
    with pytest.raises(TelegramNotFound, match="sendPoll"):
        await door.bot.send_poll(42, "Q?", ["a", "b"])


async def test_photo_and_document_keep_bytes_and_download(door: Door) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    photo = await door.bot.send_photo(
        42, BufferedInputFile(TINY_PNG, "chart.png"), caption="<i>Uge 3</i>", parse_mode="HTML"
    )
    assert photo.photo and photo.caption == "Uge 3"
    doc = await door.bot.send_document(42, BufferedInputFile(b"%PDF-1", "plan.pdf"))
    assert doc.document and doc.document.file_name == "plan.pdf"
    assert [m.kind for m in ada.messages] == ["photo", "document"]
    assert ada.messages[1].file and ada.messages[1].file.data == b"%PDF-1"
    file = await door.bot.get_file(doc.document.file_id)
    downloaded = await door.bot.download(file)
    assert downloaded is not None and downloaded.read() == b"%PDF-1"
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await door.bot.send_document(42, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)


async def test_commands_chat_and_actions(door: Door) -> None:
    from aiogram.types import BotCommand

    await door.core.user(42, first_name="Ada").send_text("hi")
    await door.bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await door.bot.get_my_commands()] == ["start"]
    await door.bot.delete_my_commands()
    assert await door.bot.get_my_commands() == []
    assert (await door.bot.get_chat(42)).first_name == "Ada"
    assert await door.bot.send_chat_action(42, "typing")
    me = await door.bot.get_me()
    assert me.username == "fremad_test_bot"


async def test_wrong_token_is_unauthorized(core: FakeTelegram) -> None:
    async with FakeTelegramServer(core) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot("999:wrong", session=session)
        try:
            with pytest.raises(TelegramUnauthorizedError):
                await bot.get_me()
        finally:
            await close_http_bot(bot)


def echo_router() -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(
            f"echo: {message.text}", reply_markup=keyboard(("Tak", "thanks"), ("Stop", "stop"))
        )

    @router.callback_query(F.data == "thanks")
    async def thanks(query: CallbackQuery) -> None:
        await query.answer("Selv tak", show_alert=True)
        assert isinstance(query.message, Message)
        await query.message.edit_text("Du sagde tak")

    return router


async def test_in_process_dispatcher_handles_text_and_click(core: FakeTelegram) -> None:
    bot = Bot(core.token, session=FakeSession(core))
    dp = Dispatcher()
    dp.include_router(echo_router())
    core.feed_dispatcher(dp, bot)
    ada = core.user(42)
    await ada.send_text("hej")
    assert ada.last_text == "echo: hej"
    assert ada.buttons() == ["Tak", "Stop"]
    await ada.click("Tak")
    assert ada.callback_answers[-1].text == "Selv tak"
    assert ada.callback_answers[-1].show_alert
    assert ada.last_text == "Du sagde tak" and len(ada.messages) == 1
    with pytest.raises(AssertionError, match="no bot message with inline buttons"):
        await ada.click("Tak")


async def test_click_unknown_label_lists_buttons(core: FakeTelegram) -> None:
    bot = Bot(core.token, session=FakeSession(core))
    ada = core.user(42)
    await ada.send_text("hi")
    await bot.send_message(42, "Vælg", reply_markup=keyboard(("Ja tak", "y"), ("Nej", "n")))
    with pytest.raises(AssertionError, match=r"\['Ja tak', 'Nej'\]"):
        await ada.click("Måske")
    await ada.click("Ja")  # substring match when there is no exact label
    assert core.callback_queries[next(iter(core.callback_queries))].data == "y"


async def test_echo_bot_polling_over_http(core: FakeTelegram) -> None:
    async with FakeTelegramServer(core) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot(core.token, session=session)
        dp = Dispatcher()
        dp.include_router(echo_router())
        polling = asyncio.create_task(
            dp.start_polling(bot, handle_signals=False, close_bot_session=False)
        )
        try:
            ada = core.user(42)
            await ada.send_text("hej")
            [reply] = await ada.wait_for_messages(1, timeout=5)
            assert reply.text == "echo: hej"
            await ada.click("Tak")
            assert await core.wait_for(lambda: bool(ada.callback_answers), 5)
            await core.wait_until_idle(timeout=5)
            assert ada.last_text == "Du sagde tak"
            assert ada.callback_answers[0].text == "Selv tak"
        finally:
            await dp.stop_polling()
            await asyncio.wait_for(polling, 5)
            await close_http_bot(bot)


async def test_block_sends_my_chat_member_update(core: FakeTelegram) -> None:
    seen: list[dict[str, object]] = []

    async def sink(update: dict[str, object]) -> None:
        seen.append(update)

    core.set_update_sink(sink)
    ada = core.user(42)
    await ada.send_command("start", "CODE")
    await ada.block()
    message = seen[0]["message"]
    assert isinstance(message, dict) and message["text"] == "/start CODE"
    member = seen[1]["my_chat_member"]
    assert isinstance(member, dict)
    assert member["new_chat_member"] == {
        "status": "kicked",
        "user": core.bot_user(),
        "until_date": 0,
    }


async def test_group_chat_message_has_negative_id(core: FakeTelegram) -> None:
    update = await core.group_chat_message(core.user(42), "hej alle")
    chat = update["message"]["chat"]
    assert chat["type"] == "group" and chat["id"] < 0


async def test_deliver_webhook_sends_secret_header(core: FakeTelegram) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with FakeTelegramServer(core) as server:
            bot = Bot(core.token, session=FakeSession(core))
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
            update = await core.user(42).send_text("via webhook")
            assert await server.deliver_pending_webhooks() == [200]
            assert received == [("s3cret", update)]
            assert await server.deliver_webhook(update, secret=None) == 200
            assert received[-1][0] is None
    finally:
        await runner.cleanup()


async def test_default_parse_mode_enum_is_sent_as_its_value(door: Door) -> None:
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    bot = Bot(
        door.core.token,
        session=door.bot.session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    await door.core.user(42).send_text("hi")
    sent = await bot.send_message(42, "<b>fed</b>")
    assert sent.text == "fed"
    assert door.core.calls_to("sendMessage")[-1].params["parse_mode"] == "HTML"


async def test_server_accepts_json_bodies_and_get_queries(core: FakeTelegram) -> None:
    from aiohttp import ClientSession

    await core.user(42).send_text("hi")
    async with FakeTelegramServer(core) as server, ClientSession() as http:
        url = f"{server.base_url}/bot{core.token}"
        async with http.get(f"{url}/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "fremad_test_bot"
        payload = {"chat_id": 42, "text": "json", "disable_notification": True}
        async with http.post(f"{url}/sendMessage", json=payload) as resp:
            assert resp.status == 200
        async with http.post(f"{url}/sendMessage", data={"chat_id": "42"}) as resp:
            body = await resp.json()
            assert resp.status == 400
            assert body == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
    assert core.user(42).last_text == "json"
    assert core.calls_to("sendMessage")[0].params["disable_notification"] is True


async def test_inline_button_without_an_action_is_refused(door: Door) -> None:
    await door.core.user(42).send_text("hi")
    for button in (
        InlineKeyboardButton(text="Bare"),
        InlineKeyboardButton(text="Styled", style="primary"),
    ):
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
            await door.bot.send_message(42, "no", reply_markup=markup)
    url_button = InlineKeyboardButton(text="Web", url="https://example.test")
    sent = await door.bot.send_message(
        42, "ok", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[url_button]])
    )
    assert sent.reply_markup is not None


async def test_callback_data_of_exactly_64_multibyte_bytes_is_accepted(door: Door) -> None:
    await door.core.user(42).send_text("hi")
    await door.bot.send_message(42, "ok", reply_markup=keyboard(("Æ", "æ" * 32)))
    assert door.core.user(42).last_message.buttons()[0].callback_data == "æ" * 32


async def test_empty_inline_keyboard_means_no_keyboard(door: Door) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    empty = InlineKeyboardMarkup(inline_keyboard=[])
    sent = await door.bot.send_message(42, "Hej", reply_markup=empty)
    assert sent.reply_markup is None and ada.last_message.reply_markup is None
    for markup in (None, empty):
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await door.bot.edit_message_reply_markup(
                chat_id=42, message_id=sent.message_id, reply_markup=markup
            )
    with_keyboard = await door.bot.send_message(42, "Vælg", reply_markup=keyboard(("Ja", "y")))
    await door.bot.edit_message_reply_markup(
        chat_id=42, message_id=with_keyboard.message_id, reply_markup=empty
    )
    assert ada.last_message.reply_markup is None and ada.last_message.buttons() == []


async def test_edit_ignores_the_reply_keyboard_of_a_message(door: Door) -> None:
    from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

    ada = door.core.user(42)
    await ada.send_text("hi")
    reply_keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Ja")]])
    sent = await door.bot.send_message(42, "Svar", reply_markup=reply_keyboard)
    assert sent.reply_markup is None  # Message.reply_markup only ever holds inline keyboards
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await door.bot.edit_message_text("Svar", chat_id=42, message_id=sent.message_id)
    await door.bot.edit_message_text("Svar nu", chat_id=42, message_id=sent.message_id)
    assert ada.last_message.reply_markup == {"keyboard": [[{"text": "Ja"}]]}


async def test_length_limits_count_code_points_not_utf16_units(door: Door) -> None:
    # Measured on real Telegram: 4096 emoji (8192 UTF-16 units) are accepted, 4097 refused.
    await door.core.user(42).send_text("hi")
    await door.bot.send_message(42, "😀" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await door.bot.send_message(42, "😀" * 4097)
    await door.bot.send_document(42, BufferedInputFile(b"x", "a.txt"), caption="😀" * 1024)


async def test_caption_limit_is_1024_visible_characters(door: Door, clock: FakeClock) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    doc = await door.bot.send_document(
        42, BufferedInputFile(b"x", "a.txt"), caption=f"<b>{'c' * 1024}</b>", parse_mode="HTML"
    )
    assert doc.caption == "c" * 1024
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await door.bot.send_photo(42, BufferedInputFile(TINY_PNG, "p.png"), caption="c" * 1025)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await door.bot.edit_message_caption(
            chat_id=42, message_id=doc.message_id, caption="c" * 1025
        )
    clock.now += 5
    edited = await door.bot.edit_message_caption(chat_id=42, message_id=doc.message_id)
    assert isinstance(edited, Message) and edited.caption is None  # no caption removes it


async def test_uploads_reuse_file_ids_and_reject_non_images(door: Door) -> None:
    ada = door.core.user(42)
    await ada.send_text("hi")
    doc = await door.bot.send_document(42, BufferedInputFile(b"%PDF-1", "plan æø.pdf"))
    assert doc.document and doc.document.file_name == "plan æø.pdf"
    again = await door.bot.send_document(42, doc.document.file_id)
    assert again.document and again.document.file_id == doc.document.file_id
    assert ada.last_message.file and ada.last_message.file.data == b"%PDF-1"
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await door.bot.send_photo(42, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="file must be non-empty"):
        await door.bot.send_document(42, BufferedInputFile(b"", "empty.txt"))


async def test_callback_answer_text_limit_and_single_answer(core: FakeTelegram) -> None:
    bot = Bot(core.token, session=FakeSession(core))
    ada = core.user(42)
    await ada.send_text("hi")
    await bot.send_message(42, "Vælg", reply_markup=keyboard(("Ja", "y")))
    first = await ada.click("Ja")
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(first, text="x" * 201)
    assert await bot.answer_callback_query(first, text="x" * 200)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(first)


async def test_click_index_taps_by_number_in_reading_order(core: FakeTelegram) -> None:
    bot = Bot(core.token, session=FakeSession(core))
    ada = core.user(42)
    await ada.send_text("hi")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Ok", callback_data="a"),
                InlineKeyboardButton(text="Ok", callback_data="b"),
            ],
            [InlineKeyboardButton(text="Web", url="https://example.test")],
            [InlineKeyboardButton(text="Ok", callback_data="c")],
        ]
    )
    sent = await bot.send_message(42, "Vælg", reply_markup=markup)
    await bot.send_message(42, "Nyere", reply_markup=keyboard(("Ny", "n")))
    first = ada.messages[0]
    assert [b.callback_data for b in first.buttons()] == ["a", "b", None, "c"]
    await ada.click_index(2, in_message=first)
    await ada.click_index(4, in_message=first)
    await ada.click_index(1)  # the latest message with buttons
    assert [q.data for q in core.callback_queries.values()] == ["b", "c", "n"]
    with pytest.raises(AssertionError, match="not a callback button"):
        await ada.click_index(3, in_message=first)
    with pytest.raises(AssertionError, match=r"no button number 5 .*'4\. Ok'"):
        await ada.click_index(5, in_message=first)
    await bot.delete_message(42, sent.message_id)
    with pytest.raises(AssertionError, match="was deleted"):
        await ada.click_index(1, in_message=first)


async def test_terminated_poll_gets_telegrams_full_conflict_text(door: Door) -> None:
    first = asyncio.create_task(door.bot.get_updates(timeout=5))
    assert await door.core.wait_for(lambda: bool(door.core.calls_to("getUpdates")), 5)
    await door.bot.get_updates(timeout=0)
    with pytest.raises(TelegramConflictError, match="make sure that only one bot instance"):
        await asyncio.wait_for(first, 5)


async def test_message_dates_follow_the_injected_wall_clock() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.clock import ManualClock

    wall = ManualClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    core = FakeTelegram(rate_limits=False, wall_clock=wall.now)
    bot = Bot(core.token, session=FakeSession(core))
    update = await core.user(42).send_text("hi")
    assert update["message"]["date"] == int(wall.now().timestamp())
    sent = await bot.send_message(42, "Hej")
    assert sent.date == wall.now()
    wall.advance(timedelta(minutes=5))
    edited = await bot.edit_message_text("Hej igen", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.edit_date == int(wall.now().timestamp())
    seconds = FakeTelegram(wall_clock=lambda: 1_700_000_000.9)
    assert seconds.now() == 1_700_000_000
