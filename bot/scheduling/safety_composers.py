"""What the scheduler sends for safety and privacy, and the daily retention pass.

* ``crisis_update``: tells the mentor (or staff) what followed a crisis alert — the youth's
  answer ("misunderstood" stays visible, "I need help now" is marked urgent), a repeat flag the
  same day, or the words the youth chose to share (that read is audited).
* ``erasure_request``: asks a staff member to confirm a youth's erasure request.
* ``retention``: a planner that sends nothing; it purges people who left long enough ago.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.crisis_response import CRISIS_UPDATE
from bot.services.privacy import ERASURE_REQUEST, PrivacyService
from bot.telegram.safety_keyboards import erasure_decide_keyboard
from bot.telegram.send_queue import SendMethod
from storage.models import Person
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.safety import CrisisFlagsRepository

RETENTION = "retention"


class _At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def _update_text(reason: str, name: str, category: str, shared: str | None) -> str:
    name = html.escape(name)
    if reason == "shared" and shared:
        return _("{name} chose to share what they wrote with you:\n\n<i>{text}</i>").format(
            name=name, text=html.escape(shared)
        )
    if reason == "response-help":
        return _(
            '🚨 <b>{name} answered the safety check: "I need help now."</b>\n'
            "Please contact them as soon as you can. If you cannot reach them and fear for "
            "their life, call 112."
        ).format(name=name)
    if reason == "response-misunderstood":
        return _(
            '{name} answered the safety check: "You misunderstood me." The flag stays, '
            "so you can check in calmly."
        ).format(name=name)
    if reason == "response-safe":
        return _('{name} answered the safety check: "I\'m safe right now."').format(name=name)
    return _("⚠️ Another safety flag for {name} today ({category}).").format(
        name=name, category=html.escape(category)
    )


def register_safety_deliveries(registry: DeliveryRegistry, runtime: Runtime) -> None:
    async def compose_crisis_update(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        # The tick's own session: it commits the audit line with the batch (a second session
        # writing here would wait on the batch's lock under SQLite).
        session = ctx.session
        flag = await CrisisFlagsRepository(session).get(int(delivery.payload["flag_id"]))
        youth = await PeopleRepository(session).by_id(flag.person_id) if flag else None
        if flag is None or youth is None:
            return []
        reason = str(delivery.payload.get("reason", ""))
        shared = flag.text if flag.share_text else None
        if reason == "shared":
            if not shared:
                return []
            await AuditRepository(session).add(
                "data.read",
                ctx.now,
                actor_id=person.id,
                subject_id=youth.id,
                purpose="crisis_shared_text",
            )
        with runtime.i18n.context(), runtime.i18n.use_locale(_locale(person, runtime)):
            text = _update_text(reason, youth.first_name, flag.category, shared)
        return [SendMessage(chat_id=person.telegram_id, text=text)]

    async def compose_erasure_request(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        session = ctx.session
        found = await PrivacyService(session, _At(ctx.now)).open_request(
            int(delivery.payload["request_id"])
        )
        if found is None or not person.is_staff:
            return []
        request, youth = found
        await AuditRepository(session).add(
            "data.read",
            ctx.now,
            actor_id=person.id,
            subject_id=youth.id,
            purpose="erasure_request",
        )
        with runtime.i18n.context(), runtime.i18n.use_locale(_locale(person, runtime)):
            text = _(
                "{name} (young person) asked for everything Fremad stores about them "
                "to be deleted. Delete it now?"
            ).format(name=html.escape(youth.first_name))
            markup = erasure_decide_keyboard(request.id)
        return [SendMessage(chat_id=person.telegram_id, text=text, reply_markup=markup)]

    async def plan_retention(window: PlanWindow) -> Sequence[NewDelivery]:
        service = PrivacyService(window.session, _At(window.now))
        await service.purge_expired(window.settings.retention_days_after_leaving)
        return []

    async def compose_nothing(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        return []

    registry.register(CRISIS_UPDATE, composer=compose_crisis_update)
    registry.register(ERASURE_REQUEST, composer=compose_erasure_request)
    registry.register(RETENTION, planner=plan_retention, composer=compose_nothing)


def _locale(person: Person, runtime: Runtime) -> str:
    return person.locale or runtime.settings.default_locale
