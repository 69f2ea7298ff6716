"""One scheduler pass: plan what is due, claim it, send it, record the outcome.

The database is the truth; this module only moves rows of the deliveries ledger along::

    pending ──claim──▶ claimed ──commit "sending"──▶ sending ──▶ sent | blocked | failed
       ▲  │               │                           ├─(process died)──▶ uncertain
       │  │               │                           └─(Telegram/network away)──┐
       │  │               └─(holder died; lease over)──▶ pending again            │
       │  ├─(due before the grace window, never tried)──▶ missed                  │
       │  └─(retried until the message no longer makes sense)──▶ expired          │
       └──────────────── back-off with jitter, up to ~5 min ◀────────────────────┘

Crash semantics, in plain words:
- Planning is idempotent: (person, kind, slot) is unique, so re-planning after a restart, or by
  a second instance, inserts nothing new.
- A claim only reserves a row. Right before a delivery's first message leaves, the row is moved
  claimed → sending and COMMITTED, by the claim holder only (a conditional update). So a row is
  sent by at most one process, even if a lease ran out and someone else re-claimed it.
- A process killed at any moment never sends anything twice: on the next pass, rows it left
  ``claimed`` (nothing left yet) go back to pending and are sent once; rows it left ``sending``
  (a message may have been on the wire) become ``uncertain`` and are not resent. So every due
  delivery is sent exactly once, except those in flight at the instant of a crash (first
  message gone, last one not yet confirmed), which are sent at most once: each of their
  messages arrived once or not at all. A clean shutdown lets requests on the wire finish.
- After downtime, a pass catches up on what became due within the grace window and records the
  older ones (up to the look-back) as ``missed`` — never sent late.
- Outages wait: a send that failed for a retryable reason (5xx, network) goes back to pending
  with a next-attempt time (bot/scheduling/delivery_policy.py: exponential back-off with jitter,
  capped at about 5 minutes) for as long as the message makes sense, then ``expired``.
- Lost answers: per kind, at least once (alerts: sent again) or at most once with a "did it
  arrive?" check (everything else; bot/telegram/arrival_check.py). Rows a dead process left
  ``uncertain`` are reconciled by the next pass the same way.
- Alerts that cannot reach the mentor (blocked, expired) go to staff.
- Two instances on PostgreSQL claim disjoint rows (FOR UPDATE SKIP LOCKED); on SQLite the claim
  is one UPDATE ... RETURNING, which SQLite serialises.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.scheduling import delivery_policy as policy
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.crisis_detection import CrisisRules
from bot.services.crisis_outbox import CrisisOutbox, replay_outbox
from bot.services.message_budget import MessageBudget
from bot.telegram.send_queue import SendMethod, SendOutcome, SendQueue, SendResult
from storage.models import Delivery, DeliveryStatus, Person, Role
from storage.repositories.deliveries import (
    DeliveriesRepository,
    NewDelivery,
    ScheduleCandidatesRepository,
)
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)

# A composer that raised is tried again on later passes, this many claims in all.
MAX_COMPOSE_ATTEMPTS = 3
COMPOSE_RETRY_DELAY = timedelta(minutes=2)
# Claimed batches being sent at once: one sends while the next is claimed and composed.
BATCHES_IN_FLIGHT = 2
RECORD_FLUSH_SECONDS = 0.5


@dataclass
class TickReport:
    now: datetime
    planned: int = 0
    recorded_missed: int = 0
    released_claims: int = 0
    uncertain: int = 0
    claimed: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0
    retried: int = 0
    skipped: int = 0
    planner_errors: int = 0
    # Outages: sends put back for later, rows given up on, in-flight rows reconciled,
    # alerts re-addressed to staff, crisis outbox entries completed.
    requeued: int = 0
    expired: int = 0
    reconciled: int = 0
    to_staff: int = 0
    outbox_completed: int = 0

    def as_dict(self) -> dict[str, int | str]:
        values: dict[str, int | str] = dict(vars(self))
        values["now"] = self.now.isoformat()
        return values


@dataclass
class TickState:
    """Per process: how far planning got, and the last good pass (for health checks)."""

    planned_until: datetime | None = None
    last_success_at: datetime | None = None
    last_duration_seconds: float | None = None
    last_report: TickReport | None = None


@dataclass
class TickContext:
    settings: Settings
    clock: Clock
    sessionmaker: async_sessionmaker[AsyncSession]
    registry: DeliveryRegistry
    send_queue: SendQueue
    i18n: I18n
    bot: Bot
    storage: BaseStorage
    instance_id: str
    state: TickState = field(default_factory=TickState)
    monotonic: Callable[[], float] = time.monotonic
    crisis_outbox: CrisisOutbox | None = None
    crisis_rules: CrisisRules | None = None
    # Called with each pass's report (metrics: expired and requeued deliveries).
    on_report: Callable[[TickReport], None] | None = None

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.settings.scheduler_grace_minutes)


async def run_tick(ctx: TickContext, now: datetime) -> TickReport:
    """One pass as if it were ``now``: recover, plan, record missed, send what is due."""
    started = ctx.monotonic()
    report = TickReport(now=now)
    grace_start = now - ctx.grace
    await _recover_stale(ctx, report)
    await _reconcile_uncertain(ctx, now, report)
    if ctx.crisis_outbox is not None and ctx.crisis_rules is not None:
        report.outbox_completed = await replay_outbox(
            ctx.crisis_outbox, ctx.sessionmaker, ctx.clock, ctx.crisis_rules
        )
    await _plan(ctx, now, grace_start, report)
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        report.recorded_missed += await repo.mark_overdue_missed(grace_start)
        expired = await repo.expire(now)
        report.expired += len(expired)
        report.to_staff += await _alerts_to_staff(session, expired, now)
        await session.commit()
    await _send_due(ctx, now, grace_start, report)
    ctx.state.last_success_at = ctx.clock.now()
    ctx.state.last_duration_seconds = ctx.monotonic() - started
    ctx.state.last_report = report
    if ctx.on_report is not None:
        ctx.on_report(report)
    return report


async def send_now(ctx: TickContext, slot_keys: Sequence[str]) -> TickReport:
    """Sends the pending deliveries with these slot keys now, through the ledger (so the
    next pass never sends them again): a crisis alert leaves in the update that raised it."""
    now = ctx.clock.now()
    report = TickReport(now=now)

    async def claim(repo: DeliveriesRepository) -> Sequence[Delivery]:
        return await repo.claim_slots(slot_keys, instance=ctx.instance_id, claimed_at=now)

    batch = await _claim_and_submit(ctx, now, report, claim)
    if batch:
        await _record_outcomes(ctx, batch, report)
    return report


async def _reconcile_uncertain(ctx: TickContext, now: datetime, report: TickReport) -> None:
    """Rows a dead process left in flight: at-least-once kinds go again; at-most-once rows
    that know the chat's last message id go back to be checked first; the rest stay."""
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        for row, timezone in await repo.uncertain():
            if policy.at_most_once(row.kind) and row.check_after_message_id is None:
                continue
            until = policy.expires_at(row.kind, row.due_at, timezone)
            if until > now and await repo.requeue_uncertain(row.id, now, until):
                report.reconciled += 1
        await session.commit()


async def _alerts_to_staff(session: AsyncSession, rows: Sequence[Delivery], now: datetime) -> int:
    """An alert the mentor could not get (blocked the bot, or Telegram away until it
    expired) goes to staff as well."""
    wanted = [
        row
        for row in rows
        if row.kind in policy.AT_LEAST_ONCE_KINDS and not row.slot_key.endswith(":staff")
    ]
    if not wanted:
        return 0
    people = PeopleRepository(session)
    staff = [person for person in await people.with_role(Role.STAFF) if person.left_at is None]
    items = [
        NewDelivery(member.id, row.kind, f"{row.slot_key}:staff", now, json.loads(row.payload))
        for row in wanted
        for member in staff
        if member.id != row.person_id
    ]
    if not items:
        return 0
    return await DeliveriesRepository(session).add_due(items, now, DeliveryStatus.PENDING)


async def _recover_stale(ctx: TickContext, report: TickReport) -> None:
    cutoff = ctx.clock.now() - timedelta(seconds=ctx.settings.scheduler_lease_seconds)
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        report.released_claims = await repo.release_stale_claims(cutoff)
        report.uncertain = await repo.mark_stale_sending_uncertain(cutoff)
        await session.commit()
    if report.uncertain:
        log.warning(
            "%d deliveries were in flight when a process died: uncertain", report.uncertain
        )


async def _plan(
    ctx: TickContext, now: datetime, grace_start: datetime, report: TickReport
) -> None:
    planned_until = ctx.state.planned_until
    lookback = timedelta(hours=ctx.settings.scheduler_lookback_hours)
    since = planned_until if planned_until and planned_until <= now else now - lookback
    all_planned = True
    for kind, planner in ctx.registry.planners():
        async with ctx.sessionmaker() as session:
            window = PlanWindow(session, since, now, grace_start, ctx.settings)
            try:
                items = await planner(window)
                repo = DeliveriesRepository(session)
                late = [item for item in items if item.due_at < grace_start]
                timely = [item for item in items if item.due_at >= grace_start]
                report.planned += await repo.add_due(timely, now, DeliveryStatus.PENDING)
                report.recorded_missed += await repo.add_due(late, now, DeliveryStatus.MISSED)
                await session.commit()
            except Exception as exc:
                all_planned = False
                report.planner_errors += 1
                log.exception("planner for %s failed: %s", kind, type(exc).__name__)
    if all_planned:
        ctx.state.planned_until = now


async def _send_due(
    ctx: TickContext, now: datetime, grace_start: datetime, report: TickReport
) -> None:
    claim_lock = asyncio.Lock()

    async def claim(repo: DeliveriesRepository) -> Sequence[Delivery]:
        return await repo.claim_due(
            now=now,
            not_before=grace_start,
            limit=ctx.settings.scheduler_claim_batch,
            instance=ctx.instance_id,
            claimed_at=ctx.clock.now(),
        )

    async def worker() -> None:
        while True:
            async with claim_lock:
                batch = await _claim_and_submit(ctx, now, report, claim)
            if batch is None:
                return
            await _record_outcomes(ctx, batch, report)

    await asyncio.gather(*(worker() for _ in range(BATCHES_IN_FLIGHT)))


@dataclass
class _Submitted:
    delivery: Delivery
    results: list[asyncio.Future[SendResult]]
    timezone: str = "UTC"


class _SendingGate:
    """Commits claimed → sending right before a delivery's first message leaves (with the
    chat's last known message id, for a "did it arrive?" check after a crash)."""

    def __init__(self, ctx: TickContext, delivery_id: int, chat_id: int) -> None:
        self.ctx = ctx
        self.delivery_id = delivery_id
        self.chat_id = chat_id
        self.allowed: bool | None = None

    async def first(self) -> bool:
        last_id = self.ctx.send_queue.arrivals.last_id(self.chat_id)
        async with self.ctx.sessionmaker() as session:
            self.allowed = await DeliveriesRepository(session).start_sending(
                self.delivery_id, self.ctx.instance_id, self.ctx.clock.now(), last_id
            )
            await session.commit()
        return self.allowed

    async def rest(self) -> bool:
        return bool(self.allowed)


async def _claim_and_submit(
    ctx: TickContext,
    now: datetime,
    report: TickReport,
    claim: Callable[[DeliveriesRepository], Awaitable[Sequence[Delivery]]],
) -> list[_Submitted] | None:
    """Claims one batch, composes each delivery and hands its messages to the send queue."""
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        claimed = await claim(repo)
        await session.commit()
        if not claimed:
            return None
        report.claimed += len(claimed)
        people = await ScheduleCandidatesRepository(session).people_by_id(
            row.person_id for row in claimed
        )
        compose_ctx = ComposeContext(session, now, ctx.settings, ctx.i18n, ctx.bot, ctx.storage)
        budget = MessageBudget(session)
        submitted: list[_Submitted] = []
        for row in claimed:
            methods = await _compose(
                ctx, compose_ctx, repo, row, people.get(row.person_id), report, budget
            )
            # Commit per delivery: under SQLite an uncommitted write here (a "nothing to send"
            # mark) would hold the one write lock while the next composer writes from its own
            # session, which then waits and fails ("database is locked"; found by the fuzz test).
            await session.commit()
            if not methods:
                continue
            person = people[row.person_id]
            gate = _SendingGate(ctx, row.id, int(methods[0].chat_id))
            at_most_once = policy.at_most_once(row.kind)
            futures = [
                ctx.send_queue.submit(
                    int(method.chat_id),
                    method,
                    before_send=gate.rest if index else gate.first,
                    at_most_once=at_most_once,
                    check_after=None if index else row.check_after_message_id,
                )
                for index, method in enumerate(methods)
            ]
            submitted.append(_Submitted(row, futures, person.timezone))
        await session.commit()
    return submitted


async def _compose(
    ctx: TickContext,
    compose_ctx: ComposeContext,
    repo: DeliveriesRepository,
    row: Delivery,
    person: Person | None,
    report: TickReport,
    budget: MessageBudget,
) -> Sequence[SendMethod]:
    """The delivery's messages, or () after recording why there are none."""
    now = ctx.clock.now()
    if person is None or person.left_at is not None or person.unreachable_since is not None:
        report.cancelled += 1
        await repo.finish(row.id, ctx.instance_id, DeliveryStatus.CANCELLED, now, "not_reachable")
        return ()
    # The young person's daily budget of unsolicited messages (bot/services/message_budget.py).
    due = DueDelivery.from_row(row)
    in_reply = due.payload.get("in_reply") is True
    if not await budget.allows(person, row.kind, row.id, compose_ctx.now, in_reply=in_reply):
        report.cancelled += 1
        await repo.finish(row.id, ctx.instance_id, DeliveryStatus.CANCELLED, now, "over_budget")
        return ()
    composer = ctx.registry.composer(row.kind)
    if composer is None:
        report.failed += 1
        await repo.finish(row.id, ctx.instance_id, DeliveryStatus.FAILED, now, "no_composer")
        return ()
    try:
        methods = await composer(compose_ctx, due, person)
    except Exception as exc:
        log.exception("composer for %s failed: %s", row.kind, type(exc).__name__)
        if row.attempts < MAX_COMPOSE_ATTEMPTS:
            report.retried += 1
            await repo.retry_later(row.id, ctx.instance_id, now + COMPOSE_RETRY_DELAY, "compose")
        else:
            report.failed += 1
            await repo.finish(row.id, ctx.instance_id, DeliveryStatus.FAILED, now, "compose")
        return ()
    if not methods:
        report.cancelled += 1
        await repo.finish(
            row.id, ctx.instance_id, DeliveryStatus.CANCELLED, now, "nothing_to_send"
        )
    return methods


@dataclass(frozen=True)
class Outcome:
    """What to write for one delivery. ``status`` PENDING means: back to the ledger (the queue
    closed before anything left, or an outage: then ``retry`` is True)."""

    status: DeliveryStatus | None
    error: str | None = None
    retry: bool = False
    check_after_message_id: int | None = None


async def _record_outcomes(ctx: TickContext, batch: list[_Submitted], report: TickReport) -> None:
    """Waits for each delivery's messages in turn and records the outcomes.

    Outcomes are written in short transactions about every RECORD_FLUSH_SECONDS, not one per
    message: fewer commits keep SQLite's single writer free for the "sending" marks on the
    send path. A crash before a flush leaves those rows "sending" → uncertain (reconciled).
    """
    outcomes: list[tuple[_Submitted, Outcome, datetime]] = []
    last_flush = ctx.monotonic()
    for item in batch:
        results = list(await asyncio.gather(*item.results))
        outcome = delivery_outcome(results, at_most_once=policy.at_most_once(item.delivery.kind))
        if outcome.status is None:
            report.skipped += 1
            continue
        counter = {
            DeliveryStatus.SENT: "sent",
            DeliveryStatus.BLOCKED: "blocked",
            DeliveryStatus.FAILED: "failed",
            DeliveryStatus.UNCERTAIN: "uncertain",
        }.get(outcome.status)
        if outcome.retry:
            counter = "requeued"
        if counter is not None:
            setattr(report, counter, getattr(report, counter) + 1)
        outcomes.append((item, outcome, ctx.clock.now()))
        if ctx.monotonic() - last_flush >= RECORD_FLUSH_SECONDS:
            await _write_outcomes(ctx, outcomes, report)
            outcomes, last_flush = [], ctx.monotonic()
    await _write_outcomes(ctx, outcomes, report)


async def _write_outcomes(
    ctx: TickContext, outcomes: list[tuple[_Submitted, Outcome, datetime]], report: TickReport
) -> None:
    if not outcomes:
        return
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        blocked: list[Delivery] = []
        for item, outcome, at in outcomes:
            row = item.delivery
            if outcome.retry:
                await repo.retry_later(
                    row.id,
                    ctx.instance_id,
                    policy.next_attempt_after(row.attempts, at),
                    outcome.error or "retry",
                    expires_at=row.expires_at
                    or policy.expires_at(row.kind, row.due_at, item.timezone),
                    check_after_message_id=outcome.check_after_message_id,
                )
            elif outcome.status is DeliveryStatus.PENDING:
                # Nothing left (the queue closed first): hand it back if it is still claimed.
                await repo.release_claim(row.id, ctx.instance_id)
            elif outcome.status is not None:
                await repo.finish(row.id, ctx.instance_id, outcome.status, at, outcome.error)
                if outcome.status is DeliveryStatus.BLOCKED:
                    blocked.append(row)
        report.to_staff += await _alerts_to_staff(session, blocked, ctx.clock.now())
        await session.commit()


def delivery_outcome(results: Sequence[SendResult], *, at_most_once: bool = True) -> Outcome:
    """One delivery's outcome from its messages' results.

    None: another instance holds it (before_send said no). PENDING: back to the ledger —
    nothing was attempted because the queue closed, or it failed for a retryable reason
    (``retry``; an at-most-once delivery only when none of its messages went out).
    UNCERTAIN: at most once, and whether it arrived can never be told.
    """
    outcomes = [result.outcome for result in results]
    if all(outcome is SendOutcome.SKIPPED for outcome in outcomes):
        return Outcome(None)
    if all(r.outcome is SendOutcome.DROPPED and r.error == "shutdown" for r in results):
        return Outcome(DeliveryStatus.PENDING)
    if all(outcome is SendOutcome.SENT for outcome in outcomes):
        return Outcome(DeliveryStatus.SENT)
    if any(result.error == "forbidden" for result in results):
        return Outcome(DeliveryStatus.BLOCKED, "forbidden")
    failures = [r for r in results if r.outcome is not SendOutcome.SENT]
    first_error = failures[0].error
    any_sent = len(failures) < len(results)
    if all(r.retryable for r in failures) and not (at_most_once and any_sent):
        check_after = next(
            (r.check_after_message_id for r in failures if r.check_after_message_id), None
        )
        return Outcome(DeliveryStatus.PENDING, first_error, True, check_after)
    if at_most_once and any(r.error == "unconfirmed" for r in failures):
        return Outcome(DeliveryStatus.UNCERTAIN, "unconfirmed")
    return Outcome(DeliveryStatus.FAILED, first_error)
