"""Authentication and audit through the real server: tokens from /auth/token, 401s, and the audit chain."""

from __future__ import annotations

import subprocess

import requests

from conftest import INTEROP_PASSWORD, INTEROP_USER, _binary_path
from interop_helpers import FHIR_JSON


def _root(base_url):
    return base_url[: -len("/fhir")]


def test_requests_without_a_valid_token_are_401(base_url, assert_valid):
    # An explicit header bypasses the session token.
    for header in ({"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        r = requests.get(f"{base_url}/Patient", headers={**header, "Accept": FHIR_JSON}, timeout=30)
        assert r.status_code == 401, r.text
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        body = r.json()
        assert body["resourceType"] == "OperationOutcome"
        assert_valid(body)
    # metadata stays public, as SMART clients read it before signing in
    assert requests.get(f"{base_url}/metadata", headers={"Authorization": "Bearer x"}, timeout=30).status_code == 200


def test_no_token_at_all_is_401():
    # urllib does not go through the recorder that adds the session token
    import urllib.error
    import urllib.request

    from conftest import _SERVER_PREFIX

    try:
        urllib.request.urlopen(_SERVER_PREFIX[0] + "/Patient", timeout=30)
        raise AssertionError("accepted without a token")
    except urllib.error.HTTPError as e:
        assert e.code == 401


def test_sign_in_refresh_and_sign_out(base_url):
    root = _root(base_url)
    bad = requests.post(root + "/auth/token", data={"grant_type": "password", "username": INTEROP_USER, "password": "nope"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    ok = requests.post(root + "/auth/token", data={"grant_type": "password", "username": INTEROP_USER, "password": INTEROP_PASSWORD}, timeout=30)
    assert ok.status_code == 200
    tokens = ok.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    mine = {"Authorization": "Bearer " + tokens["access_token"]}
    assert requests.get(f"{base_url}/Patient?_count=1", headers=mine, timeout=30).status_code == 200
    out = requests.post(root + "/auth/signout", headers=mine, data={"refresh_token": tokens["refresh_token"]}, timeout=30)
    assert out.status_code == 204
    assert requests.get(f"{base_url}/Patient?_count=1", headers=mine, timeout=30).status_code == 401
    again = requests.post(root + "/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, timeout=30)
    assert again.status_code == 400
    smart = requests.get(root + "/.well-known/smart-configuration", timeout=30).json()
    assert smart["token_endpoint"].endswith("/auth/token")


def test_accesses_are_audited_and_the_chain_verifies(server_info, base_url):
    http = requests.Session()
    created = http.post(f"{base_url}/Patient", json={"resourceType": "Patient", "name": [{"family": "Audited"}]},
                        headers={"Content-Type": FHIR_JSON}, timeout=30)
    assert created.status_code == 201
    pid = created.json()["id"]
    assert http.get(f"{base_url}/Patient/{pid}", timeout=30).status_code == 200
    # The server writes audit entries in batches within a fraction of a second; verify reads the database.
    import time

    deadline = time.monotonic() + 10
    while True:
        out = subprocess.run([str(_binary_path()), "audit", "verify", "--database", server_info["database"]],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        rows = int(out.stdout.split(":")[1].split()[0])
        if rows >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "intact" in out.stdout and rows >= 2, out.stdout
