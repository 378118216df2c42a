"""Shared fixtures for the Densauluq interoperability tests.

The tests drive a real `densauluq serve` process with independent Python FHIR
clients (fhirclient, fhirpy, plain requests) and check every JSON document the
server returns against the independent `fhir.resources` R4B pydantic models.

Environment:
  DENSAULUQ_BIN                 server binary (default: .build/debug/densauluq
                                relative to the repository root)
  DENSAULUQ_TEST_DATABASE_URL   database to use instead of a fresh temporary
                                SQLite file; for a postgres:// URL a fresh
                                database is created on that server (via psql)
                                for the session and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
from interop_helpers import FHIR_JSON, validate_r4  # noqa: E402


def _binary_path() -> Path:
    raw = os.environ.get("DENSAULUQ_BIN", ".build/debug/densauluq")
    path = Path(raw)
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


def _binary_problem() -> str | None:
    """Why the server binary cannot be used, or None when it can."""
    path = _binary_path()
    if not path.is_file():
        return f"densauluq binary not found at {path} (build it with `swift build` or set DENSAULUQ_BIN)"
    if not os.access(path, os.X_OK):
        return f"densauluq binary at {path} is not executable"
    return None


def pytest_collection_modifyitems(config, items):
    problem = _binary_problem()
    if problem is None:
        return
    marker = pytest.mark.skip(reason=problem)
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(marker)


# --------------------------------------------------------------------------
# Response recorder: every JSON body the server sends is kept so that one
# final test can validate all of them with fhir.resources.
# --------------------------------------------------------------------------

RECORDED_RESPONSES: list[dict] = []
_SERVER_PREFIX: list[str] = []  # set once the server is up
# Bearer token of the interop account; every request to the server carries it unless it sets its own
# Authorization header (the authentication tests do).
_AUTHORIZATION: list[str] = []
INTEROP_USER = "interop-admin"
INTEROP_PASSWORD = "interop-password-1"


def _install_recorder():
    original_send = requests.Session.send
    if getattr(original_send, "_densauluq_recorder", False):
        return

    def send(self, request, **kwargs):
        if _AUTHORIZATION and _SERVER_PREFIX and request.url.startswith(_SERVER_PREFIX[0]) and "Authorization" not in request.headers:
            request.headers["Authorization"] = _AUTHORIZATION[0]
        response = original_send(self, request, **kwargs)
        try:
            if _SERVER_PREFIX and request.url.startswith(_SERVER_PREFIX[0]) and response.content:
                ctype = response.headers.get("Content-Type", "")
                if "json" in ctype:
                    body = json.loads(response.content.decode("utf-8"))
                    if isinstance(body, dict) and "resourceType" in body:
                        RECORDED_RESPONSES.append(
                            {
                                "method": request.method,
                                "url": request.url,
                                "status": response.status_code,
                                "body": body,
                            }
                        )
        except Exception:  # recording must never break a request
            pass
        return response

    send._densauluq_recorder = True  # type: ignore[attr-defined]
    requests.Session.send = send


# --------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str]) -> tuple[subprocess.Popen, str]:
    """Starts `densauluq serve` with `args` on a free port; returns the process and its root URL once
    /fhir/metadata answers."""
    port = _free_port()
    proc = subprocess.Popen([str(_binary_path()), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(root + "/fhir/metadata", timeout=2).status_code == 200:
                return proc, root
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError(f"densauluq serve {' '.join(args)} did not start")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _postgres_admin(url: str, sql: str) -> None:
    """Run one SQL statement with psql against the given postgres URL."""
    subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def server_info():
    problem = _binary_problem()
    if problem is not None:
        pytest.skip(problem)

    tmpdir = Path(tempfile.mkdtemp(prefix="densauluq-interop-"))
    configured = os.environ.get("DENSAULUQ_TEST_DATABASE_URL", "").strip()
    created_pg_db = None
    admin_url = None
    if configured.startswith(("postgres://", "postgresql://")):
        if shutil.which("psql") is None:
            pytest.skip("DENSAULUQ_TEST_DATABASE_URL is a postgres URL but psql is not installed")
        admin_url = configured
        created_pg_db = "densauluq_interop_" + uuid.uuid4().hex[:12]
        _postgres_admin(admin_url, f'CREATE DATABASE "{created_pg_db}"')
        database = _with_database(configured, created_pg_db)
    elif configured:
        database = configured
    else:
        database = str(tmpdir / "interop.sqlite")

    binary = _binary_path()
    log_path = tmpdir / "server.log"
    # The API needs a bearer token: an administrator account, created through the CLI as a deployment would.
    subprocess.run(
        [str(binary), "users", "add", "--database", database, "--username", INTEROP_USER, "--role", "system-admin", "--password-stdin"],
        input=INTEROP_PASSWORD + "\n", text=True, check=True, capture_output=True, cwd=str(tmpdir), timeout=120,
    )
    proc = None
    base = None
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        log = open(log_path, "ab")
        proc = subprocess.Popen(
            [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--database", database],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(tmpdir),
        )
        log.close()
        base = f"http://127.0.0.1:{port}/fhir"
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                last_error = f"server exited with code {proc.returncode}"
                break
            try:
                r = requests.get(base + "/metadata", timeout=2)
                if r.status_code == 200:
                    ready = True
                    break
                last_error = f"/metadata answered {r.status_code}"
            except requests.RequestException as exc:
                last_error = str(exc)
            time.sleep(0.2)
        if ready:
            break
        if proc.poll() is None:
            stop_server(proc)
        proc = None
    if proc is None:
        log_tail = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""
        pytest.fail(f"densauluq did not become ready: {last_error}\n--- server log ---\n{log_tail}")

    root = base[: -len("/fhir")]
    token = requests.post(
        root + "/auth/token",
        data={"grant_type": "password", "username": INTEROP_USER, "password": INTEROP_PASSWORD},
        timeout=30,
    )
    assert token.status_code == 200, token.text
    _AUTHORIZATION[:] = ["Bearer " + token.json()["access_token"]]
    _SERVER_PREFIX[:] = [base]
    _install_recorder()
    try:
        yield {"base": base, "database": database, "log": log_path, "process": proc}
    finally:
        stop_server(proc)
        if created_pg_db and admin_url:
            try:
                _postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{created_pg_db}"')
            except Exception:
                pass
        shutil.rmtree(tmpdir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(server_info) -> str:
    return server_info["base"]


@pytest.fixture(scope="session")
def http(base_url):
    """A plain requests session speaking FHIR JSON."""
    s = requests.Session()
    s.headers.update({"Accept": FHIR_JSON})
    return s


@pytest.fixture(scope="session")
def smart(base_url):
    """fhirclient's FHIRClient (SMART on FHIR client) pointed at the server."""
    from fhirclient import client

    return client.FHIRClient(settings={"app_id": "densauluq-interop", "api_base": base_url})


@pytest.fixture(scope="session")
def fhirpy_client(base_url):
    from fhirpy import SyncFHIRClient

    return SyncFHIRClient(base_url)


@pytest.fixture(scope="session")
def assert_valid():
    return validate_r4


@pytest.fixture
def unique():
    """A short unique alphabetic token, to keep test data apart."""

    def make(prefix: str = "Itest") -> str:
        letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])
        return prefix + letters

    return make


@pytest.fixture(scope="session")
def recorded_responses(server_info):
    """Every JSON resource the server has returned so far in this session."""
    return RECORDED_RESPONSES
