"""Builds the wheel, installs it in a fresh venv in a temporary folder and runs it from outside
the checkout: `fremad --version`, `fremad dialogs lint`, `fremad doctor` (SQLite, against the
fake Bot API server shipped in the wheel) and `fremad simulate` (scripted input, Danish texts).
Fails when the installed package writes anything into its own install folder.

    python3 scripts/wheel_smoke.py [--wheel PATH] [--keep]

Used by .ci/run and tests/ops/test_wheel_install.py. Packages come from the configured package
index (pip's own settings); with requirements.lock present, the install is constrained to it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The key the tests use (tests/harness.py): a valid Fernet key, not a secret.
DUMMY_KEY = "x2ZkQ1hVb0lXcTNHc0N3ZGRlWlV5b0V3d2xqZ0ZzS1E="
TIMEOUT = 120


def step(text: str) -> None:
    sys.stdout.write(f"wheel smoke: {text}\n")
    sys.stdout.flush()


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(
            f"wheel smoke: `{' '.join(cmd)}` exited {result.returncode}\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def build_wheel(out: Path) -> Path:
    step("building the wheel")
    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)])
    (wheel,) = out.glob("fremad-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    step(f"installing {wheel.name} in a fresh venv")
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    lock = ROOT / "requirements.lock"
    if lock.exists():
        pip += ["-c", str(lock)]
    run([*pip, str(wheel)])
    return venv / "bin" / "fremad"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def installed_files(venv: Path) -> set[Path]:
    site = next((venv / "lib").glob("python3*/site-packages"))
    return {p for name in ("bot", "storage") for p in (site / name).rglob("*")}


def smoke(fremad: Path, work: Path) -> None:
    venv = fremad.parent.parent
    before = installed_files(venv)
    home = work / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'data' / 'fremad.sqlite3'}",
        "ENCRYPTION_KEY": DUMMY_KEY,
    }
    cwd = work / "run"
    cwd.mkdir()

    version = run([str(fremad), "--version"], env=env, cwd=cwd).stdout.strip()
    if not re.fullmatch(r"fremad \d+\.\d+\.\d+\S*", version):
        raise SystemExit(f"wheel smoke: unexpected --version output {version!r}")
    step(version)

    lint = run([str(fremad), "dialogs", "lint"], env=env, cwd=cwd)
    step(f"dialogs lint: {lint.stderr.strip()}")

    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "python"), "-m", "bot.local_telegram.server", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()  # printed once it listens
        doctor_env = {**env, "TELEGRAM_API_URL": base_url}
        doctor_env["BOT_TOKEN"] = "123456789:AAFakeTelegramTestTokenForFremadBot00"
        run([str(fremad), "db", "upgrade"], env=doctor_env, cwd=cwd)
        doctor = run([str(fremad), "doctor"], env=doctor_env, cwd=cwd)
        step("doctor: " + doctor.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)

    simulate = subprocess.Popen(
        [str(fremad), "simulate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )
    assert simulate.stdout is not None and simulate.stdin is not None
    seen = ""
    while (code := re.search(r"/start (\w+)", seen)) is None:
        line = simulate.stdout.readline()
        if not line:
            raise SystemExit(f"wheel smoke: simulate ended before an invite:\n{seen}")
        seen += line
    rest, _ = simulate.communicate(f"/start {code.group(1)}\n1\n1\n3\n:quit\n", timeout=TIMEOUT)
    if simulate.returncode != 0 or "Velkommen" not in rest:
        raise SystemExit(f"wheel smoke: simulate failed ({simulate.returncode}):\n{rest}")
    step("simulate: onboarding in Danish works")

    new = installed_files(venv) - before
    written = sorted(str(p) for p in new if "__pycache__" not in p.parts)
    if written:
        raise SystemExit(f"wheel smoke: files written into the install folder: {written}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a built wheel (default: build one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fremad-wheel-"))
    try:
        wheel = args.wheel or build_wheel(work / "dist")
        smoke(install(wheel, work / "venv"), work)
    finally:
        if args.keep:
            step(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    step("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
