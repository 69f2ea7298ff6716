"""Every free text a young person sends gets a meaningful answer.

The rules, in plain words:
- Inside a script, the text is the answer to the open question (bot/handlers/dialogs.py).
- After a motivational prompt that asked something (within FOLLOW_UP_HOURS), the text is the
  answer to that prompt: a short follow-up (the staff script ``prompt_reply``) keeps it
  (encrypted), asks whether the mentor may read it, and thanks them. Like every text it was
  crisis-screened before it got here.
- Otherwise the answer is a warm acknowledgement with what they can do — never "I didn't
  understand" to someone who just said how they feel.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.services.dialog_runner import ConversationStore, DialogRunner, RunTurn
from bot.services.prompts import PromptService
from bot.services.successes import local_day
from storage.models import Person

PROMPT_REPLY_SCRIPT = "prompt_reply"
PROMPT_REPLY_PURPOSE = "prompt_reply"
FOLLOW_UP_HOURS = 20


class PromptFollowUps:
    def __init__(self, clock: Clock, runner: DialogRunner, prompts: PromptService) -> None:
        self.clock = clock
        self.runner = runner
        self.prompts = prompts

    async def answer(
        self, person: Person, conversation: ConversationStore, text: str
    ) -> RunTurn | None:
        """The follow-up's next turn when ``text`` answers a prompt's question, else None."""
        now = self.clock.now()
        if not person.is_youth or not await self.prompts.asked_since(
            person, now - timedelta(hours=FOLLOW_UP_HOURS)
        ):
            return None
        await self.runner.begin(
            person,
            conversation,
            PROMPT_REPLY_SCRIPT,
            purpose=PROMPT_REPLY_PURPOSE,
            for_date=local_day(person, now),
        )
        result = await self.runner.reply(person, conversation, text)
        return result if isinstance(result, RunTurn) else None
