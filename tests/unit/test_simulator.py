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


SCRIPT = """id: fredags_hej
version: 1
kind: other
title: {da: Fredagshej}
triggers:
  - command: hej
    roles: [youth]
    description: {da: sig hej}
steps:
  - id: how
    type: yes_no
    key: good_week
    text: {da: "Har du haft en god uge, {first_name}?"}
  - id: bye
    type: message
    text: {da: Tak for svaret.}
"""


async def test_staff_seat_previews_uploads_and_publishes_and_files_are_saved(
    tmp_path: Path,
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 16, 0, tzinfo=CPH))
    settings = simulator_settings(
        Settings(_env_file=None),  # type: ignore[call-arg]
        str(tmp_path / "sim.sqlite3"),
    )
    app, tg = await start_simulator(settings, clock)
    out: list[str] = []
    try:
        sim = Simulator(app, tg, clock, write=out.append)
        await sim.setup()
        code = re.search(r"/start (\w+)", out[-1])
        assert code is not None and "valid until Thu 26 Nov 16:00, simulated time" in out[-1]
        for line in (f"/start {code.group(1)}", "1", "1", "2"):
            assert await sim.handle(line)
        path = tmp_path / "fredags_hej.yaml"
        path.write_text(SCRIPT, encoding="utf-8")

        # Staff: preview (a throw-away copy), then upload and publish.
        await sim.handle(":staff")
        await sim.handle(f":preview {path}")
        assert "Har du haft en god uge, Ada?" in out[-1] and "[1] Ja" in out[-1]
        await sim.handle("1")
        assert any("Tak for svaret." in line for line in out[-3:])
        assert "end of the preview; nothing was saved" in out[-1]
        await sim.handle(f":upload {path}")
        assert "fredags_hej.yaml</b>" not in out[-1] and "er i orden" in out[-1], out[-1]
        assert "[1] Udgiv version 1" in out[-1]
        await sim.handle("1")
        shown = "\n".join(out[-3:])
        assert "✏️  (edited)" in shown  # the draft's buttons are taken away
        assert "[Mon 16:00]" in shown and "version 1 bruges nu i nye samtaler" in shown

        # The young person: the new command works; /mydata's file is saved and its path shown.
        await sim.handle(":youth")
        await sim.handle("/hej")
        assert "Har du haft en god uge, Ada?" in out[-1]
        await sim.handle("/mydata")
        saved = [line for line in out if "📎 saved: " in line]
        assert saved, out[-5:]
        file = Path(saved[-1].split("📎 saved: ", 1)[1])
        assert file.is_file() and file.parent == tmp_path / "files" and file.stat().st_size > 0

        # The clock jumps with a progress line per day; Mette's invite expires in simulated time.
        await sim.handle(":invite")
        fresh = re.search(r"code: (\w+)", out[-1])
        assert fresh is not None
        await sim.handle("+3d")  # the 72 hours are over at the same minute
        assert sum("⏩ " in line for line in out) == 3
        newcomer = tg.user(4000, first_name="Bo", language_code="da")
        await newcomer.send_command("start", fresh.group(1))
        assert "udløbet" in newcomer.last_text
    finally:
        await app.close()
