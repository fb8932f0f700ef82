#!/usr/bin/env python3
"""Renders bench/run.sh's results (tab-separated key/value lines) as docs/performance.md.

    report.py RESULTS.tsv OUT.md

Every figure is the median of the runs; every figure has a baseline measured in the same run.
Prints one PASS/MISS line per target on stdout.
"""
import re
import statistics
import sys


# bench/functions_host.sh owns the section between these markers; a run of this report keeps it.
def load(path):
    data = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            data[key] = value
    return data


def runs_of(data, prefix):
    """Values of PREFIX.1, PREFIX.2, ... in run order, as floats."""
    values = []
    run = 1
    while f"{prefix}.{run}" in data:
        values.append(float(data[f"{prefix}.{run}"]))
        run += 1
    return values


def med(data, prefix):
    values = runs_of(data, prefix)
    if not values:
        raise KeyError(prefix)
    return statistics.median(values)


def fmt_ms(ms):
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"


def fmt_n(n):
    return f"{n:,.0f}"


def fmt_size(n):
    n = int(n)
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def paired(numerators, denominators):
    """Median of the per-run ratios: each run's figure over the baseline measured next to it."""
    return statistics.median(n / d for n, d in zip(numerators, denominators))


def ratio_text(numerators, denominators, fmt="{:.2f}", suffix=""):
    """The paired ratio, with the range of the per-run ratios when there are several runs."""
    ratios = [n / d for n, d in zip(numerators, denominators)]
    text = fmt.format(statistics.median(ratios)) + suffix
    if len(ratios) > 1:
        text += f" (runs {fmt.format(min(ratios))}–{fmt.format(max(ratios))})"
    return text


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    data = load(sys.argv[1])
    out_path = sys.argv[2]
    runs = int(data["meta.runs"])
    summary = []   # (measurement, result, baseline, ratio, target, verdict)
    sections = []

    # 1. signup throughput
    rows = []
    for mode, label, target in (("durable", "durable commits (synchronous_commit = on)", 0.85),
                                ("async", "synchronous_commit = off", 0.80)):
        plain = med(data, f"signup.{mode}.plain")
        trig = med(data, f"signup.{mode}.trigger")
        args = (runs_of(data, f"signup.{mode}.trigger"), runs_of(data, f"signup.{mode}.plain"))
        ok = paired(*args) >= target
        summary.append((f"Signup throughput with trigger, {label}", f"{fmt_n(trig)} tps",
                        f"{fmt_n(plain)} tps without trigger", ratio_text(*args), f"≥ {target:.2f}", verdict(ok)))
        refs = runs_of(data, f"signup.{mode}.reference")
        if refs:
            ref_args = (refs, runs_of(data, f"signup.{mode}.plain"))
            summary.append((f"Reference: Supabase docs' trigger, {label}", f"{fmt_n(med(data, f'signup.{mode}.reference'))} tps",
                            f"{fmt_n(plain)} tps without trigger", ratio_text(*ref_args), "—", "—"))
        for run, (p, t) in enumerate(zip(runs_of(data, f"signup.{mode}.plain"),
                                         runs_of(data, f"signup.{mode}.trigger")), 1):
            ref = f"{fmt_n(refs[run - 1])} | {refs[run - 1] / p:.2f}" if len(refs) >= run else "— | —"
            rows.append(f"| {run} | {mode} | {fmt_n(p)} | {fmt_n(t)} | {t / p:.2f} | {ref} |")
    sections.append("\n".join([
        "## 1. Signup cost of the trigger",
        "",
        f"pgbench, 2 clients, {data['meta.pgbench_seconds']} s per run, `-M prepared`, as role "
        "`supabase_auth_admin`, one `insert into auth.users (...)` per transaction (unique email from "
        "`gen_random_uuid()`). *Without* is a database with the Supabase stand-in only; *with* has "
        "all migrations applied (trigger `on_auth_user_created`, the foreign key "
        "`public.users.id → auth.users.id`). Each run starts from empty tables and a `CHECKPOINT`; "
        "the arms rotate order from run to run. `synchronous_commit = off` is set per connection "
        "with `PGOPTIONS`. *Reference* is a third database like *with*, whose `handle_new_user()` is "
        "replaced by the profile trigger of Supabase's docs (security definer, `search_path = ''`, a plain "
        "`insert ... values (new.id, new.email, new.raw_user_meta_data ->> 'full_name', ...)`, no "
        "`on conflict`, no metadata checks): what a minimal inserting PL/pgSQL trigger costs on this "
        "machine. It has no target; it shows how much of the cost is the migration's and how much any "
        "such trigger's.",
        "",
        "| run | mode | tps without trigger | tps with trigger | ratio | tps with the docs' trigger | ratio |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]))

    # 2. quality check
    check_parts = [
        "## 2. Daily quality check",
        "",
        "`select * from user_sync.run_user_sync_quality_check()` as `user_sync_monitor`, on "
        "`auth.users` with 0.1 % ghosts and `public.users` with 0.01 % orphans (random UUIDs inserted "
        "in random order, then `vacuum (analyze)`). Timing is psql's `\\timing` (client wall time of "
        "the statement; each returns at most 4 rows), after one untimed warm-up round; the rounds "
        "interleave check, lower bound and obvious queries.",
        "",
        "- **Lower bound**: `select count(id)` of each table, one after the other, forced onto the "
        "primary key's index-only scan in one process (`max_parallel_workers_per_gather = 0`, "
        "`enable_seqscan = off`, `enable_bitmapscan = off`, `jit = off`); the script verifies with "
        "`explain` that both plans are `Index Only Scan using users_pkey` and not parallel. "
        "(`count(*)` would pick the tiny `users_is_anonymous_idx` on `auth.users`, which says nothing "
        "about reading the keys.) The check runs with whatever plan its migration gives it; each size "
        "below says whether that plan used parallel workers. If it did, the ratio compares the wall "
        "time of several processes with that of one.",
        "- **Obvious queries**: `count(*) ... where not exists` in each direction plus `count(*)` of "
        "each table, default planner settings (parallel hash anti-joins, JIT on).",
        "- **Temporary files**: `pg_stat_database.temp_files` / `temp_bytes` read in the check's own "
        "session before and after the check, each read preceded by `pg_stat_force_next_flush()`, at "
        "default `work_mem`.",
        "",
    ]
    for n in data["meta.sizes"].split():
        p = f"check.{n}"
        check = med(data, f"{p}.check_ms")
        lower = med(data, f"{p}.lower_ms")
        obvious = med(data, f"{p}.obvious_ms")
        temp_files = runs_of(data, f"{p}.temp_files")
        temp_bytes = runs_of(data, f"{p}.temp_bytes")
        obvious_temp = med(data, f"{p}.obvious_temp_bytes")
        size = fmt_size(n)
        lower_args = (runs_of(data, f"{p}.check_ms"), runs_of(data, f"{p}.lower_ms"))
        obvious_args = (runs_of(data, f"{p}.obvious_ms"), runs_of(data, f"{p}.check_ms"))
        summary.append((f"Quality check at {size} users vs lower bound", fmt_ms(check),
                        f"{fmt_ms(lower)} lower bound", ratio_text(*lower_args), "≤ 1.30",
                        verdict(paired(*lower_args) <= 1.3)))
        summary.append((f"Quality check at {size} users vs the obvious queries", fmt_ms(check),
                        f"{fmt_ms(obvious)} obvious queries", ratio_text(*obvious_args, fmt="{:.1f}", suffix="× faster"),
                        "≥ 3× faster", verdict(paired(*obvious_args) >= 3)))
        no_temp = all(v == 0 for v in temp_files + temp_bytes)
        summary.append((f"Temporary files written by the check at {size} users",
                        f"{max(temp_files):.0f} files, {max(temp_bytes):.0f} bytes (worst run)",
                        f"{obvious_temp / 1048576:.0f} MB by the obvious queries", "—", "0", verdict(no_temp)))
        run_rows = []
        for run in range(1, runs + 1):
            g = lambda k: float(data[f"{p}.{k}.{run}"])
            run_rows.append(
                f"| {run} | {fmt_ms(g('check_ms'))} | {fmt_ms(g('lower_ms'))} | {g('check_ms') / g('lower_ms'):.2f} | "
                f"{fmt_ms(g('obvious_ms'))} ({fmt_ms(g('obvious_ghosts_ms'))} + {fmt_ms(g('obvious_orphans_ms'))} + "
                f"{fmt_ms(g('obvious_counts_ms'))}) | {g('obvious_ms') / g('check_ms'):.1f} | "
                f"{g('temp_files'):.0f} / {g('temp_bytes'):.0f} | {g('obvious_temp_bytes') / 1048576:.0f} MB |")
        check_parts += [
            f"### {size} users",
            "",
            f"Load {data[f'{p}.load_s']} s; primary keys {data[f'{p}.auth_pkey_mb']} MB (`auth.users`) and "
            f"{data[f'{p}.profiles_pkey_mb']} MB (`public.users`); heap fetches in the lower-bound scans: "
            f"{data.get(f'{p}.heap_fetches.auth.users', '?')} / {data.get(f'{p}.heap_fetches.public.users', '?')}; "
            f"the check reported `{data[f'{p}.observed']}`; its plan: {data.get(f'{p}.plan', '?')}.",
            "",
            "| run | check | lower bound | check / lower | obvious (ghosts + orphans + counts) | obvious / check | "
            "check temp files / bytes | obvious temp |",
            "|---|---|---|---|---|---|---|---|",
            *run_rows,
            "",
        ]
    sections.append("\n".join(check_parts).rstrip())

    # 3. backfill
    ghosts = int(data["backfill.ghosts"])
    users = int(data["backfill.users"])
    batch = int(data["backfill.batch_size"])
    rates = [r / s for r, s in zip(runs_of(data, "backfill.rows"), runs_of(data, "backfill.seconds"))]
    rate = statistics.median(rates)
    single = runs_of(data, "backfill.single_ms")
    single_rate = statistics.median(ghosts / (ms / 1000) for ms in single) if single else None
    def latency(which, stat):
        return [float(data[f"backfill.{which}.{r}.{stat}"]) for r in range(1, runs + 1)]
    lat_max = statistics.median(latency("during", "max_ms"))
    lat_p99 = statistics.median(latency("during", "p99_ms"))
    base_max = statistics.median(latency("baseline", "max_ms"))
    base_p99 = statistics.median(latency("baseline", "p99_ms"))
    worst_max = max(latency("during", "max_ms"))
    batches = statistics.median(runs_of(data, "backfill.batches"))
    summary.append((f"Backfill of {fmt_n(ghosts)} ghosts in {fmt_size(users)} users, batches of {fmt_n(batch)}, "
                    "under signup load", f"{fmt_n(rate)} rows/s ({batches:.0f} batches)",
                    f"{fmt_n(single_rate)} rows/s single statement, no load" if single_rate else "—",
                    ratio_text(rates, [ghosts / (ms / 1000) for ms in single]) if single_rate else "—",
                    "≥ 30,000 rows/s", verdict(rate >= 30000)))
    summary.append(("Signup max latency during the backfill", f"{lat_max:.1f} ms (worst run {worst_max:.1f} ms)",
                    f"{base_max:.1f} ms without backfill",
                    ratio_text(latency('during', 'max_ms'), latency('baseline', 'max_ms')), "≤ 50 ms",
                    verdict(lat_max <= 50)))
    summary.append(("Signup p99 latency during the backfill", f"{lat_p99:.2f} ms", f"{base_p99:.2f} ms without backfill",
                    ratio_text(latency('during', 'p99_ms'), latency('baseline', 'p99_ms')), "—", "—"))
    bf_rows = []
    for r in range(1, runs + 1):
        d = lambda k: float(data[f"backfill.during.{r}.{k}"])
        b = lambda k: float(data[f"backfill.baseline.{r}.{k}"])
        secs = float(data[f"backfill.seconds.{r}"])
        covered = "" if data.get(f"backfill.covered.{r}") == "1" else " (load ended before the backfill!)"
        bmin, bmax = data.get(f"backfill.batch_ms_min.{r}"), data.get(f"backfill.batch_ms_max.{r}")
        spread = f", each {float(bmin):.0f}–{float(bmax):.0f} ms" if bmin and bmax else ""
        bf_rows.append(
            f"| {r} | {float(data[f'backfill.rows.{r}']) / secs:,.0f} rows/s in {secs:.2f} s, "
            f"{data[f'backfill.batches.{r}']} batches{spread}{covered} | "
            f"{fmt_ms(single[r - 1]) if len(single) >= r else '—'} | "
            f"{d('p99_ms'):.2f} / {d('max_ms'):.2f} ms ({d('n'):.0f} signups, {d('tps'):,.0f} tps) | "
            f"{b('p99_ms'):.2f} / {b('max_ms'):.2f} ms ({b('n'):.0f} signups, {b('tps'):,.0f} tps) |")
    sections.append("\n".join([
        "## 3. Backfill under signup load",
        "",
        f"{fmt_n(users)} users of which {fmt_n(ghosts)} (10 %, spread uniformly over the key space) have no "
        f"profile. The backfill calls `user_sync.repair_ghost_users({batch}, false, after_id)` in a "
        "loop, one transaction per call, each call resuming after the last id the previous one repaired (as "
        "the CLI and the admin API do), until a call repairs nothing (a `DO` block with `COMMIT` after each "
        "call, so there are no client round trips); the rate is rows / (end of the last call − start of the "
        f"first). Meanwhile pgbench runs {data['backfill.load_seconds']} s of signups (2 clients, unthrottled, durable commits, "
        "as `supabase_auth_admin`, the same insert as in section 1, per-transaction log `-l`); the latency "
        "figures cover every signup that overlapped the backfill window. Baseline: the same signup load "
        "without a backfill, evaluated over a window of the same offset and length; and the whole backfill as "
        "one statement (`repair_ghost_users(100000, false)`) with no load. The database is reset "
        "(ghosts' profiles and the signups deleted, `vacuum (analyze)`, `CHECKPOINT`) before every run.",
        "",
        "| run | batched, under load | single statement, no load | signup p99 / max during backfill | "
        "signup p99 / max, no backfill |",
        "|---|---|---|---|---|",
        *bf_rows,
    ]))

    # header
    settings = [(k.removeprefix("setting."), v) for k, v in data.items() if k.startswith("setting.")]
    runtime = int(data["meta.runtime_s"])
    head = [
        "# Performance",
        "",
        "Measured by `bench/run.sh`, which writes this file; re-run it rather than editing by hand. Each "
        "figure is the median of the runs, and each is set against a baseline measured in the same run on "
        "the same throwaway cluster (`scripts/pgtmp.sh start --durable --supabase`: fsync on, unix socket). "
        "A ratio is the median of the per-run ratios (each run's figure over the baseline measured right "
        "next to it), which cancels most of the drift of a shared machine; the per-run figures are in the "
        "sections below the summary.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs (`nproc`) | {data['meta.nproc']} |",
        f"| Memory | {data['meta.memory']} |",
        f"| CPU model | {data['meta.cpu'] or 'unknown'} |",
        f"| Kernel | {data['meta.kernel']} |",
        f"| PostgreSQL | {data['meta.pg_version']} |",
        *[f"| `{k}` | {v} |" for k, v in sorted(settings)],
        f"| Load average (1/5/15 min) at start | {data['meta.load_start']} |",
        f"| … after section 1 (signups) | {data.get('meta.load_after_signup', '?')} |",
        *[f"| … after the check at {fmt_size(n)} users | {data.get(f'meta.load_after_check_{n}', '?')} |"
          for n in data["meta.sizes"].split()],
        f"| … at the end | {data['meta.load_end']} |",
        "",
        f"Date: {data['meta.date']}. Command: `{data['meta.command']}`. Runs per figure: {runs}. "
        f"Runtime: {runtime // 60} min {runtime % 60} s.",
        "",
        "`max_wal_size` and `checkpoint_timeout` are raised by the script so the bulk loads do not "
        "checkpoint continuously; every measured step starts right after an explicit `CHECKPOINT`. "
        "Other settings are the defaults of PostgreSQL 15 and `scripts/pgtmp.sh`. The machine is not "
        "isolated: whatever else runs on it (see load average) shows up as noise, which the "
        "interleaved runs and medians dampen but do not remove.",
    ]
    if data.get("meta.quick") == "1":
        head += ["", "**Smoke run (`BENCH_QUICK=1`)**: small sizes, short runs, one run per figure; "
                     "the figures are not meaningful against the targets."]
    table = [
        "## Summary",
        "",
        "| measurement | result | baseline (same run) | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in summary],
    ]
    sections.append("\n".join([
        "## Diagnostics",
        "",
        "Two scripts price the parts of a figure that misses, on their own throwaway clusters; they "
        "change nothing in the migrations and write nothing here:",
        "",
        "- `bench/trigger_variants.sh`: server-side cost per signup of the migration's trigger and of "
        "variants (Supabase docs' trigger, no foreign key, inline columns, no `on conflict`, a trigger that "
        "inserts nothing, ...).",
        "- `bench/check_variants.sh`: the migration's pass over both keys (two halves, Parallel Append) and "
        "a single merge full join in one process, each against the lower bound.",
    ]))
    doc = "\n".join(head) + "\n\n" + "\n".join(table) + "\n\n" + "\n\n".join(sections) + "\n"
    doc = keep_other_sections(doc, out_path)
    with open(out_path, "w") as f:
        f.write(doc)

    for row in summary:
        if row[5] in ("PASS", "MISS"):
            print(f"{row[5]}  {row[0]}: {row[1]} (baseline {row[2]}, ratio {row[3]}, target {row[4]})")


def keep_other_sections(doc, out_path):
    """Sections other scripts write into the same file (bench/signins.sh's "## Sign-ins") survive a
    rewrite: every "## " section of the old file whose heading this report does not produce is
    carried over, before "## Diagnostics"."""
    try:
        with open(out_path) as f:
            old = f.read()
    except FileNotFoundError:
        return doc
    ours = set(re.findall(r"^## .*$", doc, flags=re.M))
    others = [m.group(0).rstrip("\n") for m in re.finditer(r"^## .*?(?=^## |\Z)", old, flags=re.S | re.M)
              if m.group(0).splitlines()[0] not in ours]
    if not others:
        return doc
    at = doc.find("\n## Diagnostics")
    return doc[:at] + "\n\n" + "\n\n".join(others) + doc[at:]


if __name__ == "__main__":
    main()
