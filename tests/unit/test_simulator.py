"""`fremad simulate`: the real app in the terminal, clock moved by hand."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.simulate import Simulator, parse_clock_command, simulator_settings, start_simulator
from tests.conftest import CPH

FREMAD = str(Path(sys.executable).parent / "fremad")


def test_clock_commands() -> None:
    now = datetime(2026, 11, 26, 10, 30, tzinfo=CPH)  # a Thursday
    assert parse_clock_command("+1d", now) == datetime(2026, 11, 27, 10, 30, tzinfo=CPH)
    assert parse_clock_command("+90m", now) == datetime(2026, 11, 26, 12, 0, tzinfo=CPH)
    assert parse_clock_command("monday 09:00", now) == datetime(2026, 11, 30, 9, 0, tzinfo=CPH)
    assert parse_clock_command("thursday 08:00", now) == datetime(2026, 12, 3, 8, tzinfo=CPH)
    assert parse_clock_command("9:00", now) == datetime(2026, 11, 27, 9, 0, tzinfo=CPH)
    assert parse_clock_command("tomorrow 25:00", now) is None
    assert parse_clock_command("hello", now) is None


async def test_simulator_onboards_and_shows_the_next_mornings_checkin(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 16, 0, tzinfo=CPH))
    settings = simulator_settings(Settings(_env_file=None), str(tmp_path / "sim.sqlite3"))  # type: ignore[call-arg]
    app, tg = await start_simulator(settings, clock)
    out: list[str] = []
    try:
        sim = Simulator(app, tg, clock, write=out.append)
        await sim.setup()
        code = re.search(r"/start (\w+)", out[-1])
        assert code is not None
        for line in (f"/start {code.group(1)}", "1", "1", "2"):  # Dansk, yes, 09:00
            assert await sim.handle(line)
        assert "Velkommen, Ada" in out[-1]
        await sim.handle("tuesday 09:00")
        text = "\n".join(out[-4:])
        assert "Klar til dagens check-in" in text and "[1] 1" in text
        await sim.handle(":mentor")
        assert await sim.handle(":quit") is False
    finally:
        await app.close()


async def test_fremad_simulate_runs_in_a_terminal(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "simulate",
        "--database",
        str(tmp_path / "sim.sqlite3"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None and process.stdin is not None
    seen = ""
    while "/start " not in seen:
        seen += (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
    code = re.search(r"/start (\w+)", seen)
    assert code is not None
    process.stdin.write(f"/start {code.group(1)}\n1\n1\n3\n:quit\n".encode())
    await process.stdin.drain()
    rest, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    assert "Velkommen, Ada" in rest.decode() and "kl. 10:00" in rest.decode()
