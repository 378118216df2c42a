#!/usr/bin/env python3
"""OutbreakDetection vs R's surveillance: speed and identical results (docs/benchmarks.md, issue 6).

    python3 Benchmarks/outbreak_detection.py --bin .build/release/outbreak-benchmark [--settings both]
        [--max-series N] [--study] [--replicates N] [--rscript Rscript]

Builds nothing: --bin is a release build of the `outbreak-benchmark` product. Steps:

1. `outbreak-benchmark generate`: 1,200 seeded weekly series (20 regions x 60 diseases, 364 weeks) as one CSV;
2. `Rscript Benchmarks/outbreak_detection.R`: farringtonFlexible on the last 52 weeks of every series
   (time measured inside R around the loop);
3. `outbreak-benchmark speed`: the same in Swift (time measured in-process around the loop);
4. compares every upper bound (relative difference <= 1e-6, absolute below 1; NA must match NA) and
   every alarm (exactly), and prints a Markdown summary;
5. with --study, `outbreak-benchmark study` (the measured detection study) as well.

Raw outputs go to Benchmarks/results/outbreak-YYYYMMDD-HHMMSS/ (git-ignored).
"""

import argparse
import os
import csv
import datetime
import json
import math
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIMING = re.compile(r"^TIMING settings=(\w+)(?: threads=\d+)? seconds=([0-9.]+) series=(\d+) points=(\d+) failures=(\d+)$")
TOLERANCE = 1e-6


def run(command, log_path):
    """Runs a command, echoes and stores its output, stops the benchmark if it fails."""
    print("$ " + " ".join(str(part) for part in command), file=sys.stderr, flush=True)
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    log_path.write_text(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        sys.exit(f"{command[0]} failed with status {completed.returncode}; see {log_path}\n{completed.stderr[-2000:]}")
    return completed.stdout


def timings(output):
    found = {}
    for line in output.splitlines():
        match = TIMING.match(line.strip())
        if match:
            found[match.group(1)] = {
                "seconds": float(match.group(2)), "series": int(match.group(3)),
                "points": int(match.group(4)), "failures": int(match.group(5)),
            }
    return found


def read_results(path):
    """(settings, series, index) -> (upperbound or None for NA, alarm '1'/'0'/'NA')."""
    rows = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            value = row["upperbound"]
            bound = None if value == "NA" else float(value)
            rows[(row["settings"], row["series"], int(row["index"]))] = (bound, row["alarm"])
    return rows


def compare(r_rows, swift_rows):
    """Counts compared values and mismatches per setting; the largest relative difference of the bounds."""
    report = {}
    for key in sorted(set(r_rows) | set(swift_rows)):
        setting = key[0]
        entry = report.setdefault(setting, {
            "points": 0, "bounds_compared": 0, "bounds_na": 0, "bound_mismatches": 0,
            "alarm_mismatches": 0, "missing": 0, "max_relative_difference": 0.0, "alarms_r": 0,
            "examples": [],
        })
        if key not in r_rows or key not in swift_rows:
            entry["missing"] += 1
            continue
        entry["points"] += 1
        (r_bound, r_alarm), (s_bound, s_alarm) = r_rows[key], swift_rows[key]
        if r_bound is None or s_bound is None:
            entry["bounds_na"] += 1
            if (r_bound is None) != (s_bound is None):
                entry["bound_mismatches"] += 1
                entry["examples"].append((key, r_bound, s_bound))
        else:
            entry["bounds_compared"] += 1
            same_special = (math.isnan(r_bound) and math.isnan(s_bound)) or (
                math.isinf(r_bound) and r_bound == s_bound)
            if not same_special:
                difference = abs(r_bound - s_bound)
                relative = difference / max(abs(r_bound), 1.0)
                entry["max_relative_difference"] = max(entry["max_relative_difference"], relative)
                if not relative <= TOLERANCE:
                    entry["bound_mismatches"] += 1
                    entry["examples"].append((key, r_bound, s_bound))
        if r_alarm != s_alarm:
            entry["alarm_mismatches"] += 1
            entry["examples"].append((key, r_alarm, s_alarm))
        if r_alarm == "1":
            entry["alarms_r"] += 1
    for entry in report.values():
        entry["examples"] = [str(example) for example in entry["examples"][:5]]
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="path to a release build of outbreak-benchmark")
    parser.add_argument("--settings", default="both", choices=["noufaily", "original", "both"])
    parser.add_argument("--max-series", type=int, help="run only the first N series (a quick estimate)")
    parser.add_argument("--rscript", default="Rscript")
    parser.add_argument("--r-results", help="reuse R's run from this earlier results directory (R takes ~20 minutes); "
                                            "its series.csv must equal the one generated now")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="also time Swift with the series spread over this many threads (R runs on one)")
    parser.add_argument("--study", action="store_true", help="also run the detection study")
    parser.add_argument("--replicates", type=int, default=200, help="detection study: series per scenario and size")
    args = parser.parse_args()

    binary = pathlib.Path(args.bin).resolve()
    if not binary.exists():
        sys.exit(f"{binary} does not exist: build it with swift build -c release --product outbreak-benchmark")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = ROOT / "Benchmarks" / "results" / f"outbreak-{stamp}"
    out.mkdir(parents=True, exist_ok=True)

    run([binary, "generate", "--out", out], out / "generate.log")
    series = out / "series.csv"
    limit = [str(args.max_series)] if args.max_series else []
    if args.r_results:
        earlier = pathlib.Path(args.r_results)
        if (earlier / "series.csv").read_bytes() != series.read_bytes():
            sys.exit(f"{earlier}/series.csv differs from the series generated now: R's results cannot be reused")
        shutil.copy(earlier / "r.csv", out / "r.csv")
        r_output = (earlier / "r.log").read_text()
        (out / "r.log").write_text(r_output)
    else:
        r_output = run([args.rscript, ROOT / "Benchmarks" / "outbreak_detection.R", series, out / "r.csv", args.settings] + limit,
                       out / "r.log")
    swift_limit = ["--max-series", str(args.max_series)] if args.max_series else []
    swift_output = run([binary, "speed", "--series", series, "--out", out / "swift.csv", "--settings", args.settings] + swift_limit,
                       out / "swift.log")
    r_time, swift_time = timings(r_output), timings(swift_output)
    comparison = compare(read_results(out / "r.csv"), read_results(out / "swift.csv"))
    parallel_time = {}
    if args.threads > 1:
        parallel_output = run([binary, "speed", "--series", series, "--out", out / "swift-parallel.csv", "--settings", args.settings,
                               "--threads", str(args.threads)] + swift_limit, out / "swift-parallel.log")
        parallel_time = timings(parallel_output)
        if (out / "swift-parallel.csv").read_text() != (out / "swift.csv").read_text():
            sys.exit("the parallel run's results differ from the single-threaded run's")

    lines = [
        f"Outbreak detection speed benchmark, {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')}, results in {out.relative_to(ROOT)}",
        "",
        f"| settings | series | evaluated weeks | R (s) | Swift, 1 thread (s) | speed-up | Swift, {args.threads} threads (s) | speed-up | upper bounds compared (NA) | mismatches (bound / alarm) | max rel. diff | alarms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for setting in ["noufaily", "original"]:
        if setting not in r_time or setting not in swift_time:
            continue
        r, s, c = r_time[setting], swift_time[setting], comparison.get(setting, {})
        speedup = r["seconds"] / s["seconds"] if s["seconds"] > 0 else float("inf")
        p = parallel_time.get(setting)
        parallel = f"{p['seconds']:.2f} | {r['seconds'] / p['seconds']:.1f}x" if p and p["seconds"] > 0 else "– | –"
        lines.append(
            f"| {setting} | {r['series']} | {c.get('points', 0):,} | {r['seconds']:.1f} | {s['seconds']:.2f} | {speedup:.1f}x | {parallel} | "
            f"{c.get('bounds_compared', 0):,} ({c.get('bounds_na', 0):,}) | {c.get('bound_mismatches', 0)} / {c.get('alarm_mismatches', 0)}"
            f"{' (missing ' + str(c['missing']) + ')' if c.get('missing') else ''} | {c.get('max_relative_difference', 0):.1e} | {c.get('alarms_r', 0):,} |")
    summary = "\n".join(lines) + "\n"

    if args.study:
        study = run([binary, "study", "--out", out / "study.md", "--replicates", str(args.replicates)], out / "study.log")
        summary += "\nDetection study:\n\n" + study

    (out / "summary.md").write_text(summary)
    (out / "summary.json").write_text(json.dumps({"r": r_time, "swift": swift_time, "swift_parallel": parallel_time, "comparison": comparison}, indent=2))
    print(summary)
    mismatches = sum(c["bound_mismatches"] + c["alarm_mismatches"] + c["missing"] for c in comparison.values())
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
