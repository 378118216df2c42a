"""The database connection pool's size, set from the command line: bad values are refused before anything opens,
and a server with a single connection still serves many clients at once (requests and the audit writer take
turns on it instead of waiting for each other forever)."""

from __future__ import annotations

import os
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import INTEROP_PASSWORD, INTEROP_USER, _binary_path, start_server, stop_server
from interop_helpers import FHIR_JSON


def _run(args, env=None):
    return subprocess.run([str(_binary_path()), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_a_pool_size_below_one_is_refused(server_info):
    r = _run(["migrate", "--database", server_info["database"], "--database-connections", "0"])
    assert r.returncode != 0
    assert "--database-connections" in r.stderr and "at least 1" in r.stderr, r.stderr


def test_a_pool_size_that_is_not_a_number_is_refused(server_info):
    r = _run(["migrate", "--database", server_info["database"]], env={"DENSAULUQ_DATABASE_CONNECTIONS": "many"})
    assert r.returncode != 0
    assert "DENSAULUQ_DATABASE_CONNECTIONS" in r.stderr and "many" in r.stderr, r.stderr


def test_one_connection_serves_many_clients_at_once(server_info):
    proc, root = start_server(["--database", server_info["database"], "--database-connections", "1", "--rate-limit", "0"])
    try:
        token = requests.post(root + "/auth/token", timeout=30,
                              data={"grant_type": "password", "username": INTEROP_USER, "password": INTEROP_PASSWORD})
        assert token.status_code == 200, token.text
        headers = {"Authorization": "Bearer " + token.json()["access_token"], "Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
        family = "Pool" + uuid.uuid4().hex[:8]

        def client(i):
            # Each client writes (a transaction on the one connection, then an audit entry) and reads it back.
            created = requests.post(root + "/fhir/Patient", headers=headers, timeout=60,
                                    json={"resourceType": "Patient", "name": [{"family": family, "given": [f"N{i}"]}]})
            assert created.status_code == 201, created.text
            pid = created.json()["id"]
            read = requests.get(f"{root}/fhir/Patient/{pid}", headers=headers, timeout=60)
            assert read.status_code == 200 and read.json()["name"][0]["given"] == [f"N{i}"]
            return pid

        with ThreadPoolExecutor(max_workers=16) as pool:
            ids = list(pool.map(client, range(48)))
        assert len(set(ids)) == 48
        found = requests.get(f"{root}/fhir/Patient?family={family}&_summary=count", headers=headers, timeout=60).json()
        assert found["total"] == 48
    finally:
        stop_server(proc)
