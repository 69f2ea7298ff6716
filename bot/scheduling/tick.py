"""One scheduler pass: plan what is due, claim it, send it, record the outcome.

The database is the truth; this module only moves rows of the deliveries ledger along::

    pending ──claim──▶ claimed ──commit "sending"──▶ sending ──▶ sent | blocked | failed
       │                  │                           └─(process died)──▶ uncertain
       │                  └─(holder died; lease over)──▶ pending again (nothing had left)
       └─(due before the grace window)──▶ missed

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
- Two instances on PostgreSQL claim disjoint rows (FOR UPDATE SKIP LOCKED); on SQLite the claim
  is one UPDATE ... RETURNING, which SQLite serialises.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.message_budget import MessageBudget
from bot.telegram.send_queue import SendMethod, SendOutcome, SendQueue, SendResult
from storage.models import Delivery, DeliveryStatus, Person
from storage.repositories.deliveries import DeliveriesRepository, ScheduleCandidatesRepository

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

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.settings.scheduler_grace_minutes)


async def run_tick(ctx: TickContext, now: datetime) -> TickReport:
    """One pass as if it were ``now``: recover, plan, record missed, send what is due."""
    started = ctx.monotonic()
    report = TickReport(now=now)
    grace_start = now - ctx.grace
    await _recover_stale(ctx, report)
    await _plan(ctx, now, grace_start, report)
    async with ctx.sessionmaker() as session:
        report.recorded_missed += await DeliveriesRepository(session).mark_overdue_missed(
            grace_start
        )
        await session.commit()
    await _send_due(ctx, now, grace_start, report)
    ctx.state.last_success_at = ctx.clock.now()
    ctx.state.last_duration_seconds = ctx.monotonic() - started
    ctx.state.last_report = report
    return report


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

    async def worker() -> None:
        while True:
            async with claim_lock:
                batch = await _claim_and_submit(ctx, now, grace_start, report)
            if batch is None:
                return
            await _record_outcomes(ctx, batch, report)

    await asyncio.gather(*(worker() for _ in range(BATCHES_IN_FLIGHT)))


@dataclass
class _Submitted:
    delivery: Delivery
    results: list[asyncio.Future[SendResult]]


class _SendingGate:
    """Commits claimed → sending right before a delivery's first message leaves."""

    def __init__(self, ctx: TickContext, delivery_id: int) -> None:
        self.ctx = ctx
        self.delivery_id = delivery_id
        self.allowed: bool | None = None

    async def first(self) -> bool:
        async with self.ctx.sessionmaker() as session:
            self.allowed = await DeliveriesRepository(session).start_sending(
                self.delivery_id, self.ctx.instance_id, self.ctx.clock.now()
            )
            await session.commit()
        return self.allowed

    async def rest(self) -> bool:
        return bool(self.allowed)


async def _claim_and_submit(
    ctx: TickContext, now: datetime, grace_start: datetime, report: TickReport
) -> list[_Submitted] | None:
    """Claims one batch, composes each delivery and hands its messages to the send queue."""
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        claimed = await repo.claim_due(
            now=now,
            not_before=grace_start,
            limit=ctx.settings.scheduler_claim_batch,
            instance=ctx.instance_id,
            claimed_at=ctx.clock.now(),
        )
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
            gate = _SendingGate(ctx, row.id)
            futures = [
                ctx.send_queue.submit(
                    int(method.chat_id), method, before_send=gate.rest if index else gate.first
                )
                for index, method in enumerate(methods)
            ]
            submitted.append(_Submitted(row, futures))
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
    if not await budget.allows(person, row.kind, row.id, compose_ctx.now):
        report.cancelled += 1
        await repo.finish(row.id, ctx.instance_id, DeliveryStatus.CANCELLED, now, "over_budget")
        return ()
    composer = ctx.registry.composer(row.kind)
    if composer is None:
        report.failed += 1
        await repo.finish(row.id, ctx.instance_id, DeliveryStatus.FAILED, now, "no_composer")
        return ()
    try:
        methods = await composer(compose_ctx, DueDelivery.from_row(row), person)
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


async def _record_outcomes(ctx: TickContext, batch: list[_Submitted], report: TickReport) -> None:
    """Waits for each delivery's messages in turn and records the outcomes.

    Outcomes are written in short transactions about every RECORD_FLUSH_SECONDS, not one per
    message: fewer commits keep SQLite's single writer free for the "sending" marks on the
    send path. A crash before a flush leaves those rows "sending" → uncertain (never resent).
    """
    outcomes: list[tuple[int, DeliveryStatus, str | None, datetime]] = []
    last_flush = ctx.monotonic()
    for item in batch:
        results = list(await asyncio.gather(*item.results))
        status, error = delivery_outcome(results)
        if status is None:
            report.skipped += 1
            continue
        if status is not DeliveryStatus.PENDING:
            counter = {
                DeliveryStatus.SENT: "sent",
                DeliveryStatus.BLOCKED: "blocked",
                DeliveryStatus.FAILED: "failed",
            }[status]
            setattr(report, counter, getattr(report, counter) + 1)
        outcomes.append((item.delivery.id, status, error, ctx.clock.now()))
        if ctx.monotonic() - last_flush >= RECORD_FLUSH_SECONDS:
            await _write_outcomes(ctx, outcomes)
            outcomes, last_flush = [], ctx.monotonic()
    await _write_outcomes(ctx, outcomes)


async def _write_outcomes(
    ctx: TickContext, outcomes: list[tuple[int, DeliveryStatus, str | None, datetime]]
) -> None:
    if not outcomes:
        return
    async with ctx.sessionmaker() as session:
        repo = DeliveriesRepository(session)
        for delivery_id, status, error, at in outcomes:
            if status is DeliveryStatus.PENDING:
                # Nothing left (the queue closed first): hand it back if it is still claimed.
                await repo.release_claim(delivery_id, ctx.instance_id)
            else:
                await repo.finish(delivery_id, ctx.instance_id, status, at, error)
        await session.commit()


def delivery_outcome(results: Sequence[SendResult]) -> tuple[DeliveryStatus | None, str | None]:
    """One delivery's status from its messages' results.

    None: another instance holds it (before_send said no). PENDING: nothing was attempted
    because the queue closed; anything else is the final status.
    """
    outcomes = [result.outcome for result in results]
    if all(outcome is SendOutcome.SKIPPED for outcome in outcomes):
        return None, None
    if all(r.outcome is SendOutcome.DROPPED and r.error == "shutdown" for r in results):
        return DeliveryStatus.PENDING, None
    if all(outcome is SendOutcome.SENT for outcome in outcomes):
        return DeliveryStatus.SENT, None
    if any(result.error == "forbidden" for result in results):
        return DeliveryStatus.BLOCKED, "forbidden"
    first_error = next((r.error for r in results if r.outcome is not SendOutcome.SENT), None)
    return DeliveryStatus.FAILED, first_error
