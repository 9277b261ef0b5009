#!/usr/bin/env python3
"""Turns one run of bench/compare.sh into ratios on the terminal and bench/RESULTS.md.

    report.py RESULTS_DIR CRITERION_DIR|- OUTPUT_MD

RESULTS_DIR holds what compare.sh left: hyperfine's one.json, many-fast.json and
many-slow.json, /usr/bin/time -v reports time-TOOL.txt, agreement.txt, corpus.txt,
versions.txt and notes.txt. CRITERION_DIR is target/criterion when the in-process bench ran
in this same run, or `-` when it did not (then the in-process table is left out rather than
filled with figures of another run).
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

TARGETS_NOTE = "Targets are the project's goals; a ratio is from this one run and noisy (see the notes)."


def load_hyperfine(path):
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {r["command"]: r for r in data["results"]}


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def max_rss_kib(path):
    if not path.exists():
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", path.read_text())
    return int(m.group(1)) if m else None


def criterion_estimates(root):
    """{(group, function, parameter or None): (mean ns, throughput bytes)} from criterion's JSON
    files (a benchmark with a parameter sits one folder deeper than one without)."""
    out = {}
    if root is None or not root.exists():
        return out
    for bench_file in root.rglob("new/benchmark.json"):
        est = bench_file.parent / "estimates.json"
        if not est.exists():
            continue
        bench = json.loads(bench_file.read_text())
        mean = json.loads(est.read_text())["mean"]["point_estimate"]
        tp = (bench.get("throughput") or {}).get("Bytes")
        out[(bench["group_id"], bench["function_id"], bench.get("value_str"))] = (mean, tp)
    return out


def fmt_bytes(n):
    return f"{n / 2**20:.1f} MiB" if n >= 2**19 else f"{n / 2**10:.0f} KiB"


def mib_s(ns, tp):
    return tp / (ns * 1e-9) / 2**20 if tp else None


def scaling(crit, group):
    """{shape: {row: [(bytes, parameter, ns), ...] sorted by bytes}} of a group whose function
    ids are `SHAPE/ROW` and whose parameter is the size."""
    out = {}
    for (g, f, v), (ns, tp) in crit.items():
        if g != group or "/" not in f or not tp:
            continue
        shape, row = f.split("/", 1)
        out.setdefault(shape, {}).setdefault(row, []).append((tp, v, ns))
    for rows in out.values():
        for points in rows.values():
            points.sort()
    return out


def cost_ratio(points):
    """Cost per byte at the largest size ÷ at the smallest: 1 when linear."""
    (b0, _, ns0), (b1, _, ns1) = points[0], points[-1]
    return (ns1 / b1) / (ns0 / b0)


LINEAR = 1.5  # a cost per byte that grows less than this from the smallest size to the largest


def machine():
    def first(path, key):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('"')
        except OSError:
            pass
        return "?"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    os_name = first("/etc/os-release", "PRETTY_NAME=")
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    return {
        "cores (nproc)": nproc,
        "CPU": first("/proc/cpuinfo", "model name"),
        "memory": f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "?",
        "OS": f"{os_name}, kernel {platform.release()}",
    }


def verdict(ok):
    return "yes" if ok else "**no**"


IN_PROCESS_GROUPS = ("small-clean", "small-findings", "user-data-40k")
CLEAN_GROUPS = ("small-clean", "user-data-40k")
FINDINGS_GROUPS = ("small-findings",)
ROW_ORDER = ("serde_json-parse", "changeos-parse", "jsonc-parser-ast", "changeos-check_source", "changeos-lint-only",
             "jsonschema-is_valid", "jsonschema-is_valid-only", "jsonschema-iter_errors")


def row_key(f):
    return (ROW_ORDER.index(f) if f in ROW_ORDER else len(ROW_ORDER), f)


def main():
    results = Path(sys.argv[1])
    crit_root = None if sys.argv[2] == "-" else Path(sys.argv[2])
    output = Path(sys.argv[3])

    one = load_hyperfine(results / "one.json")
    many = load_hyperfine(results / "many-fast.json")
    many.update(load_hyperfine(results / "many-slow.json"))
    versions = (results / "versions.txt").read_text().strip().splitlines()
    notes = (results / "notes.txt").read_text().strip().splitlines() if (results / "notes.txt").exists() else []
    corpus = (results / "corpus.txt").read_text().strip() if (results / "corpus.txt").exists() else ""
    agreement = (results / "agreement.txt").read_text().strip() if (results / "agreement.txt").exists() else ""
    crit = criterion_estimates(crit_root)
    m = re.search(r"Corpus: (\d+) files", corpus)
    files = f"{int(m.group(1)):,}" if m else "10,000"

    lines = []  # terminal summary
    md = ["# Benchmark results", ""]
    md.append(f"Generated by `bench/compare.sh` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; "
              "do not edit by hand, run the script again. " + TARGETS_NOTE)
    md += ["", "## Machine", "", "| | |", "|---|---|"]
    for k, v in machine().items():
        md.append(f"| {k} | {v} |")
    load = (results / "load.txt").read_text().strip() if (results / "load.txt").exists() else ""
    if load:
        md.append(f"| load average before / after timing | {load} |")
    for v in versions:
        name, _, ver = v.partition(": ")
        md.append(f"| {name} | {ver} |")

    def whole_table(title, rows, peers, cat_name):
        base = rows.get("changeos")
        if not base:
            return
        md.extend(["", f"## {title}", "",
                   "| command | mean ± σ | min | CPU (user + sys, mean) | runs | time ÷ changeos's |",
                   "|---|---|---|---|---|---|"])
        for name, r in rows.items():
            md.append(f"| `{name}` | {fmt_time(r['mean'])} ± {fmt_time(r['stddev'] or 0)} | {fmt_time(r['min'])} "
                      f"| {fmt_time(r['user'])} + {fmt_time(r['system'])} | {len(r['times'])} "
                      f"| {r['mean'] / base['mean']:.2f} |")
        lines.append(f"{title}:")
        for p in peers:
            if p in rows:
                lines.append(f"  changeos vs {p}: {rows[p]['mean'] / base['mean']:.1f}x faster "
                             f"({fmt_time(base['mean'])} vs {fmt_time(rows[p]['mean'])}; "
                             f"by the fastest run: {rows[p]['min'] / base['min']:.1f}x)")
        if cat_name in rows:
            lines.append(f"  changeos vs {cat_name}: {base['mean'] / rows[cat_name]['mean']:.2f}x the time of cat "
                         f"({fmt_time(base['mean'])} vs {fmt_time(rows[cat_name]['mean'])}; "
                         f"by the fastest run: {base['min'] / rows[cat_name]['min']:.2f}x)")
        for name, r in rows.items():
            if name.startswith("changeos") and name != "changeos":
                lines.append(f"  {name}: {fmt_time(r['mean'])} ({r['mean'] / base['mean']:.2f}x the time of changeos)")

    whole_table("One small file, whole process", one, ["check-jsonschema", "jsonschema-cli"], "cat")
    whole_table(f"{files} files, one invocation each", many, ["check-jsonschema", "jsonschema-cli"], "cat")
    if corpus:
        md += ["", corpus]

    rss = {t: max_rss_kib(results / f"time-{t}.txt") for t in ("changeos", "check-jsonschema", "jsonschema-cli")}
    if any(rss.values()):
        md += ["", f"## Peak memory on the {files} files (`/usr/bin/time -v`, maximum RSS)", "",
               "| command | peak RSS |", "|---|---|"]
        for t, kib in rss.items():
            if kib:
                md.append(f"| `{t}` | {kib / 1024:.1f} MiB |")
        if rss["changeos"]:
            lines.append(f"peak RSS of changeos on the {files} files: {rss['changeos'] / 1024:.1f} MiB")

    # In-process figures (criterion), per batch.
    batches = {g: {f: v for (gg, f, p), v in crit.items() if gg == g and p is None} for g in IN_PROCESS_GROUPS}
    batches = {g: fns for g, fns in batches.items() if fns}
    parser_notes = []
    if batches:
        md += ["", "## In process (criterion, `validator/benches/check.rs`)", "",
               "Per batch of payloads, mean time per batch and throughput. "
               "`changeos-check_source` is decode + parse + lint (+ placing findings in the source when there are "
               "some); `changeos-parse` is our parser alone and `jsonc-parser-ast` dprint's `jsonc-parser` building "
               "its AST, set to strict JSON, both after the UTF-8 check a `&str` needs; the jsonschema rows parse "
               "with serde_json too, with the schema compiled once beforehand.", "",
               "| batch | bench | time per batch | throughput | vs serde_json parse alone | vs jsonschema is_valid |",
               "|---|---|---|---|---|---|"]
        for g, fns in batches.items():
            parse = fns.get("serde_json-parse", (None,))[0]
            valid = fns.get("jsonschema-is_valid", (None,))[0]
            for f in sorted(fns, key=row_key):
                ns, tp = fns[f]
                rate = mib_s(ns, tp)
                vp = f"{ns / parse:.2f}× the time" if parse else ""
                vv = f"{valid / ns:.2f}× the throughput" if valid else ""
                md.append(f"| {g} | `{f}` | {ns / 1e3:.2f} µs | {f'{rate:.0f} MiB/s' if rate else '?'} | {vp} | {vv} |")
        lines.append("in process (criterion):")
        for g, fns in batches.items():
            t = {f: v[0] for f, v in fns.items()}
            if {"changeos-check_source", "serde_json-parse", "jsonschema-is_valid"} <= t.keys():
                c = t["changeos-check_source"]
                lines.append(f"  {g}: check_source = {c / t['serde_json-parse']:.2f}x the time of serde_json parse; "
                             f"{t['jsonschema-is_valid'] / c:.2f}x the throughput of jsonschema is_valid"
                             + (f", {t['jsonschema-iter_errors'] / c:.2f}x of iter_errors"
                                if "jsonschema-iter_errors" in t else ""))
            if {"changeos-parse", "serde_json-parse", "jsonc-parser-ast"} <= t.keys():
                ours, serde, jsonc = t["changeos-parse"], t["serde_json-parse"], t["jsonc-parser-ast"]
                lines.append(f"  {g}: our parse = {ours / serde:.2f}x the time of serde_json parse, "
                             f"jsonc-parser = {jsonc / serde:.2f}x (ours {jsonc / ours:.2f}x faster than jsonc-parser)")
                parser_notes.append(f"- {g}: our parse takes {ours / serde:.2f}× the time of a bare serde_json "
                                    f"parse, jsonc-parser's AST {jsonc / serde:.2f}×: ours is {jsonc / ours:.2f}× "
                                    "as fast as jsonc-parser.")
        if parser_notes:
            md += ["", "The parser, a well-kept crate or one of our own (the issue asks to measure): both build a "
                   "tree with the span of every value and member name; serde_json's has no spans and keeps no "
                   "repeated names.", ""] + parser_notes

    # The worst shapes and the million members: the cost per byte at two sizes.
    worst = scaling(crit, "worst-shapes")
    million = scaling(crit, "million-members")

    def scaling_table(title, intro, shapes, unit):
        sizes = sorted({(b, v) for rows in shapes.values() for pts in rows.values() for b, v, _ in pts},
                       key=lambda bv: int(bv[1]) if (bv[1] or "").isdigit() else bv[0])
        params = []
        for _, v in sizes:
            if v not in params:
                params.append(v)
        md.extend(["", f"## {title}", "", intro, "",
                   "| shape | bench | " + " | ".join(f"at {unit(v)}" for v in params) + " | cost per byte, largest ÷ smallest |",
                   "|---|---|" + "---|" * len(params) + "---|"])
        for shape in sorted(shapes):
            for row in sorted(shapes[shape], key=row_key):
                pts = shapes[shape][row]
                by_param = {v: (b, ns) for b, v, ns in pts}
                cells = []
                for v in params:
                    if v in by_param:
                        b, ns = by_param[v]
                        cells.append(f"{mib_s(ns, b):.0f} MiB/s ({fmt_bytes(b)}, {fmt_time(ns * 1e-9)})")
                    else:
                        cells.append("")
                ratio = f"{cost_ratio(pts):.2f}×" if len(pts) > 1 else "one size only"
                md.append(f"| {shape} | `{row}` | " + " | ".join(cells) + f" | {ratio} |")

    if worst:
        scaling_table("Worst shapes (criterion, group `worst-shapes`)",
                      "Each shape built to about each size of `CHANGEOS_BENCH_WORST_BYTES` (the text's own size in "
                      "brackets); mean throughput. Linear means the cost per byte does not grow with the size: "
                      f"at most {LINEAR}× from the smallest size to the largest (a quadratic cost would make it "
                      "grow with the ratio of the sizes, 8× from 1 MiB to 8 MiB).",
                      worst, lambda v: fmt_bytes(int(v)) if (v or "").isdigit() else str(v))
    if million:
        scaling_table("An object with a million members (criterion, group `million-members`)",
                      "`undescribed-object` is `{\"os-change\": {...}, \"x\": {\"k0\":0, ..., \"k999999\":0}}` "
                      "(one finding: the unknown `x`); `os-change` has the same members in `os-change` (a finding "
                      "each). At an eighth of a million members and at a million; linear as above.",
                      million, lambda v: f"{int(v):,} members" if (v or "").isdigit() else str(v))
    for label, shapes in (("worst shapes", worst), ("million members", million)):
        if shapes:
            lines.append(f"{label} (changeos-check_source, cost per byte largest ÷ smallest size):")
            for shape in sorted(shapes):
                pts = shapes[shape].get("changeos-check_source", [])
                if len(pts) > 1:
                    lines.append(f"  {shape}: {cost_ratio(pts):.2f}x "
                                 f"({mib_s(pts[0][2], pts[0][0]):.0f} MiB/s at {fmt_bytes(pts[0][0])}, "
                                 f"{mib_s(pts[-1][2], pts[-1][0]):.0f} MiB/s at {fmt_bytes(pts[-1][0])})")

    # Targets: the issue's, word for word where it can be.
    md += ["", "## Targets", "",
           "Whole-command ratios are of the means; the fastest runs' ratio follows in brackets, as it is "
           "less sensitive to other load on the machine. The verdict is the mean's.", "",
           "| target | measured | met |", "|---|---|---|"]

    def target(label, measured, ok):
        md.append(f"| {label} | {measured} | {verdict(ok)} |")

    b = one.get("changeos")
    if b:
        for peer, want in (("check-jsonschema", 100), ("jsonschema-cli", 1.3)):
            if peer in one:
                r = one[peer]["mean"] / b["mean"]
                target(f"one small file, whole process: ≥{want:g}× faster than {peer}",
                       f"{r:.1f}× ({one[peer]['min'] / b['min']:.1f}×)", r >= want)
        if "cat" in one:
            r = b["mean"] / one["cat"]["mean"]
            target("one small file, whole process: ≤2× the time of `cat`",
                   f"{r:.2f}× ({b['min'] / one['cat']['min']:.2f}×)", r <= 2)
    b = many.get("changeos")
    if b:
        for peer, want in (("check-jsonschema", 30), ("jsonschema-cli", 1.5)):
            if peer in many:
                r = many[peer]["mean"] / b["mean"]
                target(f"{files} files in one call: ≥{want:g}× faster than {peer}",
                       f"{r:.1f}× ({many[peer]['min'] / b['min']:.1f}×)", r >= want)
    if rss["changeos"]:
        target(f"{files} files in one call: peak memory ≤50 MB", f"{rss['changeos'] / 1024:.1f} MiB",
               rss["changeos"] * 1024 <= 50e6)
    for g in [g for g in CLEAN_GROUPS + FINDINGS_GROUPS if g in batches]:
        t = {f: v[0] for f, v in batches[g].items()}
        c = t.get("changeos-check_source")
        if not c:
            continue
        if g in CLEAN_GROUPS and "jsonschema-is_valid" in t:
            r = t["jsonschema-is_valid"] / c
            target(f"in process, clean payloads ({g}): parse plus lint ≥1.5× the throughput of the jsonschema "
                   "crate (parse plus `is_valid`)", f"{r:.2f}×", r >= 1.5)
        if g in FINDINGS_GROUPS:
            if "serde_json-parse" in t:
                r = c / t["serde_json-parse"]
                target(f"in process, payloads with findings ({g}): ≤2× the cost of a bare serde_json parse",
                       f"{r:.2f}×", r <= 2)
            if "jsonschema-iter_errors" in t:
                r = t["jsonschema-iter_errors"] / c
                target(f"in process, payloads with findings ({g}): faster than jsonschema's `iter_errors`",
                       f"{r:.2f}× its throughput", r > 1)
    for label, shapes, unit in (("worst shape", worst, lambda b, v: fmt_bytes(b)),
                                ("a million members", million, lambda b, v: f"{int(v):,} members")):
        for shape in sorted(shapes):
            rows = {row: pts for row, pts in shapes[shape].items() if row.startswith("changeos")}
            if not rows or any(len(pts) < 2 for pts in rows.values()):
                target(f"{label} `{shape}`: linear", "one size only: not measured", False)
                continue
            worst_row = max(rows, key=lambda row: cost_ratio(rows[row]))
            pts = rows["changeos-check_source"] if "changeos-check_source" in rows else rows[worst_row]
            r = cost_ratio(rows[worst_row])
            serde = shapes[shape].get("serde_json-parse", [])
            serde_r = f"; serde_json-parse's own {cost_ratio(serde):.2f}×" if len(serde) > 1 else ""
            target(f"{label} `{shape}`: linear (cost per byte ≤{LINEAR}× from {unit(*pts[0][:2])} to "
                   f"{unit(*pts[-1][:2])}, every changeos row)",
                   f"check_source {mib_s(pts[0][2], pts[0][0]):.0f} → {mib_s(pts[-1][2], pts[-1][0]):.0f} MiB/s; "
                   f"largest ratio {r:.2f}× (`{worst_row}`){serde_r}", r <= LINEAR)

    if agreement:
        md += ["", "## Do the tools reject the same files?", "", agreement]
    if worst or million:
        notes.append(f"Linear: the cost per byte at the largest size is at most {LINEAR}× that at the smallest "
                     "(noise and caches make it drift a little even for a linear cost; a quadratic one grows with "
                     "the ratio of the sizes). The targets give serde_json-parse's own ratio on the same texts: "
                     "where ours grows no more than it, the growth is likely the memory's (a tree of a million members "
                     "no longer fits in the caches), not the algorithm's.")
    if notes:
        md += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    md.append("")
    output.write_text("\n".join(md))
    print("\n".join(lines))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
