"""What the scheduler does for mentor reporting: the weekly summary (one per mentor per ISO
week), alerts as they read (quiet hours, acknowledge button), the alert watch (missed check-ins
when a check-in day comes, newly blocked youths, crisis escalation) and low mood after each
recorded mood."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Turn
from bot.runtime import Runtime
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.alert_desk import ESCALATION_DELIVERY, AlertDesk, AlertToSend
from bot.services.alerts import ALERT_DELIVERY
from bot.services.checkin_schedule import due_checkin_dates, parse_schedule
from bot.services.checkins import CHECKIN_PURPOSE
from bot.services.dialog_runner import DialogHooks, FinishHook, RunInfo
from bot.services.motivation import library_of
from bot.services.report_chart import ChartRenderer
from bot.services.report_sources import register_report_sources
from bot.services.weekly_summary import SUMMARY_DELIVERY, SummaryService, summary_moments
from bot.telegram.report_messages import (
    alert_messages,
    chart_labels,
    digest_messages,
    youth_summary_messages,
)
from bot.telegram.send_queue import SendMethod
from bot.telegram.summary_texts import youth_summary
from storage.models import Person
from storage.repositories.deliveries import NewDelivery, ScheduleCandidatesRepository
from storage.repositories.reporting import MentorSettingsRepository


async def plan_summaries(window: PlanWindow) -> list[NewDelivery]:
    """One summary per mentor per ISO week, at the mentor's chosen moment."""
    recipients = await MentorSettingsRepository(window.session).summary_recipients()
    return [
        NewDelivery(recipient.person_id, SUMMARY_DELIVERY, key, moment)
        for recipient in recipients
        for key, moment in summary_moments(
            recipient.weekday, recipient.at, recipient.timezone, window.since, window.now
        )
    ]


def register_reporting(registry: DeliveryRegistry, runtime: Runtime) -> None:
    """The summary, alert and escalation kinds, and the low-mood check after each mood."""
    settings = runtime.settings
    runtime.report_sources.low_mood_max = settings.alert_low_mood_max
    register_report_sources(runtime.report_sources, runtime.clock, library_of(runtime))
    renderer = ChartRenderer()

    def locale_of(person: Person) -> str:
        return person.locale or settings.default_locale

    async def compose_summary(
        ctx: ComposeContext, delivery: DueDelivery, mentor: Person
    ) -> Sequence[SendMethod]:
        # Writes go in the tick's own session (committed with the batch): a second session
        # would wait on SQLite's single writer while the batch's transaction is open.
        session = ctx.session
        service = SummaryService(session, runtime.clock, runtime.report_sources)
        reports = await service.weekly_reports(mentor, delivery.due_at)
        if not reports:
            return []
        locale = locale_of(mentor)
        methods: list[SendMethod] = []
        with runtime.i18n.context(), runtime.i18n.use_locale(locale):
            texts = [youth_summary(r.facts, locale, runtime.catalogue) for r in reports]
            for report, text in zip(reports, texts, strict=True):
                await service.record_sent(
                    mentor, report.youth, delivery.slot_key, text, "weekly_summary"
                )
            if len(reports) > settings.summary_digest_over:
                methods = digest_messages(mentor.telegram_id, reports, delivery.slot_key, locale)
            else:
                for report, text in zip(reports, texts, strict=True):
                    series = await service.series(report.youth, report.facts.period.last)
                    png = renderer.png(
                        series,
                        chart_labels(report.youth.first_name, runtime.catalogue, locale),
                    )
                    methods += youth_summary_messages(
                        mentor.telegram_id, report, text, png, locale
                    )
        return methods

    async def compose_alert(
        ctx: ComposeContext, delivery: DueDelivery, recipient: Person
    ) -> Sequence[SendMethod]:
        escalated = delivery.kind == ESCALATION_DELIVERY
        outcome = await AlertDesk(ctx.session, runtime.clock).prepare(
            int(delivery.payload.get("alert_id", 0)), recipient, ignore_quiet=escalated
        )
        if not isinstance(outcome, AlertToSend):
            return []
        with runtime.i18n.context(), runtime.i18n.use_locale(locale_of(recipient)):
            return alert_messages(
                recipient.telegram_id, outcome.alert, outcome.youth, escalated=escalated
            )

    async def watch_alerts(window: PlanWindow) -> list[NewDelivery]:
        """Raises data alerts whose moment fell in the window; returns escalations."""
        desk = AlertDesk(window.session, runtime.clock)
        await desk.check_newly_blocked(window.since, window.now)
        candidates = await ScheduleCandidatesRepository(window.session).checkin_candidates()
        youths = await ScheduleCandidatesRepository(window.session).people_by_id(
            c.person_id for c in candidates
        )
        for candidate in candidates:
            schedule = parse_schedule(
                candidate.checkin_time,
                candidate.checkin_days,
                candidate.timezone,
                candidate.paused_from,
                candidate.paused_until,
            )
            for day in due_checkin_dates(schedule, window.since, window.now):
                await desk.check_missed_checkins(
                    youths[candidate.person_id], day, settings.alert_missed_days
                )
        return await desk.plan_escalations(
            settings.crisis_escalation_minutes, settings.crisis_acute_escalation_minutes
        )

    registry.register(SUMMARY_DELIVERY, planner=plan_summaries, composer=compose_summary)
    registry.register(ALERT_DELIVERY, planner=watch_alerts, composer=compose_alert)
    registry.register(ESCALATION_DELIVERY, composer=compose_alert)
    add_low_mood_check(runtime.dialog_hooks, runtime)


def add_low_mood_check(hooks: DialogHooks, runtime: Runtime) -> None:
    """Runs after the check-in's own hook (which stores the mood), so it sees today's mood."""
    before = hooks.on_recorded.get(CHECKIN_PURPOSE)
    settings = runtime.settings

    async def on_recorded(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        if before is not None:
            await before(session, person, info, turn, now)
        # Only a low mood can make a run of low moods: any other needs no look back (a read).
        if any(
            item.metric == "mood"
            and isinstance(item.value, int)
            and item.value <= settings.alert_low_mood_max
            for item in turn.recorded
        ):
            await AlertDesk(session, runtime.clock).check_low_mood(
                person, info.for_date, settings.alert_low_mood_days, settings.alert_low_mood_max
            )

    hook: FinishHook = on_recorded
    hooks.on_recorded[CHECKIN_PURPOSE] = hook
