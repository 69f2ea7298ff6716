"""`fremad doctor`: checks what a running Fremad needs and says what is wrong, in plain words.

Each check gives one line: ``ok``, ``WARN`` (works, but look at it) or ``FAIL`` (Fremad will
not work like this). The exit code is 1 when anything failed. Secrets are never printed:
database URLs without their password, the token not at all.

Checks, in order (later ones are skipped when what they need is broken):
1. settings parse (every invalid setting is listed, not just the first);
2. BOT_TOKEN looks like a token; ENCRYPTION_KEY is set where needed and is a valid key;
   webhook settings are complete when WEBHOOK_URL is set;
3. the database answers, and its migrations are at head;
4. Redis answers (when REDIS_URL is set);
5. the translation catalogues and dialog files are there (and SCRIPTS_DIR has every script);
   every script in use, shipped or published in the database, lints clean (file:line);
6. Telegram accepts the token (getMe) and the webhook state fits the mode (getWebhookInfo):
   polling when WEBHOOK_URL is unset, webhook mode when it is set.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from cryptography.fernet import Fernet
from pydantic import ValidationError

from bot.config import ConfigError, Settings
from storage.db import DatabaseUnreachable, check_reachable, create_engine, describe_url

TIMEOUT_SECONDS = 10.0
MANY_PENDING_UPDATES = 100


class Level(StrEnum):
    OK = "ok"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    level: Level
    topic: str
    text: str


def _ok(topic: str, text: str) -> Finding:
    return Finding(Level.OK, topic, text)


def _warn(topic: str, text: str) -> Finding:
    return Finding(Level.WARN, topic, text)


def _fail(topic: str, text: str) -> Finding:
    return Finding(Level.FAIL, topic, text)


def load_settings(**overrides: Any) -> tuple[Settings | None, list[Finding]]:
    """The settings, or None and one FAIL per invalid setting."""
    try:
        return Settings(**overrides), [_ok("settings", "all settings parse")]
    except ValidationError as exc:
        findings = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
            reason = str(error["msg"]).removeprefix("Value error, ")
            findings.append(
                _fail(
                    "settings",
                    f"{name} is not valid ({reason}): fix it in the environment or .env.",
                )
            )
        return None, findings


def check_local_settings(settings: Settings) -> list[Finding]:
    """What can be judged without the network: token shape, encryption key, webhook setup."""
    findings: list[Finding] = []
    try:
        settings.token()
        findings.append(_ok("token", "BOT_TOKEN looks like a Telegram token"))
    except ConfigError as exc:
        findings.append(_fail("token", str(exc)))
    findings.append(_encryption_finding(settings))
    if settings.webhook_url:
        findings.extend(_webhook_setting_findings(settings))
    return findings


def _encryption_finding(settings: Settings) -> Finding:
    if settings.encryption_key is None:
        if settings.is_sqlite:
            return _ok("encryption", "key file beside the SQLite database (made on first start)")
        return _fail(
            "encryption",
            "ENCRYPTION_KEY is not set: PostgreSQL deployments must set it "
            "(make one with `fremad keygen`; keep it out of the database and its backups).",
        )
    keys = [k.strip() for k in settings.encryption_key.get_secret_value().split(",") if k.strip()]
    try:
        for key in keys:
            Fernet(key.encode())
    except ValueError:
        return _fail(
            "encryption",
            "ENCRYPTION_KEY is not a valid key (expected keys from `fremad keygen`, "
            "comma-separated, newest first).",
        )
    if not keys:
        return _fail(
            "encryption", "ENCRYPTION_KEY is empty: set it to a key from `fremad keygen`."
        )
    return _ok("encryption", f"ENCRYPTION_KEY holds {len(keys)} valid key(s)")


def _webhook_setting_findings(settings: Settings) -> list[Finding]:
    from bot.webhook import webhook_secret

    findings = []
    url = settings.webhook_url or ""
    if not url.startswith("https://"):
        findings.append(
            _fail("webhook", f"WEBHOOK_URL must start with https:// (Telegram requires it): {url}")
        )
    try:
        webhook_secret(settings)
        findings.append(_ok("webhook", "WEBHOOK_SECRET is set and long enough"))
    except ConfigError as exc:
        findings.append(_fail("webhook", str(exc)))
    return findings


async def check_database(settings: Settings) -> list[Finding]:
    from storage import migrate

    shown = describe_url(settings.database_url)
    if settings.is_sqlite:
        path = migrate.sqlite_folder(settings.database_url)
        file = Path(settings.database_url.split("///", 1)[-1])
        if not file.exists():
            return [
                _warn(
                    "database",
                    f"the SQLite file {file} does not exist yet: `fremad run` creates it "
                    f"(folder {path}).",
                )
            ]
    engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    try:
        await asyncio.wait_for(check_reachable(engine), TIMEOUT_SECONDS)
    except DatabaseUnreachable as exc:
        # The same sentence as every command's (no server, no such database, login refused).
        reason = str(exc)
        return [_fail("database", reason[:1].lower() + reason[1:])]
    except TimeoutError:
        return [
            _fail(
                "database",
                f"cannot reach the database at {shown}: check that it is running and that "
                "DATABASE_URL (host, port, user, password, name) is right.",
            )
        ]
    finally:
        await engine.dispose()
    findings = [_ok("database", f"reachable at {shown}")]
    current, head = await migrate.migration_state(settings.database_url)
    if current == head:
        findings.append(_ok("migrations", f"at head ({head})"))
    elif settings.is_sqlite:
        findings.append(
            _warn(
                "migrations",
                f"the database is at {current or 'nothing'}, the code needs {head}: "
                "`fremad run` upgrades SQLite at start (or run `fremad db upgrade` now).",
            )
        )
    else:
        findings.append(
            _fail(
                "migrations",
                f"the database is at {current or 'nothing'}, the code needs {head}: "
                "back it up, then run `fremad db upgrade`.",
            )
        )
    return findings


def check_resources(settings: Settings) -> list[Finding]:
    """The shipped files are there: a catalogue per language (compiled into the cache when a
    checkout has only the .po), the dialog files, every shipped script in SCRIPTS_DIR, and the
    crisis screen (its rules and the trained model)."""
    from bot.config import SUPPORTED_LOCALES
    from bot.dialogs.lint import missing_dialog_files
    from bot.i18n import catalogue_dir, compiled_locales
    from bot.resources import shipped_dialogs_dir

    findings: list[Finding] = []
    missing = sorted(set(SUPPORTED_LOCALES) - compiled_locales(settings.locales_dir))
    if missing:
        findings.append(
            _fail(
                "catalogues",
                f"no translation catalogue for {', '.join(missing)} in {settings.locales_dir}: "
                "reinstall Fremad, or fix LOCALES_DIR.",
            )
        )
    else:
        try:
            where = catalogue_dir(settings.locales_dir)
            findings.append(_ok("catalogues", f"{', '.join(SUPPORTED_LOCALES)} in {where}"))
        except OSError as exc:
            findings.append(
                _fail(
                    "catalogues",
                    f"the catalogues cannot be compiled ({exc.strerror or exc}): set "
                    "XDG_CACHE_HOME to a writable folder, or install Fremad from its wheel.",
                )
            )
    problem = missing_dialog_files(settings.dialogs_dir, settings.scripts_dir)
    if problem:
        findings.append(_fail("scripts", problem))
    elif settings.scripts_dir is not None:
        shipped = {p.stem for p in (shipped_dialogs_dir() / "scripts").glob("*.yaml")}
        present = {p.stem for p in settings.scripts_dir.glob("*.yaml")}
        if shipped - present:
            lacking = ", ".join(f"{i}.yaml" for i in sorted(shipped - present))
            findings.append(
                _fail(
                    "scripts",
                    f"SCRIPTS_DIR lacks {lacking}: copy them from "
                    f"{shipped_dialogs_dir() / 'scripts'}.",
                )
            )
    if not problem:
        findings.append(_crisis_screen(settings.dialogs_dir / "crisis"))
    return findings


def _crisis_screen(folder: Path) -> Finding:
    from bot.services.crisis_detection import CrisisRulesError, load_crisis_screen
    from bot.services.crisis_model import CrisisModelError

    try:
        screen = load_crisis_screen(folder)
        screen.compile_all()
    except (OSError, CrisisRulesError, CrisisModelError) as exc:
        return _fail("crisis screen", f"{folder} cannot be read: {exc}")
    if screen.model is None:
        return _warn(
            "crisis screen",
            f"no model.npz in {folder}: the rules run alone and catch fewer wordings; "
            "reinstall Fremad, or copy model.npz from its dialogs/crisis folder.",
        )
    sentences = screen.model.trained_on.get("sentences", "?")
    return _ok("crisis screen", f"rules and the model trained on {sentences} sentences")


async def check_scripts(settings: Settings, database_ok: bool) -> list[Finding]:
    """Every shipped dialog file, and every script version in use in the database, linted: a
    broken one is named with file:line so it never reaches a young person."""
    from bot.dialogs import check_bytes
    from bot.dialogs.lint import lint_paths, shipped_paths
    from storage.db import create_sessionmaker
    from storage.repositories.dialogs import ScriptVersionsRepository

    paths = shipped_paths(settings.dialogs_dir, settings.script_folder)
    shipped = [m for m in lint_paths(paths) if m.severity == "error"]
    findings = [
        _fail("scripts", f"{m} — fix the shipped file, then restart Fremad") for m in shipped
    ]
    published = 0
    if database_ok:
        engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = await ScriptVersionsRepository(session).all_active()
        except Exception as exc:  # noqa: BLE001 - a database without the table yet
            rows = []
            findings.append(_warn("scripts", f"published scripts not read ({type(exc).__name__})"))
        finally:
            await engine.dispose()
        for row in rows:
            published += 1
            name = f"{row.script_id}.yaml (version {row.version}, in use)"
            result = check_bytes(row.source.encode("utf-8"), name, require_en=False)
            findings += [
                _fail("scripts", f"{m} — publish a fixed version or roll back in /scripts")
                for m in result.messages
                if m.severity == "error"
            ]
    if not findings:
        findings.append(
            _ok("scripts", f"shipped scripts and {published} script version(s) in use lint clean")
        )
    return findings


async def check_redis(settings: Settings) -> list[Finding]:
    if not settings.redis_url:
        return []
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(settings.redis_url, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        await asyncio.wait_for(client.ping(), TIMEOUT_SECONDS)
    except (RedisError, OSError, TimeoutError):
        return [
            _fail(
                "redis",
                "cannot reach Redis at REDIS_URL: check that it is running, or unset REDIS_URL "
                "to keep conversation state in the database (one instance only).",
            )
        ]
    finally:
        await client.aclose()
    return [_ok("redis", "reachable")]


async def check_telegram(settings: Settings, session: BaseSession | None = None) -> list[Finding]:
    """getMe (is the token accepted?) and getWebhookInfo (does the webhook fit the mode?)."""
    from bot.app import create_bot

    bot = create_bot(settings, session)
    try:
        try:
            me = await asyncio.wait_for(bot.get_me(), TIMEOUT_SECONDS)
        except TelegramUnauthorizedError:
            return [
                _fail(
                    "telegram",
                    "Telegram rejected BOT_TOKEN (401 Unauthorized): it was mistyped or revoked; "
                    "copy the current token from @BotFather.",
                )
            ]
        except (TelegramNetworkError, TimeoutError, OSError):
            return [
                _fail(
                    "telegram",
                    f"cannot reach the Bot API at {settings.telegram_api_url}: check the "
                    "network, a proxy, or TELEGRAM_API_URL.",
                )
            ]
        findings = [_ok("telegram", f"the token belongs to @{me.username}")]
        if settings.bot_username and me.username and settings.bot_username != me.username:
            findings.append(
                _fail(
                    "telegram",
                    f"BOT_USERNAME is {settings.bot_username} but the token is @{me.username}'s: "
                    "invite links would open the wrong bot; fix or unset BOT_USERNAME.",
                )
            )
        findings.extend(await _webhook_state(settings, bot))
        return findings
    except TelegramAPIError as exc:
        return [_fail("telegram", f"the Bot API answered with an error ({type(exc).__name__}).")]
    finally:
        await bot.session.close()


async def _webhook_state(settings: Settings, bot: Any) -> list[Finding]:
    info = await asyncio.wait_for(bot.get_webhook_info(), TIMEOUT_SECONDS)
    findings: list[Finding] = []
    if not settings.webhook_url:
        if info.url:
            findings.append(
                _fail(
                    "webhook",
                    f"a webhook is set ({info.url}) but Fremad is set up for polling "
                    "(WEBHOOK_URL is unset): polling gets no updates while it is set. "
                    "`fremad run` removes it at start; if another deployment uses it, "
                    "set WEBHOOK_URL and WEBHOOK_SECRET here and run `fremad run --webhook`.",
                )
            )
        else:
            findings.append(_ok("webhook", "no webhook set (polling mode)"))
        return findings
    if info.url != settings.webhook_url:
        findings.append(
            _warn(
                "webhook",
                f"Telegram has {info.url or 'no webhook'} set, not WEBHOOK_URL "
                f"({settings.webhook_url}): `fremad run --webhook` sets it at start.",
            )
        )
    else:
        findings.append(_ok("webhook", f"set to {info.url}"))
    if info.last_error_message:
        findings.append(
            _fail(
                "webhook",
                f"Telegram's last delivery to the webhook failed ({info.last_error_message}): "
                "check the reverse proxy, the TLS certificate and that instances are running.",
            )
        )
    if info.pending_update_count > MANY_PENDING_UPDATES:
        findings.append(
            _warn(
                "webhook",
                f"{info.pending_update_count} updates wait at Telegram: instances are down "
                "or too slow.",
            )
        )
    return findings


async def diagnose(settings: Settings, session: BaseSession | None = None) -> list[Finding]:
    """Every check that the settings allow, in order."""
    findings = check_local_settings(settings)
    database = await check_database(settings)
    findings.extend(database)
    database_ok = bool(database) and all(f.level is Level.OK for f in database)
    resources = check_resources(settings)
    findings.extend(resources)
    if any(f.topic == "scripts" for f in resources):
        findings.append(_warn("scripts", "not linted: the dialog files must be fixed first"))
    else:
        findings.extend(await check_scripts(settings, database_ok))
    findings.extend(await check_redis(settings))
    token_ok = not any(f.topic == "token" and f.level is Level.FAIL for f in findings)
    if token_ok:
        findings.extend(await check_telegram(settings, session))
    else:
        findings.append(_warn("telegram", "not asked: BOT_TOKEN must be fixed first"))
    return findings


def print_findings(findings: Iterable[Finding], out: TextIO) -> int:
    """Prints one line per finding and a summary; returns the exit code (1 on any FAIL)."""
    findings = list(findings)
    for finding in findings:
        out.write(f"{finding.level.value:<5} {finding.topic}: {finding.text}\n")
    failed = sum(1 for f in findings if f.level is Level.FAIL)
    warned = sum(1 for f in findings if f.level is Level.WARN)
    if failed:
        out.write(f"\n{failed} problem(s) to fix, {warned} warning(s).\n")
        return 1
    out.write(f"\nAll good ({warned} warning(s)).\n" if warned else "\nAll good.\n")
    return 0


def doctor_command(out: TextIO = sys.stdout) -> int:
    settings, findings = load_settings()
    if settings is None:
        return print_findings(findings, out)
    findings.extend(asyncio.run(diagnose(settings)))
    return print_findings(findings, out)
