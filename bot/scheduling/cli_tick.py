"""`fremad tick [--at ISO-TIME]`: one scheduler pass, as if it were that time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import ConfigError, Settings
from bot.scheduling.tick import TickReport, run_tick


class OffsetClock:
    """Real time shifted so that it started at ``start``: time still flows during the pass."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def parse_at(raw: str, settings: Settings) -> datetime:
    """ISO time with an offset, or naive = local time in TIMEZONE."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ConfigError(
            f"--at {raw!r} is not an ISO time: use e.g. 2026-11-23T09:00 or "
            "2026-11-23T09:00+01:00."
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.tz)
    return moment


async def tick_command(settings: Settings, at: str | None) -> TickReport:
    from bot.app import build_app

    clock = OffsetClock(parse_at(at, settings)) if at else None
    app = await build_app(settings, clock)
    try:
        return await run_tick(app.scheduling.tick_context, app.clock.now())
    finally:
        await app.close()
