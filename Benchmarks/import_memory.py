#!/usr/bin/env python3
"""Peak memory and rate of `densauluq import` on one large NDJSON file (a Bulk Data export's Observation.ndjson).

    python3 Benchmarks/import_memory.py --bin .build-release/release/densauluq [--observations 200000] [--postgres URL]

Writes 1-Patient.ndjson (1,000 patients) and 2-Observation.ndjson of the given size (named so that also
importers without retry passes load them) into a temporary folder,
imports the folder into a fresh database (SQLite, and PostgreSQL when a URL is given) and reports the file size,
the resources/s and the importer's peak resident memory (from wait4's rusage). Raw figures go to
Benchmarks/results/ (not committed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CODES = [("8867-4", "Heart rate", "/min"), ("8480-6", "Systolic blood pressure", "mm[Hg]"),
         ("8462-4", "Diastolic blood pressure", "mm[Hg]"), ("29463-7", "Body weight", "kg")]


def write_export(folder: Path, observations: int) -> int:
    with open(folder / "1-Patient.ndjson", "w") as f:
        for i in range(1000):
            f.write(json.dumps({"resourceType": "Patient", "id": f"mp{i}", "gender": "female" if i % 2 else "male",
                                "name": [{"family": f"Memory{i}"}], "birthDate": "1980-01-01"}) + "\n")
    with open(folder / "2-Observation.ndjson", "w") as f:
        for i in range(observations):
            code, text, unit = CODES[i % len(CODES)]
            f.write(json.dumps({
                "resourceType": "Observation", "id": f"mo{i}", "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": text}], "text": text},
                "subject": {"reference": f"Patient/mp{i % 1000}"},
                "effectiveDateTime": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00+05:00",
                "valueQuantity": {"value": 60 + i % 50, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
            }) + "\n")
    return sum(p.stat().st_size for p in folder.iterdir())


def run_import(binary: str, database: str, folder: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "import", "--database", database, str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {out}")
    return {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024, "output": out.strip()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build-release/release/densauluq")
    parser.add_argument("--observations", type=int, default=200_000)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="densauluq-import-memory-"))
    results = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "binary": args.bin, "observations": args.observations, "runs": []}
    try:
        export = tmp / "export"
        export.mkdir()
        size = write_export(export, args.observations)
        results["file_mb"] = size / 1e6
        resources = args.observations + 1000
        databases = [("sqlite", str(tmp / "memory.sqlite"))]
        created = None
        if args.postgres:
            created = "import_memory_" + uuid.uuid4().hex[:10]
            subprocess.run(["psql", args.postgres, "-qc", f'CREATE DATABASE "{created}"'], check=True)
            parts = urlsplit(args.postgres)
            databases.append(("postgres", urlunsplit((parts.scheme, parts.netloc, "/" + created, parts.query, parts.fragment))))
        try:
            for name, database in databases:
                r = run_import(args.bin, database, export)
                r.update(database=name, resources=resources, per_s=resources / r["seconds"])
                results["runs"].append(r)
                print(f"{name}: {resources} resources ({size / 1e6:.0f} MB of NDJSON) in {r['seconds']:.1f} s, "
                      f"{r['per_s']:.0f} resources/s, peak memory {r['max_rss_mb']:.0f} MB")
        finally:
            if created:
                subprocess.run(["psql", args.postgres, "-qc", f'DROP DATABASE IF EXISTS "{created}"'], check=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"import-memory-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1))
    print("written", path)


if __name__ == "__main__":
    main()
