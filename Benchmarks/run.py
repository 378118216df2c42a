#!/usr/bin/env python3
"""Densauluq core benchmark: ingest rate and search latency, on SQLite and PostgreSQL, in one run.

Ingest: all of shared/fhir/synthea through `densauluq import` and through POSTed transaction bundles, side by side
with the raw rate at which the same database takes the same JSON with no indexing (PostgreSQL: COPY into a jsonb
table; SQLite: one transaction of plain inserts) and with the indexed floor (the rows the import wrote, stored again
by the database alone into the same schema with every index). Latency: wrk with 32 connections on loopback: read by id,
Patient by ИИН, Observation by subject and code (p50/p99).

Usage: python3 Benchmarks/run.py [--bin .build/release/densauluq] [--postgres URL] [--seconds 15]
Needs: a release build (swift build -c release), wrk, psql for PostgreSQL. Results: Benchmarks/results/*.json.
"""
import argparse, bz2, glob, json, os, random, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request, uuid
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNTHEA = next((p for p in [os.path.join(ROOT, "..", "shared", "fhir", "synthea"), "/work/shared/fhir/synthea"] if os.path.isdir(p)), None)
IIN_SYSTEM = "http://densauluq.kz/fhir/sid/iin"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def make_iin(birth, sex, serial):
    yy, mm, dd = birth[2:4], birth[5:7], birth[8:10]
    century = int(birth[:2])
    c = {18: 1, 19: 3, 20: 5}[century] + (1 if sex == "female" else 0)
    digits = [int(x) for x in f"{yy}{mm}{dd}{c}{serial:04d}"]
    a = sum(d * (i + 1) for i, d in enumerate(digits)) % 11
    if a == 10:
        a = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if a == 10:
            return None
    return "".join(map(str, digits)) + str(a)


def bundles():
    files = sorted(glob.glob(os.path.join(SYNTHEA, "*.json.bz2")))
    return [(f, bz2.open(f).read()) for f in files]


def all_resources(data):
    out = []
    for _, raw in data:
        for e in json.loads(raw)["entry"]:
            out.append(e["resource"])
    return out


def fresh_db(kind, pg_url, tmp):
    if kind == "sqlite":
        return os.path.join(tmp, f"bench-{uuid.uuid4().hex[:8]}.sqlite")
    name = "bench_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", pg_url, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return pg_url.rsplit("/", 1)[0] + "/" + name


def raw_rate(kind, db, resources):
    lines = [json.dumps(r, separators=(",", ":")) for r in resources]
    if kind == "sqlite":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE raw (id TEXT, content TEXT)")
        t = time.perf_counter()
        with conn:
            conn.executemany("INSERT INTO raw VALUES (?, ?)", ((r.get("id"), l) for r, l in zip(resources, lines)))
        dt = time.perf_counter() - t
        conn.close()
    else:
        subprocess.run(["psql", db, "-q", "-c", "CREATE TABLE raw (content jsonb)"], check=True)
        # COPY text format: escape backslashes, tabs and newlines.
        payload = "\n".join(l.replace("\\", "\\\\").replace("\t", "\\t") for l in lines) + "\n"
        t = time.perf_counter()
        subprocess.run(["psql", db, "-q", "-c", "\\copy raw (content) FROM STDIN"], input=payload.encode(), check=True)
        dt = time.perf_counter() - t
    return len(resources) / dt


def run_import(binary, db, n):
    t = time.perf_counter()
    subprocess.run([binary, "import", "--database", db, SYNTHEA], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return n / (time.perf_counter() - t)


# What an import stores: the resources, their history and every search index row.
STORED_TABLES = ["resources", "resource_history", "sp_string", "sp_token", "sp_date", "sp_number", "sp_quantity",
                 "sp_reference", "sp_uri"]


def indexed_floor(kind, binary, imported, target, n, tmp):
    """The rate at which the database alone stores exactly the rows an import of the same data wrote — resources,
    history and every index row, into the same schema with all its indexes — by the same means as the raw rate (one
    SQLite transaction of plain inserts; PostgreSQL COPY). No parsing, validation or indexing by us: this is the
    database's share of an import, the ceiling any import with every search index maintained can reach."""
    subprocess.run([binary, "migrate", "--database", target], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if kind == "sqlite":
        src = sqlite3.connect(imported)
        tables = []
        for table in STORED_TABLES:
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            tables.append((table, cols, src.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()))
        src.close()
        conn = sqlite3.connect(target)
        conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
        t = time.perf_counter()
        with conn:
            for table, cols, rows in tables:
                conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        dt = time.perf_counter() - t
        conn.close()
    else:
        script = []
        for table in STORED_TABLES:
            path = os.path.join(tmp, f"floor-{table}.copy")
            subprocess.run(["psql", imported, "-q", "-c", f"\\copy {table} TO '{path}'"], check=True)
            script.append(f"\\copy {table} FROM '{path}'")
        t = time.perf_counter()
        subprocess.run(["psql", target, "-q", "-1", "-v", "ON_ERROR_STOP=1", *sum((["-c", c] for c in script), [])], check=True)
        dt = time.perf_counter() - t
    return n / dt


BENCH_USER, BENCH_PASSWORD = "bench-admin", "bench-password-1"


class Server:
    """A `densauluq serve` process and a bearer token for it (none when `anonymous`)."""

    def __init__(self, binary, db, user=(BENCH_USER, BENCH_PASSWORD, ["--role", "system-admin"]), anonymous=False):
        if not anonymous:
            name, password, extra = user
            subprocess.run([binary, "users", "add", "--database", db, "--username", name, *extra, "--password-stdin"],
                           input=password + "\n", text=True, check=True, capture_output=True)
        self.port = free_port()
        # No rate limit: wrk sends thousands of requests per second with one token.
        flags = ["--allow-anonymous", "--no-audit"] if anonymous else []
        self.proc = subprocess.Popen([binary, "serve", "--port", str(self.port), "--database", db, "--log-level", "warning", "--rate-limit", "0", *flags],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}/fhir"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/metadata", timeout=1); break
            except Exception:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        self.authorization = ""
        if not anonymous:
            form = f"grant_type=password&username={user[0]}&password={user[1]}".encode()
            with urllib.request.urlopen(urllib.request.Request(self.base[: -len("/fhir")] + "/auth/token", data=form), timeout=60) as r:
                self.authorization = "Bearer " + json.loads(r.read())["access_token"]

    def post(self, path, body):
        req = urllib.request.Request(self.base + path, data=body, method="POST",
                                     headers={"Content-Type": "application/fhir+json", "Authorization": self.authorization})
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read())

    def get(self, path):
        req = urllib.request.Request(self.base + path, headers={"Authorization": self.authorization})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try: self.proc.wait(10)
        except Exception: self.proc.kill()


def wrk(base, paths, seconds, tmp, authorization):
    script = os.path.join(tmp, "paths.lua")
    with open(script, "w") as f:
        f.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n")
        if authorization: f.write(f"wrk.headers['Authorization'] = {json.dumps(authorization)}\n")
        f.write("request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n")
        f.write("done = function(summary, latency, requests)\n io.write(string.format('RESULT %f %f %f %d %d\\n', latency:percentile(50), latency:percentile(99), latency.max, summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))\nend\n")
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", script, base], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    _, p50, p99, mx, n, errors = line.split()
    return {"p50_ms": float(p50) / 1000, "p99_ms": float(p99) / 1000, "max_ms": float(mx) / 1000, "requests": int(n),
            "rps": int(n) / seconds, "errors": int(errors)}


def bench(kind, binary, pg_url, seconds, data, tmp):
    resources = all_resources(data)
    n = len(resources)
    result = {"database": kind, "resources": n}
    result["raw_per_s"] = raw_rate(kind, fresh_db(kind, pg_url, tmp), resources)
    imported = fresh_db(kind, pg_url, tmp)
    result["import_per_s"] = run_import(binary, imported, n)
    result["indexed_floor_per_s"] = indexed_floor(kind, binary, imported, fresh_db(kind, pg_url, tmp), n, tmp)
    db = fresh_db(kind, pg_url, tmp)
    server = Server(binary, db)
    try:
        t = time.perf_counter()
        for _, raw in data:
            server.post("", raw)
        result["transactions_per_s"] = n / (time.perf_counter() - t)
        # 2,000 patients with ИИН for the identifier lookup.
        entries, iins = [], []
        rnd = random.Random(7)
        while len(iins) < 2000:
            birth = f"{rnd.randint(1940, 2020)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            sex = rnd.choice(["male", "female"])
            iin = make_iin(birth, sex, rnd.randint(0, 9999))
            if not iin or iin in iins: continue
            iins.append(iin)
            entries.append({"resource": {"resourceType": "Patient", "identifier": [{"system": IIN_SYSTEM, "value": iin}],
                                         "gender": sex, "birthDate": birth, "name": [{"family": "Bench", "given": ["P"]}]},
                            "request": {"method": "POST", "url": "Patient"}})
        server.post("", json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}).encode())
        if kind == "postgres":
            # Steady state, as after autovacuum or `densauluq import`: planner statistics and hint bits set.
            subprocess.run(["psql", db, "-q", "-c", "VACUUM ANALYZE"], check=True)
        # Read by id: ids as stored (transactions assign new ids), from a search.
        stored = server.get("/Observation?_count=1000&_elements=id")
        obs_ids = [e["resource"]["id"] for e in stored.get("entry", [])]
        pats = server.get("/Patient?_count=1000&_elements=id")
        pat_ids = [e["resource"]["id"] for e in pats.get("entry", [])]
        pairs = server.get("/Observation?_count=1000&_elements=subject,code")
        subj_code = [(e["resource"]["subject"]["reference"], e["resource"]["code"]["coding"][0]["code"]) for e in pairs.get("entry", []) if "subject" in e["resource"]]
        root = server.base.rsplit("/fhir", 1)[0]
        wrk(root, [f"/fhir/Observation/{i}" for i in obs_ids[:100]], 3, tmp, server.authorization)   # warm-up, not recorded
        result["latency"] = {
            "read_by_id": wrk(server.base.rsplit("/fhir", 1)[0], [f"/fhir/Observation/{i}" for i in obs_ids] + [f"/fhir/Patient/{i}" for i in pat_ids], seconds, tmp, server.authorization),
            "patient_by_iin": wrk(server.base.rsplit("/fhir", 1)[0], [f"/fhir/Patient?identifier={IIN_SYSTEM}|{i}" for i in iins], seconds, tmp, server.authorization),
            "observation_by_subject_and_code": wrk(server.base.rsplit("/fhir", 1)[0], [f"/fhir/Observation?subject={s}&code=http://loinc.org|{c}" for s, c in subj_code], seconds, tmp, server.authorization),
        }
        # The cost of access checks and audit: the same reads of one clinic's patients, by a clinician of that clinic
        # (token, access rules in SQL, an audit entry per read), by the system administrator (token and audit, no
        # rules), and anonymously with audit off (neither).
        encounters = server.get("/Encounter?_count=1000&_elements=subject,serviceProvider").get("entry", [])
        by_org = {}
        for e in encounters:
            r = e["resource"]
            if "serviceProvider" in r and "subject" in r:
                by_org.setdefault(r["serviceProvider"]["reference"].split("/")[-1], set()).add(r["subject"]["reference"])
        org, patients = max(by_org.items(), key=lambda kv: len(kv[1]))
        clinic_obs = []
        for p in sorted(patients):
            clinic_obs += [e["resource"]["id"] for e in server.get(f"/Observation?subject={p}&_count=200&_elements=id").get("entry", [])]
        paths = [f"/fhir/Observation/{i}" for i in clinic_obs]
    finally:
        server.stop()
    access = {"clinic_patients": len(patients), "paths": len(paths)}
    runs = [("clinician", dict(user=("bench-doctor", "bench-password-2", ["--role", "clinician", "--organization", org]))),
            ("system_admin", dict(user=("bench-admin-2", "bench-password-3", ["--role", "system-admin"]))),
            ("no_checks_no_audit", dict(anonymous=True))]
    for name, options in runs:
        s = Server(binary, db, **options)
        try:
            root = s.base.rsplit("/fhir", 1)[0]
            wrk(root, paths[:100], 3, tmp, s.authorization)   # warm-up
            access[name] = wrk(root, paths, seconds, tmp, s.authorization)
        finally:
            s.stop()
    result["access_cost"] = access
    result["import_vs_raw"] = result["import_per_s"] / result["raw_per_s"]
    result["transactions_vs_raw"] = result["transactions_per_s"] / result["raw_per_s"]
    result["indexed_floor_vs_raw"] = result["indexed_floor_per_s"] / result["raw_per_s"]
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "densauluq"))
    ap.add_argument("--postgres", default=os.environ.get("DENSAULUQ_BENCH_POSTGRES_URL"))
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    if not SYNTHEA: sys.exit("shared/fhir/synthea not found")
    data = bundles()
    tmp = tempfile.mkdtemp(prefix="densauluq-bench-")
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": f"{os.cpu_count()} cores, " + open("/proc/meminfo").readline().split(":")[1].strip(), "runs": []}
    for kind in ["sqlite"] + (["postgres"] if args.postgres else []):
        r = bench(kind, args.bin, args.postgres, args.seconds, data, tmp)
        results["runs"].append(r)
        print(json.dumps(r, indent=1), flush=True)
    os.makedirs(os.path.join(ROOT, "Benchmarks", "results"), exist_ok=True)
    out = os.path.join(ROOT, "Benchmarks", "results", datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    with open(out, "w") as f: json.dump(results, f, indent=1)
    print("written", out)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
