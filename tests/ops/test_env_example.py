""".env.example is generated from the Settings class and stays in step with it."""

from __future__ import annotations

from bot.config import REPO_ROOT, Settings
from bot.config_example import render_env_example


def test_env_example_matches_the_settings() -> None:
    shipped = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    assert shipped == render_env_example(), "run: python3 scripts/env_example.py"


def test_env_example_names_every_setting_once() -> None:
    text = render_env_example()
    for name in Settings.model_fields:
        assert text.count(f"\n# {name.upper()}=") == 1, name


def test_env_example_as_a_dotenv_changes_no_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = tmp_path / ".env"
    env.write_text(render_env_example(), encoding="utf-8")
    assert Settings(_env_file=env) == Settings(_env_file=None)  # type: ignore[call-arg]
