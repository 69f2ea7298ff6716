"""Settings from the environment and a `.env` file; tests build `Settings(...)` explicitly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.resources import shipped_dialogs_dir, shipped_locales_dir

# The checkout this module runs from (tests and development only: an installed Fremad finds its
# files through bot/resources.py and writes only to the working directory and the cache).
REPO_ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_DEFAULT_API = "https://api.telegram.org"
# Telegram tokens look like "123456789:AAH...": a numeric bot id, a colon, 30+ URL-safe chars.
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_DEFAULT_API
    # Relative to the working directory (systemd: WorkingDirectory=; the container: /data).
    database_url: str = "sqlite+aiosqlite:///./data/fremad.sqlite3"
    redis_url: str | None = None
    # Used in invite links (t.me/<username>?start=<code>); asked from Telegram (getMe) when unset.
    bot_username: str | None = None
    timezone: str = "Europe/Copenhagen"
    default_locale: str = "da"
    # The shipped translations and dialogs (package data; see bot/resources.py).
    locales_dir: Path = Field(default_factory=shipped_locales_dir)
    dialogs_dir: Path = Field(default_factory=shipped_dialogs_dir)
    # A staff-edited folder of scripts (*.yaml) used instead of the shipped dialogs/scripts:
    # copy that folder, edit, point SCRIPTS_DIR at it (`fremad doctor` lints it). Unset: the
    # shipped scripts. Scripts published in the web console still take precedence.
    scripts_dir: Path | None = None
    # SQLite through Fremad's one-hop adapter ("one_hop", fast; it uses private parts of
    # SQLAlchemy and aiosqlite) or SQLAlchemy's stock sqlite+aiosqlite driver ("stock").
    sqlite_driver: Literal["one_hop", "stock"] = "one_hop"
    # Invites: single use, expire after this many hours.
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 60)
    # Webhook mode (scale-out): the secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    # Keys for encrypting free text at rest: Fernet keys, comma-separated, newest first.
    # Unset with SQLite: a key file is made beside the database on first start.
    encryption_key: SecretStr | None = None
    # Retention: a youth's personal data is purged this many days after they leave (left_at).
    retention_days_after_leaving: int = Field(default=30, ge=0, le=3650)
    log_json: bool = False
    log_level: str = "INFO"
    # Operations (bot/ops): Redis keys start with this (several bots may share one Redis).
    redis_key_prefix: str = Field(default="fremad", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # /healthz and /metrics: on the webhook server in webhook mode; in polling mode only when
    # HEALTH_PORT is set (on HEALTH_HOST).
    health_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # /healthz turns unhealthy when the last good scheduler pass is older than this.
    health_max_tick_age_seconds: int = Field(default=180, ge=30)
    # Updates handled at once per process; keep it at most half the database pool (15 / 20).
    max_concurrent_updates: int = Field(default=6, ge=1, le=500)
    # Scheduler (bot/scheduling): the minute job that sends what is due.
    scheduler_enabled: bool = True
    # Due this long ago and never sent: still sent; older: recorded as missed, never sent late.
    scheduler_grace_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # How far back the first pass after a start looks to record what was missed meanwhile.
    scheduler_lookback_hours: int = Field(default=48, ge=1, le=24 * 14)
    # A claim (or a "sending" mark) older than this belongs to a process that died.
    scheduler_lease_seconds: int = Field(default=120, ge=10)
    scheduler_claim_batch: int = Field(default=100, ge=1, le=5000)
    # Send queue: Telegram allows ~30 msg/s per bot and ~1 msg/s per chat; keep a margin.
    send_rate_per_second: float = Field(default=29.0, gt=0, le=1000)
    send_chat_interval_seconds: float = Field(default=1.0, ge=0)
    # Sends that may go early to make up for a late event loop (the long-run rate is unchanged).
    send_burst: int = Field(default=10, ge=1, le=30)
    # Requests on the wire at once; also bounds what a crash can leave "uncertain".
    send_max_in_flight: int = Field(default=8, ge=1, le=256)
    # Tries in the send queue on 5xx/network errors before a delivery goes back to the ledger
    # (which keeps trying with back-off for as long as the message makes sense).
    send_max_network_attempts: int = Field(default=3, ge=1, le=20)
    # The crisis outbox of last resort (bot/services/crisis_outbox.py): an append-only file.
    # Unset: beside the SQLite database, or data/crisis-outbox.jsonl in the working directory.
    crisis_outbox_path: Path | None = None
    # Reporting (mentor summaries and alerts).
    # A mentor with more young people than this gets one digest with a button per youth.
    summary_digest_over: int = Field(default=8, ge=1, le=200)
    # Alerts: missed check-ins / low mood (mood at most alert_low_mood_max) N days in a row.
    alert_missed_days: int = Field(default=3, ge=1, le=30)
    alert_low_mood_days: int = Field(default=3, ge=1, le=30)
    alert_low_mood_max: int = Field(default=2, ge=1, le=5)
    # An unacknowledged crisis alert goes to all staff after this many minutes.
    crisis_escalation_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # ... and an acute one (a plan, method seeking, an overdose, a goodbye) after this many.
    crisis_acute_escalation_minutes: int = Field(default=10, ge=1, le=24 * 60)
    # Motivation: the weekly self-rating on this ISO weekday (5 = Friday), at this local time
    # ("HH:MM"; unset: the youth's own check-in time — it waits until the check-in is done).
    self_rating_weekday: int = Field(default=5, ge=1, le=7)
    self_rating_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # The way-back prompt after missed days comes this long after the check-in time (0: off).
    prompt_own_time_delay_minutes: int = Field(default=240, ge=0, le=20 * 60)

    # The web console (bot/web) for mentors and staff: served when WEB_PORT is set (or by
    # `fremad web`); WEB_BASE_URL is its public address, used in the sign-in links /web sends.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    web_base_url: str | None = None
    # Plain http is refused (cookies and sign-in links would travel in the clear) unless set.
    web_insecure_http: bool = False
    # A sign-in link works once, for this long; a session ends after this long unused.
    web_link_minutes: int = Field(default=10, ge=1, le=60)
    web_session_idle_hours: int = Field(default=12, ge=1, le=24 * 7)
    # Sign-in attempts per client address per minute (the login route's rate limit).
    web_login_per_minute: int = Field(default=10, ge=1, le=1000)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        expected = "sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST/NAME"
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError(f"not a database URL; expected {expected}") from None
        if driver in SUPPORTED_DATABASE_DRIVERS:
            return value
        backend = driver.split("+", 1)[0]
        if backend in ("postgres", "postgresql"):
            raise ValueError("PostgreSQL needs the asyncpg driver: start it postgresql+asyncpg://")
        if backend == "sqlite":
            raise ValueError("SQLite needs the aiosqlite driver: start it sqlite+aiosqlite:///")
        raise ValueError(f"{backend} is not supported; expected {expected}")

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def script_folder(self) -> Path:
        """The scripts in use: SCRIPTS_DIR when set, else the shipped dialogs/scripts."""
        return self.scripts_dir if self.scripts_dir is not None else self.dialogs_dir / "scripts"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def web_console_url(self) -> str:
        """WEB_BASE_URL without a trailing slash, checked: https, or http with
        WEB_INSECURE_HTTP=1 (local use). Raises ConfigError saying what to set."""
        base = (self.web_base_url or "").strip().rstrip("/")
        if not base:
            raise ConfigError(
                "WEB_BASE_URL is not set: set it to the console's public https address "
                "(for example https://fremad.example.dk), the address sign-in links point to."
            )
        if base.startswith("https://"):
            return base
        if base.startswith("http://") and self.web_insecure_http:
            return base
        raise ConfigError(
            "WEB_BASE_URL must start with https:// (sessions and sign-in links must not travel "
            "in the clear); for local use only, set WEB_INSECURE_HTTP=1."
        )

    def token(self) -> str:
        """The bot token, checked; raises ConfigError with a sentence saying what to set."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(
                "BOT_TOKEN is not set: set BOT_TOKEN to the token @BotFather gave you "
                "(or run `fremad simulate` to try Fremad without a token)."
            )
        token = self.bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(
                "BOT_TOKEN does not look like a Telegram bot token (expected digits, a colon and "
                "a long code, e.g. 123456789:AAH...): set BOT_TOKEN to the token from @BotFather."
            )
        return token


SUPPORTED_LOCALES = ("da", "en")
SUPPORTED_DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one sentence saying what to set."""


class TelegramUnreachable(Exception):
    """Telegram (TELEGRAM_API_URL) did not answer at start; the message is one sentence."""
