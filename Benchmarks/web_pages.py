#!/usr/bin/env python3
"""Server time of the web pages (issue 5 target: p95 under 50 ms with the demo data loaded).

Starts `densauluq serve --demo` (a release build; SQLite by default, `--database postgres://…` for PostgreSQL),
signs in through the sign-in form as the demo citizen and the demo epidemiologist, then requests each of their
pages `--requests` times one after another (keep-alive, loopback) after a warm-up, and prints p50/p95/max per page.
On loopback with one client the time to the last byte is the server's time plus well under a millisecond.

    swift build -c release --product densauluq
    python3 Benchmarks/web_pages.py --bin .build/release/densauluq [--database postgres://…] [--requests 200]
"""
import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PASSWORD = "demo-password-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base, username):
    session = requests.Session()
    form = session.get(base + "/sign-in").text
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    r = session.post(base + "/sign-in", data={"form_token": token, "username": username, "password": PASSWORD, "next": "/"},
                     allow_redirects=False)
    assert r.status_code == 303, r.text
    return session


def measure(session, url, n, warmup=10):
    for _ in range(warmup):
        session.get(url)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = session.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--database", help="postgres://… (default: a fresh SQLite file)")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="densauluq-web-bench-"))
    database = args.database or str(tmp / "web.sqlite")
    port = free_port()
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen([args.bin, "serve", "--demo", "--port", str(port), "--database", database, "--log-level", "warning",
                               "--rate-limit", "0"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        citizen = sign_in(base, "demo.citizen")
        epidemiologist = sign_in(base, "demo.epidemiologist")
        child = re.findall(r'/me\?patient=([^"&]+)', citizen.get(base + "/me").text)
        doctor = sign_in(base, "demo.doctor")
        admin = sign_in(base, "demo.orgadmin")
        analyst = sign_in(base, "demo.analyst")
        executor = sign_in(base, "demo.executor")
        # The doctor's first working day with the demo's booked visits (today, or after a weekend).
        day_path, visit, patient = "/clinic", None, None
        for offset in range(5):
            html = doctor.get(base + day_path).text
            visits = re.findall(r'/clinic/visits/appointment/([^"]+)"', html)
            if visits:
                visit, patient = visits[0], re.findall(r'/clinic/patients/([^"]+)"', html)[0]
                break
            day_path = re.findall(r'href="(/clinic\?day=[^"]+)">[^<]*→', html)[0]
        summary = doctor.get(base + f"/clinic/patients/{patient}").text
        iin = re.findall(r"(?:ИИН|IIN) (\d{12})", summary)[0]
        surname = re.findall(r"<strong>([^ <]+)", summary)[0]
        pages = [
            ("citizen", citizen, "/me"), ("citizen", citizen, f"/me?patient={child[-1]}" if child else "/me"),
            ("citizen", citizen, "/me/book"), ("citizen", citizen, "/me/attach"), ("citizen", citizen, "/me/record"),
            ("citizen", citizen, "/me/access"),
            ("epidemiologist", epidemiologist, "/surveillance"), ("epidemiologist", epidemiologist, "/surveillance/journal"),
            ("epidemiologist", epidemiologist, "/surveillance/series?disease=A02&region=750000000"),
            ("epidemiologist", epidemiologist, "/surveillance/notify"),
            ("clinician", doctor, day_path), ("clinician", doctor, f"/clinic/patients?q={iin}"),
            ("clinician", doctor, f"/clinic/patients?q={surname}"), ("clinician", doctor, f"/clinic/patients/{patient}"),
            ("clinician", doctor, f"/clinic/visits/appointment/{visit}"),
            ("org-admin", admin, "/admin/staff"), ("org-admin", admin, "/admin/areas"), ("org-admin", admin, "/admin/schedules"),
            ("org-admin", admin, "/admin/attachments"),
            ("analyst", analyst, "/plans"), ("analyst", analyst, "/plans/cancer-plan-2023-2027"),
            ("analyst", analyst, "/plans/health-concept-2026"), ("analyst", analyst, "/plans/digital-map-2025"),
            ("analyst", analyst, "/plans/health-concept-2026/sections/2"), ("analyst", analyst, "/plans/almaty-roadmap-2025-2030"),
            ("analyst", analyst, "/plans/almaty-roadmap-2025-2030/sections/quality-education"), ("analyst", analyst, "/plans/digital-map-2025/sections/1"),
            ("plan-executor", executor, "/plans/cancer-plan-2023-2027"), ("plan-executor", executor, "/plans/health-concept-2026/sections/2"),
        ]
        print(f"| role | page | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---:|---:|---:|")
        worst = 0.0
        for role, session, path in pages:
            m = measure(session, base + path, args.requests)
            worst = max(worst, m["p95"])
            print(f"| {role} | `{path}` | {m['p50']:.1f} | {m['p95']:.1f} | {m['max']:.1f} |", flush=True)
        print(f"\nworst p95: {worst:.1f} ms (target < 50 ms)")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
