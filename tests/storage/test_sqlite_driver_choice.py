"""SQLITE_DRIVER=stock runs SQLite through SQLAlchemy's own sqlite+aiosqlite driver (public APIs
only), and a one-hop adapter that no longer fits the installed libraries falls back to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import Settings
from storage import db
from storage.sqlite_driver import OneHopDbapi


async def _roundtrip(engine: db.AsyncEngine) -> int:
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (41)"))
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT x + 1 FROM t"))).scalar_one())
    finally:
        await engine.dispose()


async def test_stock_driver_setting_uses_sqlalchemys_own_adapter(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite3'}", sqlite_driver="stock"
    )
    engine = db.create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    assert not isinstance(engine.dialect.dbapi, OneHopDbapi)
    assert await _roundtrip(engine) == 42


async def test_the_default_is_the_one_hop_adapter(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}")
    assert isinstance(engine.dialect.dbapi, OneHopDbapi)
    assert Settings().sqlite_driver == "one_hop"
    assert await _roundtrip(engine) == 42


async def test_an_adapter_that_no_longer_fits_falls_back_to_the_stock_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_kwargs: object) -> OneHopDbapi:
        raise AttributeError("'AsyncAdapt_aiosqlite_connection' has no attribute '_connection'")

    monkeypatch.setattr("storage.sqlite_driver.OneHopDbapi", broken)
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}")
    assert not isinstance(engine.dialect.dbapi, OneHopDbapi)
    assert "using the stock sqlite+aiosqlite driver" in caplog.text
    assert await _roundtrip(engine) == 42
