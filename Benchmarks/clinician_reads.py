#!/usr/bin/env python3
"""A district doctor reading her polyclinic's records: read by id as the demo clinician, under wrk.

Loads `densauluq demo --scale S` (default 0.001: 20,000 people) into a fresh database, signs in as `demo.doctor`
(district doctor of kz-phc-1), lists the Patients she may read through the FHIR API, then reads them by id with
32 concurrent connections. What it shows: whether the access check of a clinician costs the same in a large
polyclinic as in a small one (the benchmark in run.py has a clinic of two patients).

Usage: python3 Benchmarks/clinician_reads.py [--bin .build-release/release/densauluq] [--scale 0.001]
       [--postgres URL] [--seconds 15]
Needs: a release build, wrk (and psql with --postgres). Results: Benchmarks/results/clinician-reads-*.json.
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time, urllib.parse, urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, free_port, fresh_db, wrk  # noqa: E402

DOCTOR, PASSWORD = "demo.doctor", "demo-password-2026"


def measure(binary, kind, pg_url, scale, seconds, tmp):
    db = fresh_db(kind, pg_url, tmp)
    start = time.time()
    subprocess.run([binary, "demo", "--scale", str(scale), "--database", db], check=True, capture_output=True)
    loaded = time.time() - start
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--database", db, "--log-level", "warning", "--rate-limit", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=1); break
            except Exception:
                time.sleep(0.1)
        form = urllib.parse.urlencode({"grant_type": "password", "username": DOCTOR, "password": PASSWORD}).encode()
        with urllib.request.urlopen(urllib.request.Request(base + "/auth/token", data=form), timeout=60) as r:
            authorization = "Bearer " + json.loads(r.read())["access_token"]
        # The Patients she may read: the search applies her access scope.
        req = urllib.request.Request(base + "/fhir/Patient?_count=1000&_elements=id", headers={"Authorization": authorization})
        with urllib.request.urlopen(req, timeout=600) as r:
            ids = [e["resource"]["id"] for e in json.loads(r.read()).get("entry", [])]
        paths = [f"/fhir/Patient/{i}" for i in ids]
        wrk(base, paths[:100], 3, tmp, authorization)
        result = wrk(base, paths, seconds, tmp, authorization)
        return {"database": kind, "scale": scale, "demo_load_s": round(loaded, 1), "patients_read": len(ids), "read_by_id": result}
    finally:
        proc.send_signal(signal.SIGINT)
        try: proc.wait(10)
        except Exception: proc.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build-release/release/densauluq"))
    ap.add_argument("--scale", type=float, default=0.001)
    ap.add_argument("--postgres")
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ["sqlite"] + (["postgres"] if args.postgres else []):
            r = measure(args.bin, kind, args.postgres, args.scale, args.seconds, tmp)
            print(json.dumps(r), flush=True)
            results.append(r)
    out = os.path.join(ROOT, "Benchmarks", "results", "clinician-reads-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S") + ".json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print("written", out)


if __name__ == "__main__":
    main()
