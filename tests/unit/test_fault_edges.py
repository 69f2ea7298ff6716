"""The small rules under the fault handling: outage or bug, input hygiene, the polling offset,
how long a scheduled message is worth trying, and the log filter."""

from __future__ import annotations

import io
import logging
import random
from datetime import datetime, timedelta

import pytest
from aiogram.exceptions import TelegramServerError
from aiogram.methods import SendMessage
from aiogram.types import Message
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.logging_setup import PrivacyFilter
from bot.ops.failure_kind import is_infrastructure_failure
from bot.scheduling.delivery_policy import at_most_once, expires_at, next_attempt_after
from bot.telegram.polling import next_offset
from bot.telegram.update_intake import Intake, clean_payload
from tests.conftest import CPH


def _raised_from(cause: BaseException) -> ValueError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise ValueError("wrapped") from inner
    except ValueError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "outage"),
    [
        (OperationalError("SELECT 1", {}, ConnectionRefusedError()), True),
        (ConnectionRefusedError(), True),
        (RedisConnectionError("gone"), True),
        (TelegramServerError(SendMessage(chat_id=1, text="x"), "Bad Gateway"), True),
        (_raised_from(ConnectionResetError()), True),
        (IntegrityError("INSERT", {}, ValueError()), False),
        (KeyError("x"), False),
        (ValueError("bug"), False),
    ],
)
def test_infrastructure_failures_are_told_from_bugs(exc: BaseException, outage: bool) -> None:
    assert is_infrastructure_failure(exc) is outage


def test_lone_surrogates_and_control_characters_are_cleaned_at_the_edge() -> None:
    raw = {"update_id": 1, "message": {"text": "hej \ud800 der\x00\x07\n", "list": ["\udfff"]}}
    assert clean_payload(raw) == {
        "update_id": 1,
        "message": {"text": "hej \ufffd der\n", "list": ["\ufffd"]},
    }


def test_polling_offset_stops_at_the_first_update_to_be_delivered_again() -> None:
    batch = [
        (10, Intake.HANDLED),
        (11, Intake.RETRY),
        (12, Intake.QUARANTINED),
        (13, Intake.RETRY),
    ]
    assert next_offset(batch, 10) == 11
    assert next_offset([(10, Intake.HANDLED), (11, Intake.IGNORED)], 10) == 12
    assert next_offset([], 7) == 7


def test_how_long_each_kind_is_worth_trying() -> None:
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=CPH)
    assert expires_at("checkin", nine, "Europe/Copenhagen") == datetime(
        2026, 11, 24, 0, 0, tzinfo=CPH
    )
    assert expires_at("summary", nine, "Europe/Copenhagen") == nine + timedelta(hours=24)
    assert expires_at("alert", nine, "Europe/Copenhagen") == nine + timedelta(days=7)
    assert at_most_once("checkin") and at_most_once("summary") and not at_most_once("alert")


def test_back_off_doubles_with_jitter_and_is_capped_near_five_minutes() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=CPH)
    rng = random.Random(14)
    waits = [(next_attempt_after(n, now, rng) - now).total_seconds() for n in range(1, 12)]
    assert 15 <= waits[0] <= 30 and 30 <= waits[1] <= 60
    assert all(150 <= wait <= 300 for wait in waits[5:])


def _formatted(logger_name: str, exc: BaseException, *args: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PrivacyFilter())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise exc
        except BaseException:
            logger.exception("Failed to fetch updates - %s: %s", *args)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_no_name_or_text_reaches_a_log_line_through_a_library_traceback() -> None:
    raw = {
        "message_id": 1,
        "date": 1,
        "text": "jeg hedder Zqvsecret",
        "from": {"first_name": "Zqvname"},
    }
    try:
        Message.model_validate(raw)
    except ValidationError as exc:
        error = exc
    else:  # pragma: no cover - the message has no chat
        raise AssertionError("expected a ValidationError")
    output = _formatted("aiogram.dispatcher", error, "ValidationError", error)
    assert "Zqvname" not in output and "Zqvsecret" not in output
    assert "pydantic_core._pydantic_core.ValidationError" in output
    assert "Failed to fetch updates" in output
