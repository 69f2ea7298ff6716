"""What the scheduler sends for the method: the reminder that a joint review is due, and the
follow-up of a demand (measured by attendance, or asked) to the young person and the mentor."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.demands import DEMAND_FOLLOWUP, DEMAND_RESULT, DemandService
from bot.services.joint_review import REVIEW_DUE_DELIVERY, JointReviews
from bot.services.motivation import live_library
from bot.telegram import demand_messages as dm
from bot.telegram.review_messages import ReviewStart, review_due_text
from bot.telegram.send_queue import SendMethod
from storage.models import Person
from storage.repositories.deliveries import NewDelivery


def register_method_deliveries(registry: DeliveryRegistry, runtime: Runtime) -> None:
    def locale_of(person: Person) -> str:
        return person.locale or runtime.settings.default_locale

    async def plan_reviews(window: PlanWindow) -> list[NewDelivery]:
        reviews = JointReviews(window.session, runtime.clock, runtime.catalogue)
        return await reviews.due_reminders(window.since, window.now)

    async def compose_review_due(
        ctx: ComposeContext, delivery: DueDelivery, mentor: Person
    ) -> Sequence[SendMethod]:
        reviews = JointReviews(ctx.session, runtime.clock, runtime.catalogue)
        youth = await reviews.people.by_id(int(delivery.payload.get("youth_id", 0)))
        if youth is None or youth.left_at is not None:
            return []
        with runtime.i18n.context(), runtime.i18n.use_locale(locale_of(mentor)):
            button = InlineKeyboardButton(
                text=_("🧭 Start the joint review"),
                callback_data=ReviewStart(youth_id=youth.id).pack(),
            )
            return [
                SendMessage(
                    chat_id=mentor.telegram_id,
                    text=review_due_text(youth),
                    reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
                )
            ]

    def demands_of(ctx: ComposeContext) -> DemandService:
        return DemandService(ctx.session, runtime.clock, live_library(ctx.session, runtime))

    async def compose_followup(
        ctx: ComposeContext, delivery: DueDelivery, youth: Person
    ) -> Sequence[SendMethod]:
        found = await demands_of(ctx).followup(int(delivery.payload.get("demand_id", 0)))
        if found is None:
            return []
        with runtime.i18n.context(), runtime.i18n.use_locale(locale_of(youth)):
            if found.shown is not None:
                text, markup = dm.youth_outcome(found.demand, found.shown), None
            else:
                text, markup = dm.followup_question(found.demand)
            return [SendMessage(chat_id=youth.telegram_id, text=text, reply_markup=markup)]

    async def compose_result(
        ctx: ComposeContext, delivery: DueDelivery, mentor: Person
    ) -> Sequence[SendMethod]:
        demands = demands_of(ctx)
        demand_id = int(delivery.payload.get("demand_id", 0))
        found = await demands.followup(demand_id)
        following = await demands.next_after(mentor, demand_id) if found else None
        if found is None or found.shown is None or following is None:
            return []
        locale = locale_of(mentor)
        with runtime.i18n.context(), runtime.i18n.use_locale(locale):
            text, markup = dm.next_demand_message(
                following, found.shown, runtime.catalogue, locale
            )
            return [SendMessage(chat_id=mentor.telegram_id, text=text, reply_markup=markup)]

    registry.register(REVIEW_DUE_DELIVERY, planner=plan_reviews, composer=compose_review_due)
    registry.register(DEMAND_FOLLOWUP, composer=compose_followup)
    registry.register(DEMAND_RESULT, composer=compose_result)
