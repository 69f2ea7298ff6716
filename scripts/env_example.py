"""Rewrites .env.example from the Settings class (bot/config_example.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config_example import render_env_example  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / ".env.example"

if __name__ == "__main__":
    TARGET.write_text(render_env_example(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
