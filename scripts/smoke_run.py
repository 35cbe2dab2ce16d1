"""Smoke test of the README's first command: `make run` on this checkout, used as a new user would use it.

With DATABASE_URL and REDIS_URL unset (so the embedded PostgreSQL and the filesystem broker are used), it starts
`make run` on a free port, waits until the server answers, logs in as a printed demo user with the printed
password through the login form (with its CSRF token), opens the dashboard, the reservist list, one reservist,
the order list, one notice's PDF and /api/schema/, each of which must answer 200, checks that the demo's
verification links point at the served port, and stops everything it started, the embedded PostgreSQL included.
On any failure it prints the last lines of the server's output and exits 1.

    python scripts/smoke_run.py [--timeout SECONDS] [--keep-data]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
LOGIN_USER_ROLE = "mnd_staff"  # sees the registry, the orders and the notices nationwide


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`make run` in its own process group, its output collected in memory and in a log file."""

    def __init__(self, port: int):
        self.port = port
        self.lines: list[str] = []
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PORTAL_PUBLIC_URL")}
        env["PORT"] = str(port)
        self.log = tempfile.NamedTemporaryFile("w+", prefix="smoke-run-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.log.write(line)
            self.log.flush()

    def output(self) -> str:
        return "\n".join(self.lines)

    def tail(self, n: int = 60) -> str:
        return "\n".join(self.lines[-n:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Workers and the scheduler belong to the same process group; make sure none survives.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        # The embedded PostgreSQL server was started detached from the group; stop it by its data folder.
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "core.embedded_pg", "stop"],
            cwd=ROOT,
            check=False,
            capture_output=True,
            timeout=60,
        )


def wait_until_serving(server: Server, base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SmokeFailure(f"`make run` exited with status {server.proc.returncode} before serving")
        try:
            if requests.get(base + "/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SmokeFailure("the server did not answer before the time-out")


def demo_login(output: str) -> tuple[str, str]:
    """The password and one username, as `make run` printed them."""
    match = re.search(r"Demo logins \(password for all: (\S+)\)", output)
    if not match:
        raise SmokeFailure("`make run` printed no demo logins")
    password = match.group(1)
    users = re.findall(r"^\s{2}(\S+)\s+(\S+)\s+.+$", output[match.end() :], flags=re.M)
    for username, role in users:
        if role == LOGIN_USER_ROLE:
            return username, password
    raise SmokeFailure(f"no demo login with the role {LOGIN_USER_ROLE} was printed")


def expect(response: requests.Response, what: str, content_type: str | None = None) -> requests.Response:
    if response.status_code != 200:
        raise SmokeFailure(f"{what}: {response.request.method} {response.url} answered {response.status_code}")
    if content_type and not response.headers.get("Content-Type", "").startswith(content_type):
        raise SmokeFailure(f"{what}: expected {content_type}, got {response.headers.get('Content-Type')}")
    print(f"  ok  {what}: {response.url} ({len(response.content)} bytes)")
    return response


def first_link(html: str, pattern: str, what: str) -> str:
    match = re.search(pattern, html)
    if not match:
        raise SmokeFailure(f"no link to {what} found")
    return match.group(0)


def walk(base: str, output: str) -> None:
    username, password = demo_login(output)
    session = requests.Session()
    login = session.get(base + "/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    if not token:
        raise SmokeFailure("the login form carries no CSRF token")
    response = session.post(
        base + "/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        headers={"Referer": base + "/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies or response.url.rstrip("/").endswith("/login"):
        raise SmokeFailure(f"logging in as {username} with the printed password failed ({response.status_code})")
    print(f"  ok  logged in as {username}")
    expect(session.get(base + "/", timeout=30), "dashboard")
    registry = expect(session.get(base + "/reservists/", timeout=60), "reservist list")
    expect(session.get(base + first_link(registry.text, r"/reservists/\d+/", "a reservist"), timeout=30), "reservist")
    orders = expect(session.get(base + "/mobilization/orders/", timeout=30), "order list")
    order = first_link(orders.text, r"/mobilization/orders/\d+/", "an order")
    notices = expect(session.get(base + order + "notices/", timeout=30), "the order's notices")
    notice = first_link(notices.text, r"/mobilization/notices/\d+/", "a notice")
    pdf = expect(session.get(base + notice + "pdf/", timeout=120), "notice PDF", "application/pdf")
    if not pdf.content.startswith(b"%PDF-"):
        raise SmokeFailure("the notice PDF is not a PDF")
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.content)).pages)
    links = set(re.findall(r"https?://[\w.:-]+/verify/", text))
    if not links or links != {base + "/verify/"}:
        raise SmokeFailure(f"the notice's verification link does not point at the served port: {sorted(links)}")
    print(f"  ok  the notice's verification link points at {base}/verify/")
    expect(session.get(base + "/api/schema/", timeout=60), "API schema")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for the server (first install)")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    print(f"smoke: make run on port {port} (DATABASE_URL and REDIS_URL unset)")
    server = Server(port)
    try:
        wait_until_serving(server, base, started + args.timeout)
        print(f"  ok  serving after {time.monotonic() - started:.0f} s")
        walk(base, server.output())
    except (SmokeFailure, requests.RequestException) as exc:
        print(f"smoke: FAILED: {exc}\n----- last lines of `make run` ({server.log.name}) -----\n{server.tail()}")
        server.stop()
        return 1
    server.stop()
    print(f"smoke: passed in {time.monotonic() - started:.0f} s; everything it started is stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
