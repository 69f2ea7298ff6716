"""`fremad dialogs preview`: a script walked through in the terminal, as a subprocess with piped
stdin, exactly as staff would run it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.scripts_support import FIXTURES

FREMAD = str(Path(sys.executable).parent / "fremad")


async def preview(*args: str, stdin: str = "") -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "dialogs",
        "preview",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_preview_walks_a_shipped_script_to_its_end_in_english() -> None:
    code, out, err = await preview("daily_checkin", "--lang", "en", stdin="3\n3\n1\nSkip\n")
    assert code == 0, err
    assert "Preview of daily_checkin v1 (Daily check-in), en." in out
    assert "How are you feeling today?" in out and "[5] 5" in out
    assert "What's on your plan today?" in out and "[1] Internship" in out
    assert "end of the script" in out


async def test_preview_of_a_file_lints_it_and_follows_its_branches() -> None:
    path = str(FIXTURES / "long_branching.yaml")
    code, out, err = await preview(path, "--lang", "en", stdin="5\nB\nDone\n1\n9\nYes\n")
    assert code == 0, err
    assert "Hi Ada" in out and "Sure? (9)" in out and "End: top" in out
    assert "end of the script" in out


async def test_preview_in_danish_stops_cleanly_when_input_ends() -> None:
    code, out, _err = await preview("self_rating", stdin="")
    assert code == 0
    assert "stopped before the end" in out


async def test_preview_refuses_a_broken_file_and_an_unknown_script() -> None:
    code, out, err = await preview(str(FIXTURES / "broken" / "unknown_target.yaml"))
    assert code == 1 and out == ""
    assert "unknown_target.yaml:12:15: error: goes to step `nowhere`" in err
    code, _out, err = await preview("no_such_script")
    assert code == 2 and "daily_checkin" in err
