"""A script's turn as Telegram messages: texts in order, buttons under the last one."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialogs import Button
from bot.services.dialog_runner import RunTurn


class DialogAnswer(CallbackData, prefix="d"):
    """d:<run token>:<question seq>:<value> — at most 2+8+1+4+1+16 = 32 bytes."""

    token: str
    seq: int
    value: str


def _row_width(buttons: tuple[Button, ...]) -> int:
    longest = max(len(b.label) for b in buttons)
    if longest <= 3:
        return 6  # numbers of a scale fit in one row on a phone
    if longest <= 12:
        return 2
    return 1


def keyboard(
    run: RunTurn,
    extra: list[list[InlineKeyboardButton]] | None = None,
) -> InlineKeyboardMarkup | None:
    buttons = run.turn.buttons
    rows: list[list[InlineKeyboardButton]] = []
    if buttons:
        seq = int(run.turn.state.get("seq", 0))
        width = _row_width(buttons)
        row: list[InlineKeyboardButton] = []
        for button in buttons:
            data = DialogAnswer(token=run.info.token, seq=seq, value=button.value).pack()
            row.append(InlineKeyboardButton(text=button.label, callback_data=data))
            if len(row) == width:
                rows.append(row)
                row = []
        if row:
            rows.append(row)
    rows.extend(extra or [])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


MAX_TEXT = 4096


def merged_texts(texts: list[str]) -> list[str]:
    """Consecutive texts joined into as few messages as Telegram's 4096 characters allow."""
    merged: list[str] = []
    for text in texts:
        if merged and len(merged[-1]) + 2 + len(text) <= MAX_TEXT:
            merged[-1] = f"{merged[-1]}\n\n{text}"
        else:
            merged.append(text)
    return merged


def turn_messages(
    chat_id: int,
    run: RunTurn,
    extra: list[list[InlineKeyboardButton]] | None = None,
    *,
    intro: str | None = None,
    merge: bool = False,
) -> list[SendMessage]:
    """The turn's messages, ready for the send queue or for a handler to send in order.

    `merge` joins them into one message where they fit: a scheduled message then leaves as one
    piece, so a crash can never deliver half of it (the ledger sends each delivery at most once).
    """
    texts = [text for text in ([intro] if intro else []) + list(run.turn.messages) if text.strip()]
    if merge:
        texts = merged_texts(texts)
    markup = keyboard(run, extra)
    methods = [SendMessage(chat_id=chat_id, text=text) for text in texts]
    if methods and markup is not None:
        methods[-1] = SendMessage(chat_id=chat_id, text=texts[-1], reply_markup=markup)
    return methods
