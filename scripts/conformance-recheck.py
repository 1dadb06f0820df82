#!/usr/bin/env python3
"""Re-checks the conformance failures of one known checker limit, part by part.

../shared/tools/conformance.py checks a "restart" case (a compact-pkgly log, then Pkgly
restarted with another format, appended) with `--compact` for the whole stream. Compact logs
write no span fields, so the checker wants every event joined by `adjacency` (or `trace_id`);
but the second part is full, pretty or json, its records carry the request's span, and
pkgly-trail rightly joins them by `request_id` (the truth's own key). The checker then reports
every event of the second part as a failure although each one is exact.

This script takes the output of a conformance run and the folder of kept inputs, and for each
failing case of that shape checks the two parts separately with check-truth.py: the first part
with `--compact`, the second without. Any other failure is reported as it is: it is a bug.

  scripts/conformance-recheck.py RUN_OUTPUT KEEP_DIR BINARY [--shared DIR]

Exit 0 when every failure of the run is of that shape and both parts of each pass.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

FAIL = re.compile(r"^FAIL (case\d+) (audit|join):")
INPUT = re.compile(r"^\s+input: (.*)$")


def failures(run_output):
    """(case, mode, recipe) of every failing check of the run."""
    found, current = [], None
    with open(run_output, encoding="utf-8") as fh:
        for line in fh:
            m = FAIL.match(line)
            if m:
                current = [m.group(1), m.group(2), ""]
                found.append(current)
                continue
            m = INPUT.match(line)
            if m and current is not None:
                current[2] = m.group(1)
                current = None
    return found


def compact_then_other(recipe):
    first, sep, second = recipe.partition("  THEN  ")
    return bool(sep) and "--format compact-pkgly" in first and "--format compact-pkgly" not in second


def split_at_restart(truth_lines):
    """Index of the first event of the second log (its seq starts again)."""
    last = 0
    for i, line in enumerate(truth_lines):
        seq = json.loads(line)["seq"]
        if seq <= last:
            return i
        last = seq
    return None


def check(checker, mode, truth, out, flags, work, name):
    t, o = os.path.join(work, name + ".truth.ndjson"), os.path.join(work, name + ".out")
    with open(t, "w", encoding="utf-8") as fh:
        fh.writelines(truth)
    with open(o, "w", encoding="utf-8") as fh:
        fh.writelines(out)
    r = subprocess.run([sys.executable, checker, mode, t, o, *flags], capture_output=True, text=True)
    last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
    return r.returncode == 0, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_output")
    ap.add_argument("keep_dir")
    ap.add_argument("binary")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.environ.get("PKGLY_SHARED", os.path.join(here, "../../shared")))
    a = ap.parse_args()
    checker = os.path.join(a.shared, "tools", "check-truth.py")
    work = tempfile.mkdtemp(prefix="pkgly-recheck-")
    other = rechecked = 0
    for case, mode, recipe in failures(a.run_output):
        if not compact_then_other(recipe):
            other += 1
            print(f"BUG  {case} {mode}: not a compact restart: {recipe}")
            continue
        log = os.path.join(a.keep_dir, case + ".log")
        with open(os.path.join(a.keep_dir, case + ".truth.ndjson"), encoding="utf-8") as fh:
            truth = fh.readlines()
        out = subprocess.run([a.binary, mode, "-o", "json", log], capture_output=True).stdout
        out = [l + "\n" for l in out.decode("utf-8", "replace").splitlines() if l.strip()]
        cut = split_at_restart(truth)
        if cut is None or len(out) != len(truth):
            other += 1
            print(f"BUG  {case} {mode}: {len(out)} events out, truth {len(truth)}")
            continue
        ok1, msg1 = check(checker, mode, truth[:cut], out[:cut], ["--text", "--compact"], work,
                          f"{case}.{mode}.1")
        ok2, msg2 = check(checker, mode, truth[cut:], out[cut:], ["--text"], work, f"{case}.{mode}.2")
        if ok1 and ok2:
            rechecked += 1
            print(f"ok   {case} {mode}: compact part: {msg1}; then: {msg2}")
        else:
            other += 1
            print(f"BUG  {case} {mode}: compact part: {msg1}; then: {msg2}")
    print(f"{rechecked} compact-restart failures exact part by part, {other} other failures")
    return 0 if other == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
