#!/usr/bin/env python3
"""Turns bench/run.sh results (JSON lines) into the Markdown report: medians with min–max.

Usage: report.py RESULTS.jsonl [MICRO.json]
"""
import json
import os
import statistics
import sys


def load(path):
    meta, end, loads, metrics = {}, {}, [], []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if "meta" in r:
                meta = r["meta"]
            elif "meta_end" in r:
                end = r["meta_end"]
            elif "result" in r:
                loads.append(r)
            elif "metric" in r:
                metrics.append(r)
    return meta, end, loads, metrics


def fmt(x, kind):
    if x is None:
        return "–"
    if kind == "rate":
        return f"{x:,.0f}"
    if kind == "pct":
        return f"{x * 100:.0f} %"
    if kind == "ratio":
        return f"{x:.2f}×"
    if kind == "int":
        return f"{x:,.0f}"
    # milliseconds and other small quantities: 3 significant digits
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def agg(values, kind):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med, kind)
    return f"{fmt(med, kind)} ({fmt(min(values), kind)}–{fmt(max(values), kind)})"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Results:
    def __init__(self, loads, metrics):
        self.loads = loads
        self.metrics = metrics

    def runs(self, scenario, case):
        return sorted((r for r in self.loads if r["scenario"] == scenario and r["case"] == case),
                      key=lambda r: r["run"])

    def series(self, scenario, case, getter):
        out = []
        for r in self.runs(scenario, case):
            try:
                out.append(getter(r["result"]))
            except (KeyError, TypeError):
                out.append(None)
        return out

    def metric(self, scenario, case, name):
        return [m["value"] for m in sorted(self.metrics, key=lambda m: m["run"])
                if m["scenario"] == scenario and m["case"] == case and m["metric"] == name]

    def cpu_per_request(self, scenario, case, key="server_cpu_s"):
        """Server CPU µs per HTTP request: its CPU time over the load generator's whole run (warm-up
        included) divided by the requests that run would have made at the measured rate. With
        key="writer_cpu_s", the same for the SQLite writer thread alone."""
        out = []
        for r in self.runs(scenario, case):
            res = r["result"]
            n = res.get("requests_per_s", 0) * res.get("wall_s", 0)
            out.append(r[key] / n * 1e6 if n and r.get(key) else None)
        return out

    def errors(self, scenario, case):
        total = sum(r["result"].get("error_count", 0) for r in self.runs(scenario, case))
        detail = {}
        for r in self.runs(scenario, case):
            for k, v in r["result"].get("error_detail", {}).items():
                detail[k] = detail.get(k, 0) + v
        if not total:
            return "0"
        return f"{total} ({', '.join(f'{k}: {v}' for k, v in sorted(detail.items()))})"


def op_lat(op, q):
    return lambda res: res["ops"][op]["latency_ms"][q]


def main():
    meta, end, loads, metrics = load(sys.argv[1])
    micro_path = sys.argv[2] if len(sys.argv) > 2 else ""
    R = Results(loads, metrics)
    out = []
    p = out.append
    conc = [int(c) for c in str(meta.get("read_conc", "16 128")).split()]
    wc, uc, sc = meta.get("write_conc", 64), meta.get("upload_conc", 8), meta.get("scale_conc", 16)
    p(f"senderid benchmark — {meta.get('date', '?')} — commit `{meta.get('commit', '?')}`")
    p("")
    p(f"{meta.get('nproc', '?')} CPUs ({meta.get('cpu', '?')}), kernel {meta.get('kernel', '?')}; "
      f"{meta.get('runs', '?')} run(s) × {meta.get('duration', '?')} s after {meta.get('warmup', '?')} s warm-up; "
      f"figures are medians (min–max) over the runs. Load average before/after: "
      f"{meta.get('load_before', '?')} / {end.get('load_after', '?')}."
      + (" **Quick (smoke) mode: short runs, small stores — not for comparison.**" if meta.get("quick") else ""))
    disk = meta.get("disk") or {}
    if disk:
        p("")
        p(f"Disk under the work directory ({meta.get('fs', '?')}): 4 KB write + fdatasync "
          f"p50/p99 {disk['append_p50_ms']:.2f}/{disk['append_p99_ms']:.2f} ms appending, "
          f"{disk['overwrite_p50_ms']:.2f}/{disk['overwrite_p99_ms']:.2f} ms overwriting.")
    p("")

    targets = []  # (target, measured, met)

    # 1. reads
    if R.runs("read", f"healthz c={conc[0]}"):
        p("### 1. Signed `GET /senderid/v1/numbers/active` vs `GET /healthz` (same server, same run, keep-alive)")
        p("")
        p("| c | request | req/s | p50 ms | p99 ms | server CPU µs/req | errors |")
        p("|---:|---|---:|---:|---:|---:|---|")
        for c in conc:
            for case, name in ((f"healthz c={c}", "`GET /healthz`"),
                               (f"active c={c}", "signed `GET …/numbers/active`")):
                p(f"| {c} | {name} | {agg(R.series('read', case, lambda r: r['throughput']), 'rate')} "
                  f"| {agg(R.series('read', case, lambda r: r['latency_ms']['p50']), 'ms')} "
                  f"| {agg(R.series('read', case, lambda r: r['latency_ms']['p99']), 'ms')} "
                  f"| {agg(R.cpu_per_request('read', case), 'ms')} "
                  f"| {R.errors('read', case)} |")
            h = R.series("read", f"healthz c={c}", lambda r: r["throughput"])
            a = R.series("read", f"active c={c}", lambda r: r["throughput"])
            ratios = [x / y if x is not None and y else None for x, y in zip(a, h)]
            p(f"| {c} | **signed ÷ healthz** | **{agg(ratios, 'pct')}** | | | | |")
            targets.append((f"signed ≥ 50 % of /healthz throughput, c={c}", agg(ratios, "pct"),
                            median(ratios) is not None and median(ratios) >= 0.5))
        c = conc[-1]
        for case, name in ((f"healthz c={c} open", "`GET /healthz`"),
                           (f"active c={c} open", "signed `GET …/numbers/active`")):
            if not R.runs("read", case):
                continue
            p(f"| {c} | {name}, open loop at "
              f"{agg(R.series('read', case, lambda r: r['rate']), 'rate')} req/s "
              f"| {agg(R.series('read', case, lambda r: r['throughput']), 'rate')} "
              f"| {agg(R.series('read', case, lambda r: r['latency_ms']['p50']), 'ms')} "
              f"| {agg(R.series('read', case, lambda r: r['latency_ms']['p99']), 'ms')} "
              f"| {agg(R.cpu_per_request('read', case), 'ms')} "
              f"| {R.errors('read', case)} |")
        p99 = R.series("read", f"active c={c}", lambda r: r["latency_ms"]["p99"])
        targets.append((f"signed p99 ≤ 5 ms at c={c}, closed loop (as fast as it answers)",
                        agg(p99, "ms") + " ms", median(p99) is not None and median(p99) <= 5))
        p99 = R.series("read", f"active c={c} open", lambda r: r["latency_ms"]["p99"])
        if p99:
            targets.append((f"signed p99 ≤ 5 ms at c={c}, open loop at half its throughput",
                            agg(p99, "ms") + " ms", median(p99) is not None and median(p99) <= 5))
        p("")

    # 2. writes
    cd, ars = f"create-delete c={wc}", f"ars c={wc}"
    if R.runs("write", cd) or R.runs("write", ars):
        p(f"### 2. Writes with durable commits (c={wc}, {meta.get('write_accounts', 200):,} accounts)")
        p("")
        p("| scenario | per second | p50 ms | p99 ms | server CPU µs/HTTP request | errors |")
        p("|---|---:|---:|---:|---:|---|")
        creates = R.series("write", cd, lambda r: r["ops"]["create"]["per_s"])
        p(f"| creates (`POST /numbers`, each followed by its `DELETE`) | {agg(creates, 'rate')} "
          f"| {agg(R.series('write', cd, op_lat('create', 'p50')), 'ms')} "
          f"| {agg(R.series('write', cd, op_lat('create', 'p99')), 'ms')} "
          f"| {agg(R.cpu_per_request('write', cd), 'ms')} | {R.errors('write', cd)} |")
        p(f"| deletes | {agg(R.series('write', cd, lambda r: r['ops']['delete']['per_s']), 'rate')} "
          f"| {agg(R.series('write', cd, op_lat('delete', 'p50')), 'ms')} "
          f"| {agg(R.series('write', cd, op_lat('delete', 'p99')), 'ms')} | | |")
        verif = R.series("write", ars, lambda r: r["cycles_per_s"])
        p(f"| complete ARS verifications (create → step 1 → read code → step 2) | {agg(verif, 'rate')} "
          f"| {agg(R.series('write', ars, lambda r: r['cycle_latency_ms']['p50']), 'ms')} "
          f"| {agg(R.series('write', ars, lambda r: r['cycle_latency_ms']['p99']), 'ms')} "
          f"| {agg(R.cpu_per_request('write', ars), 'ms')} | {R.errors('write', ars)} |")
        for op, name in (("create", "create"), ("step1", "step 1 (call placed)"), ("step2", "step 2 (code checked)")):
            p(f"| ↳ ARS {name} | | {agg(R.series('write', ars, op_lat(op, 'p50')), 'ms')} "
              f"| {agg(R.series('write', ars, op_lat(op, 'p99')), 'ms')} | | |")
        targets.append(("≥ 2,000 creates/s", agg(creates, "rate"),
                        median(creates) is not None and median(creates) >= 2000))
        targets.append(("≥ 500 complete verifications/s", agg(verif, "rate"),
                        median(verif) is not None and median(verif) >= 500))
        p("")

    # 7. webhooks, on SQLite ("") and on PostgreSQL ("pg ")
    wcd = f"create-delete c={wc}"
    for prefix, store in (("", "SQLite"), ("pg ", "PostgreSQL, one instance")):
        if not (R.runs("webhook", f"{prefix}none {wcd}") or R.runs("webhook", f"{prefix}webhook {wcd}")):
            continue
        p(f"### 7. Webhooks on {store}: creates with one enabled webhook per account vs none (c={wc}, same run)")
        p("")
        writer = "| SQLite writer thread CPU µs/request " if not prefix else ""
        p(f"| store | creates/s | p50 ms | p99 ms | server CPU µs/HTTP request {writer}| errors |")
        p("|---|---:|---:|---:|---:|" + ("---:|" if writer else "") + "---|")
        per = {}
        for variant, name in (("none", "no webhooks"), ("webhook", "one webhook per account, receiver on loopback")):
            case = f"{prefix}{variant} {wcd}"
            per[variant] = R.series("webhook", case, lambda r: r["ops"]["create"]["per_s"])
            p(f"| {name} | {agg(per[variant], 'rate')} "
              f"| {agg(R.series('webhook', case, op_lat('create', 'p50')), 'ms')} "
              f"| {agg(R.series('webhook', case, op_lat('create', 'p99')), 'ms')} "
              f"| {agg(R.cpu_per_request('webhook', case), 'ms')} "
              + (f"| {agg(R.cpu_per_request('webhook', case, 'writer_cpu_s'), 'ms')} " if writer else "")
              + f"| {R.errors('webhook', case)} |")
        ratio = [w / n if w is not None and n else None for w, n in zip(per["webhook"], per["none"])]
        p("")
        m = f"{prefix}webhook"
        drained, drain_s = R.metric("webhook", m, "drained"), R.metric("webhook", m, "drain_s")
        rate = [n / t if t else None for n, t in zip(drained, drain_s)]
        p("| deliveries | per run |")
        p("|---|---:|")
        p(f"| delivered while the load ran | {agg(R.metric('webhook', m, 'delivered_during_load'), 'int')} |")
        p(f"| backlog when it stopped (PENDING) | {agg(R.metric('webhook', m, 'backlog'), 'int')} |")
        p(f"| **drain: deliveries/s with no other load** | {agg(rate, 'rate')} |")
        p(f"| requests the receiver got (all runs' deliveries, duplicates included) "
          f"| {agg(R.metric('webhook', m, 'received'), 'int')} |")
        p(f"| FAILED / still PENDING after the drain | {agg(R.metric('webhook', m, 'failed'), 'int')} / "
          f"{agg(R.metric('webhook', m, 'left_pending'), 'int')} |")
        p("")
        targets.append((f"{store}: creates with a webhook within 15 % of without (ratio per run)", agg(ratio, "pct"),
                        median(ratio) is not None and median(ratio) >= 0.85))

    # 3. scale
    if R.metric("scale", "large", "numbers"):
        small_n = R.metric("scale", "small", "numbers")
        large_n = R.metric("scale", "large", "numbers")
        sn = f"{int(small_n[0]):,}" if small_n else "?"
        ln = f"{int(large_n[0]):,}" if large_n else "?"
        p(f"### 3. Scale: {ln} numbers vs {sn} numbers (5 per account; loads c={sc} over 100 sample accounts)")
        p("")
        p(f"| figure | {sn} numbers | {ln} numbers | large ÷ small |")
        p("|---|---:|---:|---:|")

        def row(name, small, large, kind, ratio=True):
            rs = f"{median(large) / median(small):.2f}×" if ratio and median(small) and median(large) is not None else ""
            p(f"| {name} | {agg(small, kind)} | {agg(large, kind)} | {rs} |")

        row("database size (MB)", R.metric("scale", "small", "db_mb"), R.metric("scale", "large", "db_mb"), "int")
        row("fill time (s)", R.metric("scale", "small", "fill_s"), R.metric("scale", "large", "fill_s"), "ms",
            ratio=False)
        row("server start → first /healthz (ms)", R.metric("scale", "small", "start_ms"),
            R.metric("scale", "large", "start_ms"), "ms")
        row("server RSS after the loads (MB)", R.metric("scale", "small", "rss_mb"),
            R.metric("scale", "large", "rss_mb"), "ms")
        row("server peak RSS (MB)", R.metric("scale", "small", "hwm_mb"),
            R.metric("scale", "large", "hwm_mb"), "ms")
        worst = 0.0
        for case, op, name in (("get-numbers", "get-numbers", "`GET /numbers`"),
                               ("active", "active", "`GET /numbers/active`"),
                               ("create-delete", "create", "`POST /numbers` (create)")):
            for q in ("p50", "p99"):
                s = R.series("scale", f"small {case}", op_lat(op, q))
                l = R.series("scale", f"large {case}", op_lat(op, q))
                row(f"{name} {q} ms", s, l, "ms")
                if median(s) and median(l) is not None:
                    worst = max(worst, median(l) / median(s))
            s = R.series("scale", f"small {case}", lambda r, op=op: r["ops"][op]["per_s"])
            l = R.series("scale", f"large {case}", lambda r, op=op: r["ops"][op]["per_s"])
            row(f"{name} per second", s, l, "rate")
            row(f"{name} server CPU µs/request" + (" (create and delete)" if op == "create" else ""),
                R.cpu_per_request("scale", f"small {case}"), R.cpu_per_request("scale", f"large {case}"), "ms")
        rss = R.metric("scale", "large", "hwm_mb")
        start = R.metric("scale", "large", "start_ms")
        targets.append(("per-account p50/p99 on the large store ≤ 1.5× the small store (worst of 6)",
                        f"{worst:.2f}×", worst <= 1.5))
        targets.append(("RSS ≤ 300 MB (large store, peak)", agg(rss, "ms") + " MB",
                        median(rss) is not None and median(rss) <= 300))
        targets.append(("start ≤ 2 s (large store)", agg(start, "ms") + " ms",
                        median(start) is not None and median(start) <= 2000))
        p("")

    # 4. uploads
    up = f"upload c={uc}"
    if R.runs("upload", up):
        p(f"### 4. Document uploads (700 KB PDF as base64, c={uc})")
        p("")
        p("| uploads/s | MB/s (decoded) | p50 ms | p99 ms | server CPU µs/upload | errors |")
        p("|---:|---:|---:|---:|---:|---|")
        rate = R.series("upload", up, lambda r: r["throughput"])
        p(f"| {agg(rate, 'rate')} | {agg([x * 0.716 if x is not None else None for x in rate], 'ms')} "
          f"| {agg(R.series('upload', up, lambda r: r['latency_ms']['p50']), 'ms')} "
          f"| {agg(R.series('upload', up, lambda r: r['latency_ms']['p99']), 'ms')} "
          f"| {agg(R.cpu_per_request('upload', up), 'ms')} | {R.errors('upload', up)} |")
        p("")

    if targets:
        p("### Targets")
        p("")
        p("| target | measured (median) | met |")
        p("|---|---:|:---:|")
        for t, m, ok in targets:
            p(f"| {t} | {m} | {'yes' if ok else '**no**'} |")
        p("")

    # 6. PostgreSQL beside SQLite
    def pg_sum(case, getter):
        """Per run: getter summed over the parts (two load generators for two instances)."""
        by_run = {}
        for r in loads:
            if r["scenario"] == "pg" and r["case"] == case:
                try:
                    by_run[r["run"]] = by_run.get(r["run"], 0) + getter(r["result"])
                except (KeyError, TypeError):
                    pass
        return [by_run[k] for k in sorted(by_run)]

    def pg_ratio(a, b):
        return [x / y if x is not None and y else None for x, y in zip(a, b)]

    rc, wcp = meta.get("pg_read_conc", 16), meta.get("pg_write_conc", meta.get("write_conc", 64))
    pg_cases = (("signed `GET /numbers/active`", f"active c={rc}", lambda r: r["ops"]["active"]["per_s"]),
                ("creates (`POST /numbers`, each followed by its `DELETE`)", f"create-delete c={wcp}",
                 lambda r: r["ops"]["create"]["per_s"]),
                ("complete ARS verifications", f"ars c={wcp}", lambda r: r["cycles_per_s"]))
    if any(r["scenario"] == "pg" for r in loads):
        p(f"### 6. PostgreSQL beside SQLite, one and two instances (same run; reads c={rc}, writes c={wcp})")
        p("")
        p("Two instances: two servers on one database, each driven by its own load generator with half "
          "the connections, at the same time; the figure is the sum. Ratios are taken per run.")
        p("")
        p("| per second | SQLite | PostgreSQL, 1 instance | PG ÷ SQLite | PostgreSQL, 2 instances | 2 ÷ 1 | p50 / p99 ms (SQLite · PG 1) |")
        p("|---|---:|---:|---:|---:|---:|---|")
        medians = {}
        for name, case, get in pg_cases:
            sq, one, two = (pg_sum(f"{st} {case}", get) for st in ("sqlite", "pg1", "pg2"))
            medians[case] = (median(sq), median(one))
            op = "active" if case.startswith("active") else "create" if case.startswith("create") else None
            if op:
                lat = lambda st, q: agg(R.series("pg", f"{st} {case}", op_lat(op, q)), "ms")
            else:
                lat = lambda st, q: agg(R.series("pg", f"{st} {case}", lambda r: r["cycle_latency_ms"][q]), "ms")
            p(f"| {name} | {agg(sq, 'rate')} | {agg(one, 'rate')} | {agg(pg_ratio(one, sq), 'pct')} "
              f"| {agg(two, 'rate')} | {agg(pg_ratio(two, one), 'ratio')} "
              f"| {lat('sqlite', 'p50')} / {lat('sqlite', 'p99')} · {lat('pg1', 'p50')} / {lat('pg1', 'p99')} |")
        errs = [f"{st} {case}: {R.errors('pg', f'{st} {case}')}" for _, case, _ in pg_cases
                for st in ("sqlite", "pg1", "pg2") if R.errors("pg", f"{st} {case}") != "0"]
        for st, label in (("pg1", "1 instance"), ("pg2", "2 instances")):
            cpu = R.metric("pg", st, "pg_cpu_s")
            if cpu:
                p(f"")
                p(f"PostgreSQL server CPU over the three loads, {label}: {agg(cpu, 'ms')} s per run.")
        la = [f"{m['case']} run {m['run']}: {m['value']:.2f}" for m in metrics
              if m["scenario"] == "pg" and m["metric"] == "loadavg"]
        if la:
            p("")
            p("1-minute load average when each store's loads began: " + "; ".join(la) + ".")
        if errs:
            p("")
            p("Errors: " + "; ".join(errs) + ".")
        p("")
        sq, one = medians[pg_cases[0][1]]
        targets_pg = [("PostgreSQL signed reads ≥ 50 % of SQLite", f"{fmt(one / sq, 'pct')}" if sq and one else "–",
                       bool(sq and one and one / sq >= 0.5))]
        _, cr = medians[pg_cases[1][1]]
        targets_pg.append(("PostgreSQL creates ≥ 1,000/s", fmt(cr, "rate"), cr is not None and cr >= 1000))
        p("| PostgreSQL target | measured (median) | met |")
        p("|---|---:|---|")
        for t, v, ok in targets_pg:
            p(f"| {t} | {v} | {'yes' if ok else '**no**'} |")
        p("")

    # Micro-benchmarks
    if micro_path and os.path.exists(micro_path):
        with open(micro_path) as f:
            micro = json.load(f)
        groups = {}
        for b in micro.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                continue
            groups.setdefault(b.get("run_name", b["name"]), []).append(b)
        if groups:
            p("### Micro-benchmarks (Google Benchmark, CPU time per operation)")
            p("")
            p("| benchmark | ns/op | note |")
            p("|---|---:|---|")
            for name, bs in groups.items():
                unit = bs[0].get("time_unit", "ns")
                scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
                times = [b["cpu_time"] * scale for b in bs]
                note = ""
                if "json_bytes" in bs[0]:
                    note = f"{int(bs[0]['json_bytes']):,} bytes of JSON"
                if "items_per_second" in bs[0]:
                    per_item = [1e9 / b["items_per_second"] for b in bs]
                    note = f"{agg(per_item, 'ms')} ns per number"
                p(f"| `{name}` | {agg(times, 'int')} | {note} |")
            p("")

    # Busy machine check: CPU used by neither the server nor the load generator during a run.
    busy = []
    for r in loads:
        res = r["result"]
        wall = res.get("wall_s") or 0
        if wall <= 0 or "machine_busy_s" not in r:
            continue
        other = (r["machine_busy_s"] - r.get("server_cpu_s", 0) - res.get("cpu_s", 0)) / wall
        if other > 0.25:
            busy.append(f"{r['scenario']}/{r['case']} run {r['run']}: {other:.2f} cores")
    if busy:
        p("Note — CPU used by other processes (or the kernel's I/O threads) during these runs: "
          + "; ".join(busy) + ".")
        p("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
