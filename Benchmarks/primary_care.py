#!/usr/bin/env python3
"""Primary-care benchmark on PostgreSQL (issue 4): the synthetic country, automatic attachment, booking.

1. `densauluq demo --scale S` for each scale given: wall time, resources and database size.
2. `densauluq demo --scale A --unattached`, then `densauluq attach auto`: people attached per second
   (scale 0.05 = 1 million people; the target is under 60 s for a million).
3. Booking throughput on the first demo: N clients (default 64) POST `Slot/{id}/$book` concurrently, each for a
   distinct free slot and a patient attached to the slot's organisation: bookings/s and latency p50/p99; then N
   clients race for one slot (exactly one must win).

Usage: python3 Benchmarks/primary_care.py --postgres URL [--bin .build/release/densauluq] [--scales 0.01,0.05]
       [--attach-scale 0.05] [--clients 64] [--bookings 4000]
Needs: a release build, psql. Results: Benchmarks/results/primary-care-*.json.
"""
import argparse, json, os, queue, re, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, Server, fresh_db  # noqa: E402

SPECIALTY = "http://densauluq.kz/fhir/CodeSystem/specialty"


def db_size(db):
    out = subprocess.run(["psql", db, "-tAc", "SELECT pg_database_size(current_database())"], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def demo(binary, db, scale, unattached=False):
    start = time.time()
    args = [binary, "demo", "--scale", str(scale), "--database", db] + (["--unattached"] if unattached else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    seconds = time.time() - start
    m = re.search(r"Loaded (\d+) resources", out)
    return {"scale": scale, "unattached": unattached, "seconds": round(seconds, 1), "resources": int(m.group(1)) if m else None,
            "database_bytes": db_size(db)}


def auto_attach(binary, db):
    start = time.time()
    out = subprocess.run([binary, "attach", "auto", "--database", db], capture_output=True, text=True, check=True).stdout
    seconds = time.time() - start
    m = re.search(r"Attached (\d+) people in ([\d.]+) s; (\d+) without an organisation with room, (\d+) without", out)
    attached = int(m.group(1)) if m else 0
    return {"attached": attached, "service_seconds": float(m.group(2)) if m else None, "command_seconds": round(seconds, 1),
            "no_room": int(m.group(3)) if m else None, "per_second": round(attached / max(seconds, 1e-9))}


def work_list(server, wanted):
    """(slot, patient) pairs: free slots of each district doctor with people attached to the doctor's organisation,
    each person once per doctor (the one-future-visit rule)."""
    roles = server.get(f"/PractitionerRole?role={SPECIALTY}|district-doctor&_count=1000")
    pairs = []
    for e in roles.get("entry", []):
        role = e["resource"]
        org = role["organization"]["reference"]
        patients = [p["resource"]["id"] for p in server.get(f"/Patient?general-practitioner={org}&_count=200&_elements=id").get("entry", [])]
        slots = [s["resource"]["id"] for s in server.get(f"/Slot?schedule.actor=PractitionerRole/{role['id']}&status=free&_count=200&_elements=id").get("entry", [])]
        pairs += list(zip(slots, patients))
        if len(pairs) >= wanted:
            break
    return pairs[:wanted]


def book(server, slot, patient):
    body = json.dumps({"resourceType": "Parameters", "parameter": [{"name": "patient", "valueReference": {"reference": f"Patient/{patient}"}}]}).encode()
    req = urllib.request.Request(f"{server.base}/Slot/{slot}/$book", data=body, method="POST",
                                 headers={"Content-Type": "application/fhir+json", "Authorization": server.authorization})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def booking(binary, db, clients, bookings):
    server = Server(binary, db)
    try:
        pairs = work_list(server, bookings + clients)
        race_slot, race_patients = pairs[-1][0], None
        work = queue.Queue()
        for p in pairs[:-clients]:
            work.put(p)
        latencies, statuses, lock = [], {}, threading.Lock()

        def client():
            while True:
                try:
                    slot, patient = work.get_nowait()
                except queue.Empty:
                    return
                t = time.perf_counter()
                status = book(server, slot, patient)
                with lock:
                    latencies.append(time.perf_counter() - t)
                    statuses[status] = statuses.get(status, 0) + 1

        start = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads: t.start()
        for t in threads: t.join()
        seconds = time.perf_counter() - start
        latencies.sort()
        result = {"clients": clients, "bookings": len(latencies), "seconds": round(seconds, 2),
                  "per_second": round(statuses.get(201, 0) / seconds, 1), "statuses": statuses,
                  "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1), "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1)}
        # The race: every client books the same slot, each for another patient of the organisation.
        race_patients = [p for _, p in pairs[-clients:]]
        outcomes, olock = [], threading.Lock()
        barrier = threading.Barrier(clients)

        def racer(patient):
            barrier.wait()
            s = book(server, race_slot, patient)
            with olock:
                outcomes.append(s)
        threads = [threading.Thread(target=racer, args=(p,)) for p in race_patients]
        for t in threads: t.start()
        for t in threads: t.join()
        result["race"] = {"clients": len(race_patients), "winners": outcomes.count(201), "refused_409": outcomes.count(409)}
        return result
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "densauluq"))
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--scales", default="0.01,0.05")
    ap.add_argument("--attach-scale", type=float, default=0.05)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--bookings", type=int, default=4000)
    args = ap.parse_args()
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": os.uname().nodename,
               "cpus": os.cpu_count(), "demo": [], "auto_attach": None, "booking": None}
    tmp = tempfile.mkdtemp()
    first_db = None
    for scale in [float(s) for s in args.scales.split(",") if s]:
        db = fresh_db("postgres", args.postgres, tmp)
        results["demo"].append(demo(args.bin, db, scale))
        print("demo", json.dumps(results["demo"][-1]), flush=True)
        first_db = first_db or db
    if args.attach_scale > 0:
        db = fresh_db("postgres", args.postgres, tmp)
        loaded = demo(args.bin, db, args.attach_scale, unattached=True)
        results["auto_attach"] = {"load": loaded, **auto_attach(args.bin, db)}
        print("auto-attach", json.dumps(results["auto_attach"]), flush=True)
    if first_db and args.clients > 0:
        results["booking"] = booking(args.bin, first_db, args.clients, args.bookings)
        print("booking", json.dumps(results["booking"]), flush=True)
    out = os.path.join(ROOT, "Benchmarks", "results")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"primary-care-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print("results in", path)


if __name__ == "__main__":
    main()
