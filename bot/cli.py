"""The `fremad` command. Every failure a person can fix ends in one sentence, not a traceback."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config import ConfigError, Settings, TelegramUnreachable
from storage.db import DatabaseUnreachable

Command = Callable[[argparse.Namespace, Settings], int]


def _reason(message: str) -> str:
    """pydantic's message without its "Value error, " prefix."""
    return message.removeprefix("Value error, ")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise ConfigError(
            f"{name} is not valid ({_reason(first['msg'])}): fix it in the environment or in .env."
        ) from exc


def _run_async(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.logging_setup import setup_logging

    setup_logging(settings.log_level, settings.log_json)
    if args.webhook:
        from bot.webhook import run_webhook

        asyncio.run(run_webhook(settings))
    else:
        from bot.app import run_polling

        asyncio.run(run_polling(settings))
    return 0


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.logging_setup import setup_logging
    from bot.web.serve import run_console_only

    setup_logging(settings.log_level, settings.log_json)
    asyncio.run(run_console_only(settings))
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage import migrate
    from storage.db import check_reachable, create_engine

    async def reachable() -> int:
        engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
        try:
            await check_reachable(engine)
        finally:
            await engine.dispose()
        return 0

    migrate.ensure_sqlite_folder(settings.database_url)
    _run_async(reachable())
    if args.action == "rotate-key":
        from bot.cli_privacy import rotate_key

        counts = asyncio.run(rotate_key(settings))
        print(f"Re-encrypted {sum(counts.values())} values with the newest key.")
        return 0
    if args.action == "upgrade":
        migrate.upgrade(settings.database_url, args.revision or "head")
    else:
        migrate.downgrade(settings.database_url, args.revision or "-1")
    print(f"Database {args.action} done.")
    return 0


def cmd_keygen(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_privacy import new_key

    print(new_key())
    return 0


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_invite import create_invite

    code, link = _run_async_value(create_invite(settings, args.role, args.mentor, args.name))
    if args.json:
        print(json.dumps({"code": code, "link": link}))
    else:
        print(f"Code: {code}\nLink: {link}\nSingle use; expires in {settings.invite_ttl_hours} h.")
    return 0


def _run_async_value(coro: Coroutine[Any, Any, tuple[str, str]]) -> tuple[str, str]:
    return asyncio.run(coro)


def cmd_dialogs(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "lint":
        from bot.dialogs.cli import lint_command

        return lint_command(
            list(args.paths), args.lang, settings.dialogs_dir, settings.script_folder
        )
    from bot.simulate import preview_script

    return preview_script(settings, args.script, args.lang)


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.simulate import run_simulator

    return run_simulator(settings, database=args.database)


def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    from bot.logging_setup import setup_logging
    from bot.scheduling.cli_tick import tick_command

    setup_logging(settings.log_level, settings.log_json)
    report = asyncio.run(tick_command(settings, args.at))
    print(json.dumps(report.as_dict()))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_export import export_case_file

    return asyncio.run(
        export_case_file(settings, args.youth, args.first, args.last, args.format, args.out)
    )


def cmd_people(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_people import list_people, people_table

    rows = asyncio.run(list_people(settings, args.role))
    if not rows:
        which = f"with the role {args.role}" if args.role else "yet"
        print(f"No people {which}: `fremad invite` makes an invite.", file=sys.stderr)
        return 0
    print(people_table(rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fremad",
        description="Fremad — daily check-ins, attendance and goals for young people, "
        "with weekly summaries for their contact person.",
    )
    parser.add_argument("--version", action="version", version=f"fremad {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (long polling; --webhook for scale-out)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (needs WEBHOOK_URL and WEBHOOK_SECRET)",
    )
    run.set_defaults(handler=cmd_run)

    web = sub.add_parser(
        "web", help="only the web console for mentors and staff (WEB_PORT, WEB_BASE_URL)"
    )
    web.set_defaults(handler=cmd_web)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade", "rotate-key"])
    db.add_argument("revision", nargs="?", help="target revision (default: head / one step back)")
    db.set_defaults(handler=cmd_db)

    invite = sub.add_parser("invite", help="create a single-use invite code and link")
    invite.add_argument("role", choices=["staff", "mentor", "youth"])
    invite.add_argument(
        "--mentor", type=int, metavar="TELEGRAM_ID", help="for a youth: the mentor's Telegram id"
    )
    invite.add_argument("--name", help="the person's first name, as they'd like to be greeted")
    invite.add_argument("--json", action="store_true", help="print one JSON object")
    invite.set_defaults(handler=cmd_invite)

    dialogs = sub.add_parser("dialogs", help="staff dialog scripts: lint and preview")
    dialogs_sub = dialogs.add_subparsers(dest="action", required=True)
    lint = dialogs_sub.add_parser("lint", help="check scripts; prints file:line:col: message")
    lint.add_argument("paths", nargs="*", help="files (default: all shipped scripts)")
    lint.add_argument(
        "--lang", choices=["en", "da"], default="en", help="language of the messages (da: dansk)"
    )
    preview = dialogs_sub.add_parser("preview", help="walk through a script as a youth would")
    preview.add_argument("script", help="script id or path to a .yaml file")
    preview.add_argument("--lang", default="da", choices=["da", "en"])
    dialogs.set_defaults(handler=cmd_dialogs)

    tick = sub.add_parser("tick", help="run one scheduler pass now (or as if it were --at)")
    tick.add_argument(
        "--at",
        metavar="ISO-TIME",
        help="e.g. 2026-11-23T09:00 (local TIMEZONE) or 2026-11-23T09:00+01:00",
    )
    tick.set_defaults(handler=cmd_tick)

    export = sub.add_parser("export", help="one young person's records for the case file")
    export.add_argument(
        "--youth",
        required=True,
        metavar="NAME_OR_ID",
        help="the young person's Telegram id, or first name if only one has it "
        "(`fremad people` lists both)",
    )
    export.add_argument(
        "--from", dest="first", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
    )
    export.add_argument(
        "--to", dest="last", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD"
    )
    export.add_argument("--format", choices=["csv", "pdf"], default="csv")
    export.add_argument("--out", type=Path, help="file to write (default: stdout)")
    export.set_defaults(handler=cmd_export)

    people = sub.add_parser(
        "people", help="list people: first name, role, mentor and Telegram id (for operators)"
    )
    people.add_argument(
        "--role", choices=["youth", "mentor", "staff"], help="only people with this role"
    )
    people.set_defaults(handler=cmd_people)

    keygen = sub.add_parser("keygen", help="print a new encryption key (for ENCRYPTION_KEY)")
    keygen.set_defaults(handler=cmd_keygen)

    doctor = sub.add_parser(
        "doctor",
        help="check settings, database, migrations, Redis, token and webhook; say what is wrong",
    )
    doctor.set_defaults(handler=None)

    simulate = sub.add_parser(
        "simulate", help="chat with Fremad in the terminal (no token needed; local SQLite)"
    )
    simulate.add_argument("--database", help="SQLite file to use (default: data/simulate.sqlite3)")
    simulate.set_defaults(handler=cmd_simulate)
    _describe(parser)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fremad")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _describe(parser: argparse.ArgumentParser) -> None:
    """Every subcommand's `--help` starts with what it does (its one-line help)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                if subparser.description is None and helps.get(name):
                    subparser.description = helps[name]
                _describe(subparser)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "doctor":  # reads the settings itself, to list every problem
        from bot.ops.doctor import doctor_command

        sys.exit(doctor_command())
    handler: Command = args.handler
    try:
        code = handler(args, _settings())
    except (ConfigError, DatabaseUnreachable, TelegramUnreachable) as exc:
        print(f"fremad: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
