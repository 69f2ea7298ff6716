"""A talk request held over the mentor's quiet hours goes out first thing after them."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.methods import SendMessage

from bot.runtime import Runtime
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery
from bot.services.talk_requests import TALK_DELIVERY, TalkRequests
from bot.telegram.send_queue import SendMethod
from bot.telegram.talk_messages import request_for_mentor
from storage.models import Person


def register_talk_delivery(registry: DeliveryRegistry, runtime: Runtime) -> None:
    async def compose(
        ctx: ComposeContext, delivery: DueDelivery, recipient: Person
    ) -> Sequence[SendMethod]:
        talk = TalkRequests(ctx.session, runtime.clock)
        asked = await talk.held_request(int(delivery.payload.get("request_id", 0)), recipient)
        youth = await talk.youth_of(asked.request) if asked else None
        if asked is None or youth is None or youth.left_at is not None:
            return []
        locale = recipient.locale or runtime.settings.default_locale
        with runtime.i18n.context(), runtime.i18n.use_locale(locale):
            text, markup = request_for_mentor(asked, youth, recipient, ctx.now)
        return [SendMessage(chat_id=recipient.telegram_id, text=text, reply_markup=markup)]

    registry.register(TALK_DELIVERY, composer=compose)
