"""The container route: compose.yaml is valid by the Compose Specification's JSON Schema
(vendored from the check-jsonschema package: deploy/compose-spec/) and describes the stack
the README promises; the Dockerfile runs as a non-root user with a read-only root filesystem
and checks /livez. No Docker daemon here, so nothing is built or started."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bot.cli import build_parser
from bot.config import REPO_ROOT

COMPOSE = REPO_ROOT / "compose.yaml"
SCHEMA = REPO_ROOT / "deploy" / "compose-spec" / "compose-spec.json"
DOCKERFILE = REPO_ROOT / "Dockerfile"
FREMAD_SERVICES = ("migrate", "webhook-1", "webhook-2", "console")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_compose_file_is_valid_by_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(compose)
    )
    assert errors == []


def test_the_schema_catches_a_broken_compose_file(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**compose, "services": {**compose["services"], "redis": {"healthcheck": "yes"}}}
    assert list(Draft202012Validator(schema).iter_errors(broken))


def test_compose_runs_postgres_redis_two_webhook_instances_and_the_console(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", *FREMAD_SERVICES}
    assert re.fullmatch(r"postgres:\d+", services["postgres"]["image"])
    assert re.fullmatch(r"redis:\d+", services["redis"]["image"])
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"][0] == "CMD"
    for name in ("webhook-1", "webhook-2"):
        assert services[name]["command"] == ["run", "--webhook"]
    assert services["console"]["command"] == ["web"]
    assert services["migrate"]["command"] == ["db", "upgrade"]


@pytest.mark.parametrize("name", FREMAD_SERVICES)
def test_every_fremad_service_is_read_only_non_root_and_reads_env(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    assert service["image"] == "fremad:latest" and service["build"] == "."
    assert service["read_only"] is True and service["tmpfs"] == ["/tmp"]
    assert not service["user"].startswith("0")
    assert service["env_file"] == [{"path": ".env", "required": True}]
    assert service["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
    build_parser().parse_args(service["command"])  # a real fremad command line
    if name != "migrate":
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_runs_non_root_read_only_with_a_liveness_check() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    instructions = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
    (user,) = [line for line in instructions if line.startswith("USER ")]
    assert user != "USER root" and not user.startswith("USER 0")
    healthcheck = text[text.index("HEALTHCHECK") :]
    assert "/livez" in healthcheck.split("\n\n")[0]
    # Writable places only: /data (volume) and /tmp (tmpfs); caches go to /tmp.
    assert "XDG_CACHE_HOME=/tmp/" in text and "MPLCONFIGDIR=/tmp/" in text
    assert "VOLUME /data" in instructions and 'ENTRYPOINT ["fremad"]' in instructions
    # The wheel (catalogues compiled at build time), dependencies from the lock file.
    assert "pip wheel --no-cache-dir --no-deps -w /wheels ." in text
    assert "-r requirements.lock" in text


def test_systemd_unit_gives_fremad_a_cache_outside_the_read_only_install() -> None:
    lines = (REPO_ROOT / "deploy" / "fremad.service").read_text().splitlines()
    assert "ProtectSystem=strict" in lines
    assert "CacheDirectory=fremad" in lines
