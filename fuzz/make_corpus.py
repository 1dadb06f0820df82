#!/usr/bin/env python3
"""Cuts the seed corpora of the fuzz targets from tests/fixtures/*.log.

    python3 fuzz/make_corpus.py        # rewrites fuzz/corpus/<target>/ (deterministic)

Each seed is a small file (< 4 KB): lines of each sample, chosen so that the different record
shapes (targets, levels, field sets, ANSI or not, hostile values) are all represented. The
filter seeds are hand-written option lists (see filter_fuzz.cpp for their format).
"""
import hashlib
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEED = 4000

SGR = rb"(?:\x1b\[[0-9;]*m)*"
COMPOSE = re.compile(rb"^" + SGR + rb"[A-Za-z0-9._-]+[-_][0-9]+ +" + SGR + rb"\|" + SGR + rb" ?(?:\x1b\[0m)?")
KUBECTL = re.compile(rb"^\[[^/\] ]+/[^/\] ]+/[^/\] ]+\] ")
RECEIVED = re.compile(rb"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(?:\.[0-9]+)?Z (?=[\x1b0-9{ ])")
LINE_START = re.compile(rb"^(?:\x1b\[2m)?[0-9]{4}-[0-9]{2}-[0-9]{2}T")
PRETTY_START = re.compile(rb"^  [0-9]{4}-[0-9]{2}-[0-9]{2}T")
KEY = re.compile(rb"([A-Za-z_][A-Za-z0-9_.]*)(?:\x1b\[0m\x1b\[2m)?=")
TARGET = re.compile(rb"([a-z_]+(?:::[a-z_]+)+)")


def body(line: bytes) -> bytes:
    """The line without compose/kubectl prefix and receive time (what the parsers see)."""
    line = line.rstrip(b"\r")
    line = COMPOSE.sub(b"", line, count=1) if COMPOSE.match(line) else KUBECTL.sub(b"", line, count=1)
    if RECEIVED.match(line) and not re.match(rb"^\S+ +" + SGR + rb" *(TRACE|DEBUG|INFO|WARN|ERROR)", line):
        line = RECEIVED.sub(b"", line, count=1)
    return line


def shape(text: bytes) -> tuple:
    """What makes two records different for a parser."""
    target = TARGET.search(text)
    hostile = (b"\x1b" in re.sub(rb"\x1b\[[0-9;]*m", b"", text), any(c >= 0x80 for c in text),
               text.count(b"outcome="), text.count(b"\n"), b'\\"' in text)
    return (target.group(1) if target else b"", text[:40].count(b"\x1b"),
            tuple(sorted(set(KEY.findall(text))))[:12], hostile)


def logical_records(lines, starts):
    """Groups physical lines into records: a starting line and the lines that continue it."""
    record = []
    for line in lines:
        if starts(line):
            if record:
                yield b"\n".join(record)
            record = [line]
        elif record:
            if line == b"" and PRETTY_START.match(record[0]):
                yield b"\n".join(record)
                record = []
            else:
                record.append(line)
    if record:
        yield b"\n".join(record)


def pick(candidates, limit):
    """Up to `limit` seeds of distinct shapes, spread over the whole list."""
    seen, chosen = set(), []
    for text in candidates:
        if len(text) >= MAX_SEED or not text:
            continue
        key = shape(text)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(text)
    if len(chosen) <= limit:
        return chosen
    step = len(chosen) / limit
    return [chosen[int(i * step)] for i in range(limit)]


def write(target, seeds):
    folder = CORPUS / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for seed in seeds:
        name = hashlib.sha1(seed).hexdigest()[:16]
        (folder / name).write_bytes(seed)
    print(f"{target}: {len(seeds)} seeds, {sum(len(s) for s in seeds)} bytes")


def fixture_lines(name):
    return (FIXTURES / name).read_bytes().split(b"\n")


def main():
    logs = sorted(p.name for p in FIXTURES.glob("*.log"))
    text_logs = [n for n in logs if "json" not in n and "pretty" not in n]
    json_logs = [n for n in logs if "json" in n]

    # envelope: raw physical lines of every sample, plus wrappers the samples lack.
    envelope = []
    for name in logs:
        envelope += pick(fixture_lines(name), 5)
    envelope += [
        b"[pod/pkgly-7d9f/pkgly] 2025-11-20T10:15:30.123456789Z "
        b"2025-11-20T10:15:30.209067Z  INFO pkgly::app::site: Loaded 2 storages\r",
        b"\x1b[36mpkgly-1  |\x1b[0m \x1b[2m2025-11-20T10:15:30.209067Z\x1b[0m \x1b[32m INFO\x1b[0m",
        b"\x1b[36mpkgly_1     | \x1b[0m{\"level\":\"INFO\"}",
        b"path=\x1b]0;title\x07 \x1b[31mred\x1b[0m \x1b(B \x1b\\ \x1b[1;2;3 x \x1b",
    ]
    write("envelope_fuzz", envelope)

    # line_format: logical full/compact records (continuation lines joined by '\n').
    line_records = []
    for name in text_logs:
        bodies = [body(l) for l in fixture_lines(name)]
        records = list(logical_records(bodies, LINE_START.match))
        line_records += pick(records, 8)
        # Audit events most of all: their schema split is where forged fields are defeated.
        line_records += pick((r for r in records if b"pkgly::audit" in r), 4)
    write("line_format_fuzz", line_records)

    # pretty: whole records, their lines joined by '\n' without the blank line.
    pretty = [body(l) for l in fixture_lines("pretty-noansi.log")]
    pretty_records = list(logical_records(pretty, PRETTY_START.match))
    write("pretty_format_fuzz", pick(pretty_records, 32) +
          pick((r for r in pretty_records if b"pkgly::audit" in r), 8))

    # json: one object per line.
    json_lines = []
    for name in json_logs:
        bodies = [body(l) for l in fixture_lines(name)]
        json_lines += pick(bodies, 10)
        json_lines += pick((b for b in bodies if b"pkgly::audit" in b), 4)
    write("json_format_fuzz", json_lines)

    # pipeline: runs of consecutive raw lines, so records of one request meet in the correlator.
    chunks = []
    for name in logs:
        lines = fixture_lines(name)
        for start in range(0, len(lines), max(1, len(lines) // 5)):
            chunk = b""
            for line in lines[start:]:
                if len(chunk) + len(line) + 1 >= MAX_SEED:
                    if chunk:
                        break
                    continue
                chunk += line + b"\n"
            if chunk:
                chunks.append(chunk)
    write("pipeline_fuzz", chunks)

    # filter: option lists, one per line (first byte = which option).
    filters = [
        b"apackage.*\nosuccess\ncerin.k",
        b"aauth.token.?elete\na[a-z]*\nx auth.token.delete",
        b"a[!a-m]ackage.download\na[]]x\na[a-\na[^p-]*\nxpackage.download",
        b"p/repositories/*/npm-hosted/*\np*eslint*\nx/a/b/c",
        b"s2025-11-20\nu2025-11-21T00:00:00Z",
        b"s2025-11-20T10:15:30.356000Z\nu2025-11-20T10:15:30.356001+00:00",
        b"s2025-11-20 10:00\nu2025-11-20t11:00:00.123456789-01:30",
        b"s90s\nu1w",
        b"s30m\ns2h\ns7d\nu99999999999999999999d",
        b"s2024-02-29T23:59:60Z\nu2025-02-29",
        b"wactor_username=erin.k\nwactor_username=bob\nwhttp.response.status_code=200",
        b"wclient.address=203.0.113.9\nwaccess.user=erin.k\nwquery=",
        b"mquery~\\x1b\\[31m\nmuser_agent.original~curl|wget",
        b"murl_path~^/repositories/\nmhttp.route~(a+)+$\nmaccess.duration_ms~^[0-9]{1,3}$",
        b"m(unclosed~x\nmkey~(?P<n>x)\\1",
        b"w=novalue\nm~noregex",
        b"tpkgly\ntsqlx::\nldebug",
        b"tpkgly::access\nlWARNING\nA",
        b"ooutcome\nosuccess",
        b"r9e10e1e0-db6a-4f53-8fc4-920f2f82df34\nrnpm-hosted\ng75a575b7-61d6-4a7b-960c-80a50eca119e",
        b"a*\\*\np[[]x\nx\\\nx[",
        b"odenied\nA\nlerror",
    ]
    write("filter_fuzz", filters)

    # input: flags byte (bits 0-1 file/pipe/stdin pipe/stdin file, 2 gzip, 3 past 1 MiB,
    # 4 short max_line_bytes, 5 gzip cut short), a 4-byte seed, then the text: every way of
    # reading, plain and gzip, small and big, from a few runs of raw lines.
    texts = [chunks[0][:1500], chunks[len(chunks) // 2][:3000], b"no newline at the end",
             b"\x1f", b"\n\n\r\n", b"a" * 700 + b"\nb\n"]
    inputs = []
    for number, flags in enumerate([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 9, 16, 21, 36, 37]):
        text = texts[number % len(texts)]
        seed = number * 2654435761 % 2**32
        if flags & 8:
            seed -= seed % 16  # input_fuzz grows the text past 1 MiB only for such seeds
        inputs.append(bytes([flags]) + seed.to_bytes(4, "little") + text)
    write("input_fuzz", inputs)

    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    print(f"total: {total} bytes")


if __name__ == "__main__":
    main()
