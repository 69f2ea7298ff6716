"""Running staff scripts for a person: start, answer, resume — with state in the conversation
store (database or Redis), so a question sent by one process is answered in another.

A run finishes on the script version it started on. Every recorded answer is stored at once,
pointing at that version and at the day it is about.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import (
    DialogContext,
    DialogError,
    DialogRuntimeError,
    EngineTexts,
    StateMismatch,
    SubgoalCatalogue,
    Turn,
    answer,
    current,
    start,
)
from bot.services.script_registry import ScriptRegistry
from storage.models import Answer, DeliveryStatus, Person, Role, StepShown
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.dialogs import AnswersRepository, StepStatsRepository
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)

DIALOG_STATE = "dialog:run"
SCRIPT_FAILED = "script_failed"
"""Delivery kind: staff are told a script failed at run time (bot/scheduling/script_triggers)."""
# What a broken script raises while it runs (a stored version that no longer loads, a step the
# engine cannot take): the run is stopped, never the whole update.
_SCRIPT_ERRORS = (DialogError, DialogRuntimeError, StateMismatch, KeyError)


class ScriptFailed(Exception):
    """A script could not go on; the run is closed and staff are alerted. The caller gives the
    young person a kind message."""

    def __init__(self, script_id: str, version: int | None, step: str | None) -> None:
        super().__init__(f"script {script_id} version {version} failed at step {step}")
        self.script_id = script_id
        self.version = version
        self.step = step


class ConversationStore(Protocol):
    """The slice of aiogram's FSMContext a run needs (kept as a protocol: no aiogram here)."""

    async def get_state(self) -> str | None: ...
    async def set_state(self, state: str | None = None) -> None: ...
    async def get_data(self) -> dict[str, Any]: ...
    async def set_data(self, data: Mapping[str, Any]) -> None: ...


@runtime_checkable
class RecordStorage(Protocol):
    """A storage that reads and writes state and data together, and can write inside a given
    database transaction (storage.fsm_storage.SqlStorage)."""

    async def get_record(self, key: Any) -> tuple[str | None, dict[str, Any]]: ...
    async def set_record(
        self,
        key: Any,
        state: str | None,
        data: Mapping[str, Any],
        session: AsyncSession | None = None,
    ) -> None: ...
    def shares_database(self, session: AsyncSession) -> bool: ...


def _record_storage(conversation: ConversationStore) -> RecordStorage | None:
    storage = getattr(conversation, "storage", None)
    return storage if isinstance(storage, RecordStorage) else None


async def load_conversation(conversation: ConversationStore) -> tuple[str | None, dict[str, Any]]:
    """State and data of a conversation: one read where the storage can (SqlStorage), else two
    (RedisStorage, or any other ConversationStore)."""
    storage = _record_storage(conversation)
    if storage is not None:
        return await storage.get_record(getattr(conversation, "key", None))
    return await conversation.get_state(), await conversation.get_data()


@dataclass(frozen=True)
class RunInfo:
    """What a run is for: its purpose (checkin, attendance, goal, …), the day it is about and an
    optional reference (an attendance occurrence, a goal)."""

    token: str
    script_id: str
    version: int
    purpose: str
    for_date: date
    ref: str | None = None


@dataclass(frozen=True)
class RunTurn:
    info: RunInfo
    turn: Turn


@dataclass(frozen=True)
class Stale:
    """The button belongs to a question that is no longer open."""


FinishHook = Callable[[AsyncSession, Person, RunInfo, Turn, datetime], Awaitable[None]]


@dataclass
class DialogHooks:
    """Per purpose: what a feature does when answers are recorded or a run finishes."""

    on_recorded: dict[str, FinishHook] = field(default_factory=dict)
    on_finished: dict[str, FinishHook] = field(default_factory=dict)


@dataclass
class DialogRunner:
    session: AsyncSession
    clock: Clock
    registry: ScriptRegistry
    catalogue: SubgoalCatalogue
    texts: EngineTexts
    hooks: DialogHooks
    default_locale: str = "da"

    def context(
        self,
        person: Person,
        for_date: date,
        variables: Mapping[str, object],
        active_subgoals: Sequence[str] | None = None,
    ) -> DialogContext:
        values: dict[str, object] = {"first_name": person.first_name}
        values.update(variables)
        return DialogContext(
            locale=person.locale or self.default_locale,
            variables=values,
            active_subgoals=(
                list(active_subgoals)
                if active_subgoals is not None
                else self.catalogue.default_active()
            ),
            catalogue=self.catalogue,
            texts=self.texts,
            today=for_date,
        )

    async def begin(
        self,
        person: Person,
        conversation: ConversationStore,
        script_id: str,
        *,
        purpose: str,
        for_date: date,
        ref: str | None = None,
        variables: Mapping[str, object] | None = None,
        active_subgoals: Sequence[str] | None = None,
        token: str | None = None,
    ) -> RunTurn:
        """Starts a run, replacing any unfinished one (its answers so far stay stored).
        `token`: the run's id, when the caller stored it already (new_run_token)."""
        version: int | None = None
        try:
            live = await self.registry.active(self.session, script_id, self.clock.now())
            version = live.version
            info = RunInfo(
                token or new_run_token(), script_id, live.version, purpose, for_date, ref
            )
            variables = dict(variables or {})
            context = self.context(person, for_date, variables, active_subgoals)
            turn = start(live.script, context)
        except _SCRIPT_ERRORS as exc:
            await self._failed(person, conversation, script_id, version, None, exc)
            raise ScriptFailed(script_id, version, None) from None
        await self._after_turn(person, conversation, info, turn, variables, active_subgoals)
        return RunTurn(info, turn)

    async def reply(
        self,
        person: Person,
        conversation: ConversationStore,
        raw: str,
        *,
        token: str | None = None,
        seq: int | None = None,
    ) -> RunTurn | Stale | None:
        """An answer to the open question: a button (token+seq must match) or typed text.
        None when no run is open."""
        state, data = await load_conversation(conversation)
        run = data.get("dialog")
        if state != DIALOG_STATE or not isinstance(run, dict):
            return Stale() if token is not None else None
        info = _info(run)
        if token is not None and (token != info.token or seq != run["state"].get("seq")):
            return Stale()
        variables = run.get("variables", {})
        subgoals = run.get("subgoals")
        try:
            script = await self.registry.version(self.session, info.script_id, info.version)
            context = self.context(person, info.for_date, variables, subgoals)
            turn = answer(script, run["state"], raw, context)
        except _SCRIPT_ERRORS as exc:
            step = live_step(run["state"])
            await self._failed(person, conversation, info.script_id, info.version, step, exc)
            raise ScriptFailed(info.script_id, info.version, step) from None
        await self._after_turn(person, conversation, info, turn, variables, subgoals, data)
        return RunTurn(info, turn)

    async def resume(self, person: Person, conversation: ConversationStore) -> RunTurn | None:
        """The open question again (after a restart, or when someone asks where they were)."""
        state, data = await load_conversation(conversation)
        run = data.get("dialog")
        if state != DIALOG_STATE or not isinstance(run, dict):
            return None
        info = _info(run)
        try:
            script = await self.registry.version(self.session, info.script_id, info.version)
            context = self.context(
                person, info.for_date, run.get("variables", {}), run.get("subgoals")
            )
            return RunTurn(info, current(script, run["state"], context))
        except _SCRIPT_ERRORS as exc:
            step = live_step(run["state"])
            await self._failed(person, conversation, info.script_id, info.version, step, exc)
            raise ScriptFailed(info.script_id, info.version, step) from None

    async def _failed(
        self,
        person: Person,
        conversation: ConversationStore,
        script_id: str,
        version: int | None,
        step: str | None,
        exc: BaseException,
    ) -> None:
        """Logs which script, version and step failed (never what anyone wrote), closes the
        conversation and queues an alert to every staff member (once per script version and
        day)."""
        log.error(
            "script %s version %s failed at step %s: %s",
            script_id,
            version,
            step,
            type(exc).__name__,
        )
        now = self.clock.now()
        staff = await PeopleRepository(self.session).with_role(Role.STAFF)
        await DeliveriesRepository(self.session).add_due(
            [
                NewDelivery(
                    member.id,
                    SCRIPT_FAILED,
                    f"{script_id}:{version}:{now.date().isoformat()}",
                    now,
                    {"script": script_id, "version": version, "step": step},
                )
                for member in staff
                if member.left_at is None
            ],
            now,
            DeliveryStatus.PENDING,
        )
        _state, data = await load_conversation(conversation)
        data.pop("dialog", None)
        await self._commit_and_move(conversation, None, data)

    async def open_run(self, conversation: ConversationStore) -> RunInfo | None:
        state, data = await load_conversation(conversation)
        run = data.get("dialog")
        if state != DIALOG_STATE or not isinstance(run, dict):
            return None
        return _info(run)

    async def _after_turn(
        self,
        person: Person,
        conversation: ConversationStore,
        info: RunInfo,
        turn: Turn,
        variables: Mapping[str, object],
        subgoals: Sequence[str] | None,
        loaded: dict[str, Any] | None = None,
    ) -> None:
        """Stores the turn's answers (committed), then moves the conversation on. `loaded` is the
        conversation data this update already read (a reply), so it is not read again."""
        if turn.recorded:
            now = self.clock.now()
            await AnswersRepository(self.session).add_all(
                Answer(
                    person_id=person.id,
                    script_id=info.script_id,
                    script_version=info.version,
                    run_id=info.token,
                    step_id=item.step_id,
                    key=item.key,
                    value=json.dumps(item.value, ensure_ascii=False),
                    is_free_text=item.shared_with_mentor is not None,
                    skipped=item.skipped,
                    subgoal=item.subgoal,
                    metric=item.metric,
                    local_date=info.for_date,
                    answered_at=now,
                    shared_with_mentor=bool(item.shared_with_mentor),
                )
                for item in turn.recorded
            )
            hook = self.hooks.on_recorded.get(info.purpose)
            if hook is not None:
                await hook(self.session, person, info, turn, self.clock.now())
        if turn.finished:
            hook = self.hooks.on_finished.get(info.purpose)
            if hook is not None:
                await hook(self.session, person, info, turn, self.clock.now())
        if not turn.finished and turn.step_id is not None:
            # For script analytics (reached, time to answer); re-asks add rows, the first counts.
            await StepStatsRepository(self.session).add_shown(
                StepShown(
                    person_id=person.id,
                    script_id=info.script_id,
                    script_version=info.version,
                    run_id=info.token,
                    step_id=turn.step_id,
                    shown_at=self.clock.now(),
                )
            )
        data = dict(loaded) if loaded is not None else await conversation.get_data()
        if turn.finished:
            data.pop("dialog", None)
            await self._commit_and_move(conversation, None, data)
            return
        data["dialog"] = {
            "token": info.token,
            "script_id": info.script_id,
            "version": info.version,
            "purpose": info.purpose,
            "for_date": info.for_date.isoformat(),
            "ref": info.ref,
            "state": turn.state,
            "variables": dict(variables),
            "subgoals": list(subgoals) if subgoals is not None else None,
        }
        await self._commit_and_move(conversation, DIALOG_STATE, data)

    async def _commit_and_move(
        self, conversation: ConversationStore, state: str | None, data: Mapping[str, Any]
    ) -> None:
        """Commits the turn's answers and moves the conversation on. With the conversation in
        this database (SqlStorage) both go in one commit. Otherwise (Redis) answers are
        committed first: a crash in between means the question is asked again (an answer
        stored twice), never an answer lost; and data is written before the state."""
        storage = _record_storage(conversation)
        if storage is not None and storage.shares_database(self.session):
            await storage.set_record(
                getattr(conversation, "key", None), state, data, session=self.session
            )
            await self.session.commit()
            return
        await self.session.commit()
        await conversation.set_data(data)
        await conversation.set_state(state)


def new_run_token() -> str:
    return secrets.token_hex(4)


def live_step(state: Any) -> str | None:
    """The step a run's state is at (for the log and the staff alert)."""
    if isinstance(state, Mapping):
        step = state.get("step")
        return str(step) if step is not None else None
    return None


def _info(run: Mapping[str, Any]) -> RunInfo:
    return RunInfo(
        token=str(run["token"]),
        script_id=str(run["script_id"]),
        version=int(run["version"]),
        purpose=str(run["purpose"]),
        for_date=date.fromisoformat(str(run["for_date"])),
        ref=run.get("ref"),
    )
