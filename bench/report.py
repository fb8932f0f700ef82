#!/usr/bin/env python3
"""Renders bench/run.sh's results (tab-separated key/value lines) as docs/performance.md.

    report.py RESULTS.tsv OUT.md

Every figure is the median of the runs; every figure has a baseline measured in the same run.
A `## ` section of an existing OUT.md that this script does not write (say, one another benchmark
maintains) is kept as it is, after the measured sections. Prints one PASS/MISS line per target.
"""
import os
import statistics
import sys

# Headings this script (or bench/signins.sh, which section 3 replaced) wrote before: replaced, not kept.
RETIRED = {"1. Signup cost of the trigger", "2. Daily quality check", "3. Backfill under signup load",
           "Sign-ins"}


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


def sections_of(path):
    """(heading, text) of each `## ` section of an existing report, in order."""
    if not os.path.exists(path):
        return []
    found, heading, lines = [], None, []
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith("## "):
                if heading is not None:
                    found.append((heading, "\n".join(lines).rstrip()))
                heading, lines = line[3:].strip(), [line]
            elif heading is not None:
                lines.append(line)
    if heading is not None:
        found.append((heading, "\n".join(lines).rstrip()))
    return found


class Report:
    def __init__(self, data):
        self.data = data
        self.runs = int(data["meta.runs"])
        self.summary = []   # (measurement, result, baseline, ratio, target, verdict)
        self.misses = []    # (measurement, what was tried and the floor)

    def row(self, measurement, result, baseline, ratio, target, ok, miss_note=None):
        v = "—" if ok is None else verdict(ok)
        self.summary.append((measurement, result, baseline, ratio, target, v))
        if ok is False and miss_note:
            self.misses.append((measurement, miss_note))

    # 1 -------------------------------------------------------------------------------------------
    def signups(self):
        d = self.data
        modes = (("durable", "durable commits"), ("async", "synchronous_commit = off"))
        tables = {}
        for workload in ("txn", "bare"):
            rows = []
            for mode, label in modes:
                p = f"signup.{workload}.{mode}"
                plain, ours, docs = (runs_of(d, f"{p}.{arm}") for arm in ("plain", "ours", "docs"))
                if workload == "txn":
                    floor = paired(docs, plain)
                    self.row(f"Supabase Auth signup with UserSync's triggers, {label}", f"{fmt_n(med(d, f'{p}.ours'))} tps",
                             f"{fmt_n(med(d, f'{p}.plain'))} tps without trigger", ratio_text(ours, plain), "≥ 0.90",
                             paired(ours, plain) >= 0.90,
                             "The price comes from the triggers themselves (section 2 says which part costs what). "
                             "Floor: the Supabase docs' trigger, the "
                             f"smallest inserting trigger, reaches {floor:.2f} in the same runs; a trigger pair that sees "
                             "every update costs more (section 2, floor arm).")
                    self.row(f"Reference: Supabase Auth signup with the Supabase docs' trigger, {label}",
                             f"{fmt_n(med(d, f'{p}.docs'))} tps", f"{fmt_n(med(d, f'{p}.plain'))} tps without trigger",
                             ratio_text(docs, plain), "—", None)
                else:
                    self.row(f"Bare insert into auth.users with UserSync's triggers, {label}", f"{fmt_n(med(d, f'{p}.ours'))} tps",
                             f"{fmt_n(med(d, f'{p}.plain'))} tps without trigger", ratio_text(ours, plain), "—", None)
                for run, (pl, o, dc) in enumerate(zip(plain, ours, docs), 1):
                    rows.append(f"| {run} | {mode} | {fmt_n(pl)} | {fmt_n(o)} | {o / pl:.2f} | {fmt_n(dc)} | {dc / pl:.2f} |")
            tables[workload] = rows
        head = "| run | mode | tps without trigger | tps with UserSync's triggers | ratio | tps with the docs' trigger | ratio |\n|---|---|---|---|---|---|---|"
        return "\n".join([
            "## 1. Signup throughput",
            "",
            f"pgbench, 2 clients, {d['meta.pgbench_seconds']} s per run, `-M prepared`, as role `supabase_auth_admin`. "
            "Three databases on the same cluster: *without* has the Supabase stand-in only; *UserSync* has all "
            "migrations (the insert trigger `on_auth_user_created`, the update trigger `on_auth_user_updated`, the "
            "foreign key `public.users.id → auth.users.id`); *docs* has the migrations' table with the profile "
            "trigger of Supabase's docs instead of UserSync's two (security definer, `search_path = ''`, a plain "
            "`insert ... values (new.id, new.email, new.raw_user_meta_data ->> 'full_name', ...)`, no `on conflict`, "
            "no metadata checks, nothing on update). Each run starts from empty tables and a `CHECKPOINT`; the "
            "arms rotate order from run to run; `synchronous_commit = off` is set per connection with `PGOPTIONS`.",
            "",
            "### The signup Supabase Auth runs",
            "",
            "`bench/supabase_signup.sql`: one email signup with mailer auto-confirm on, as Supabase Auth's "
            "`/signup` handler writes it in one transaction (the script names the source file and function of "
            "every statement): the user insert (role empty), the role update, the reload, the identity lookup "
            "and insert, the user-metadata and app-metadata updates of `RemoveUnconfirmedIdentities` with its "
            "provider lookup, the audit-log insert, the confirmation update, the `email_verified` metadata update "
            "and the one-time-token cleanup: 13 statements, five of them updates of `auth.users`. The "
            "`auth.identities`, `auth.audit_log_entries` and `auth.one_time_tokens` tables are Supabase Auth's "
            "(`bench/supabase_auth_tables.sql`).",
            "",
            head,
            *tables["txn"],
            "",
            "### The bare insert",
            "",
            "One `insert into auth.users (...)` per transaction (unique email from `gen_random_uuid()`): the "
            "smallest transaction a trigger can be added to, so the trigger's share is largest. No target: the "
            "target is on the signup above.",
            "",
            head,
            *tables["bare"],
        ])

    # 2 -------------------------------------------------------------------------------------------
    def price(self):
        d = self.data
        small, large = (int(x) for x in d["meta.ir_signups"].split())
        arms = [("plain", "no trigger"),
                ("noop", "an insert trigger that does nothing (security definer, empty `search_path`), no update trigger"),
                ("docs", "the Supabase docs' trigger, no update trigger"),
                ("floor", "the docs' trigger, and an update trigger that fires on every update but does nothing"),
                ("ours_insert", "UserSync's insert trigger alone (update trigger dropped)"),
                ("ours", "UserSync's migrations as they are (insert and update trigger)"),
                ("ours_no_set", "diagnostic: UserSync's migrations with the `set search_path` taken off the two "
                                "functions a signup runs (the trigger functions)")]
        us = {a: runs_of(d, f"price.us.{a}") for a, _ in arms}
        ir = {a: float(d[f"price.ir.{a}"]) for a, _ in arms}
        # Added cost: each run's figure minus the no-trigger figure of the same run, median over runs.
        added = {a: statistics.median(x - p for x, p in zip(us[a], us["plain"])) for a, _ in arms}
        added_ir = {a: ir[a] - ir["plain"] for a, _ in arms}
        rows = [f"| {a} | {desc} | {statistics.median(us[a]):.1f} ({', '.join(f'{x:.1f}' for x in us[a])}) | "
                f"{added[a]:+.1f} | {fmt_n(ir[a])} | {added_ir[a]:+,.0f} |" for a, desc in arms]
        parts = [
            ("firing an after-insert row trigger that does nothing (security definer, empty `search_path`)", "noop", "plain"),
            ("the docs' profile insert on top of that (the row, its primary key, the foreign key check)", "docs", "noop"),
            ("what UserSync's insert trigger adds to the docs' (all profile columns, `created_at`, the metadata "
             "guards, `on conflict do nothing`)", "ours_insert", "docs"),
            ("UserSync's update trigger during the signup (fired by its five updates of `auth.users`)", "ours", "ours_insert"),
            ("of which firing a do-nothing update trigger five times", "floor", "docs"),
            ("the `set search_path` of the two trigger functions (Supabase's linter requires it of every function)",
             "ours", "ours_no_set"),
        ]
        part_rows = [f"| {what} | {added[a] - added[b]:+.1f} | {added_ir[a] - added_ir[b]:+,.0f} |" for what, a, b in parts]
        ratio_us = added["ours"] / added["docs"] if added["docs"] > 0 else float("inf")
        ratio_ir = added_ir["ours"] / added_ir["docs"]
        ratio_insert_ir = added_ir["ours_insert"] / added_ir["docs"]
        floor = ("Tried: the functions a signup runs without their `set search_path` "
                 f"(the ours_no_set row: {added_ir['ours_no_set']:+,.0f} instead of {added_ir['ours']:+,.0f}; Supabase's "
                 "linter requires the SET); the variants of `bench/trigger_variants.sh`. "
                 f"Floor: UserSync's update trigger has no column list (so that Supabase Auth can alter the columns), "
                 f"so it fires on all five updates of a signup; the docs' trigger with a do-nothing update trigger "
                 f"already costs {added_ir['floor']:+,.0f} instructions per signup, {added_ir['floor'] / added_ir['docs']:.2f}× "
                 f"the docs' trigger alone, before any profile work. UserSync's insert trigger alone is at "
                 f"{ratio_insert_ir:.2f}× the docs' and its update trigger adds "
                 f"{added_ir['ours'] - added_ir['ours_insert']:+,.0f} (section 2, which part costs what).")
        self.row("Trigger's price per signup in µs: UserSync's triggers vs the Supabase docs' trigger",
                 f"{added['ours']:+.1f} µs", f"{added['docs']:+.1f} µs for the docs' trigger", f"{ratio_us:.2f}",
                 "≤ 1.10", ratio_us <= 1.10, floor)
        self.row("Trigger's price per signup in instructions: UserSync's triggers vs the Supabase docs' trigger",
                 f"{added_ir['ours']:+,.0f}", f"{added_ir['docs']:+,.0f} for the docs' trigger", f"{ratio_ir:.2f}",
                 "≤ 1.10", ratio_ir <= 1.10, floor)
        self.row("… UserSync's insert trigger alone, in instructions", f"{added_ir['ours_insert']:+,.0f}",
                 f"{added_ir['docs']:+,.0f} for the docs' trigger", f"{ratio_insert_ir:.2f}", "—", None)
        return "\n".join([
            "## 2. The trigger's own price",
            "",
            f"The signup of section 1 (`bench/supabase_signup.sql`) as a PL/pgSQL procedure, {fmt_n(int(d['meta.loop_signups']))} "
            "signups in one backend, one transaction each, as `supabase_auth_admin`, `synchronous_commit = off` (so "
            "that no commit waits for the disk): the server's time per signup, without client, protocol or pgbench. "
            "One database per row below; each run measures all of them in a rotated order, from empty tables after a "
            "`CHECKPOINT`. *Added* is each run's time minus the no-trigger time of the same run, median over runs.",
            "",
            f"Instructions: the same procedure on a single-user backend (`postgres --single`, one process) under "
            f"`valgrind --tool=callgrind`, counting only the `CALL`; a session of {small} and one of {large} signups per "
            f"database, so what a session does once cancels out: instructions per signup = (Ir({large}) − Ir({small})) / "
            f"{large - small}. They do not depend on the machine's load. ({d.get('meta.valgrind', 'valgrind')}.)",
            "",
            "| database | what fires | µs per signup, median (runs) | added µs | instructions per signup | added instructions |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "Which part costs what (differences of the rows above):",
            "",
            "| part | µs per signup | instructions per signup |",
            "|---|---|---|",
            *part_rows,
        ])

    # 3 -------------------------------------------------------------------------------------------
    def signins(self):
        d = self.data
        arms = ("without", "with", "previous", "no_set")
        ir = {a: float(d[f"signin.ir.{a}"]) for a in arms}
        # A do-nothing update trigger's price per update: section 2's floor arm minus the docs' arm,
        # over the five updates of a signup.
        per_update = (float(d["price.ir.floor"]) - float(d["price.ir.docs"])) / 5
        floor_ratio = ir["without"] / (ir["without"] + per_update)
        note = ("UserSync's update trigger has no column list and no WHEN clause (either makes PostgreSQL refuse "
                "Supabase Auth's `alter table auth.users alter column ... type`), so every sign-in runs its function, "
                f"which returns at its first comparison: {ir['with'] - ir['without']:+,.0f} instructions per sign-in "
                f"to {fmt_n(ir['without'])}. Tried: the function without its `set search_path` "
                f"({ir['no_set'] - ir['without']:+,.0f}; the linter requires the SET) and the previous release's WHEN "
                f"trigger ({ir['previous'] - ir['without']:+,.0f}; it blocks Auth's DDL). Floor: any trigger that runs a "
                f"function on every update costs at least the {per_update:,.0f} instructions of a do-nothing one "
                f"(section 2, floor arm), which alone puts a sign-in at {floor_ratio:.2f} of its throughput at equal CPU.")
        rows = []
        for mode, label in (("durable", "durable commits"), ("async", "synchronous_commit = off")):
            t = {a: runs_of(d, f"signin.{mode}.{a}") for a in arms}
            self.row(f"Sign-in update of auth.users with UserSync's triggers, {label}",
                     f"{fmt_n(statistics.median(t['with']))} tps", f"{fmt_n(statistics.median(t['without']))} tps without trigger",
                     ratio_text(t["with"], t["without"], fmt="{:.3f}"), "≥ 0.95", paired(t["with"], t["without"]) >= 0.95, note)
            for arm, what in (("previous", "the previous release's WHEN trigger"), ("no_set", "UserSync's function without its SET clause")):
                self.row(f"Reference: sign-in update with {what}, {label}", f"{fmt_n(statistics.median(t[arm]))} tps",
                         f"{fmt_n(statistics.median(t['without']))} tps without trigger", ratio_text(t[arm], t["without"]), "—", None)
            for run in range(len(t["without"])):
                w = t["without"][run]
                rows.append(f"| {run + 1} | {mode} | {fmt_n(w)} | "
                            + " | ".join(f"{fmt_n(t[a][run])} | {t[a][run] / w:.2f}" for a in arms[1:]) + " |")
        self.row("Sign-in update in instructions: without trigger over with UserSync's triggers", f"{fmt_n(ir['with'])} per sign-in",
                 f"{fmt_n(ir['without'])} without trigger", f"{ir['without'] / ir['with']:.2f}", "≥ 0.95",
                 ir["without"] / ir["with"] >= 0.95, note)
        return "\n".join([
            "## 3. Sign-ins",
            "",
            "`bench/supabase_signin.sql`: the update Supabase Auth makes at every sign-in, "
            "`update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1` (the script names "
            f"the source), for a random one of {fmt_n(int(d['signin.users']))} users, pgbench as in section 1 "
            f"({d['meta.pgbench_seconds']} s, 2 clients, `-M prepared`, `supabase_auth_admin`). One database with all "
            "migrations, its users made by signups (so each has a profile); before each run the update triggers are "
            "switched to one arm, then `vacuum (analyze)` and a `CHECKPOINT`; arms rotate. *Without*: no update "
            "trigger. *With*: UserSync's `on_auth_user_updated`, which fires after every update (no column list, no "
            "WHEN clause) and runs `public.handle_user_updated()`. *Previous*: the previous release's `after update of "
            "email, email_confirmed_at, deleted_at ... when (...)` trigger, whose WHEN clause filters sign-ins before "
            "any function call (and blocks Auth's DDL). *No SET*: UserSync's function without its "
            "`set search_path = ''` (never installed; Supabase's linter requires it). The script fails if a sign-in "
            "changed a profile.",
            "",
            "| run | mode | tps without trigger | with UserSync's | ratio | previous release's WHEN trigger | ratio | "
            "UserSync's without SET | ratio |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Instructions per sign-in (callgrind on a single-user backend as in section 2, the update in a loop over "
            "1,000 users): " + ", ".join(f"{label} {fmt_n(ir[a])} ({ir[a] - ir['without']:+,.0f})" for a, label in
                                      (("without", "without trigger"), ("with", "with UserSync's"),
                                       ("previous", "previous release's"), ("no_set", "without SET")))
            + f"; the throughput ratio at equal CPU is {ir['without'] / ir['with']:.2f}.",
        ])

    # 4 -------------------------------------------------------------------------------------------
    def check(self):
        d = self.data
        variants = d["check.variants"].split()
        describe = {v: d[f"check.describe.{v}"] for v in variants}
        ir_read = float(d["check.ir.read.2"]) - float(d["check.ir.read.1"])
        ir_check = float(d["check.ir.check.2"]) - float(d["check.ir.check.1"])
        entries = int(d["check.ir.users"]) + int(d["check.ir.profiles"])
        work_ratio = ir_check / ir_read
        parts = [
            "## 4. Daily quality check",
            "",
            "`select * from user_sync.run_user_sync_quality_check()` as `user_sync_monitor`, on `auth.users` with "
            "0.1 % ghosts and `public.users` with 0.01 % orphans (random UUIDs inserted in random order, then "
            "`vacuum (analyze)`). Timing is psql's `\\timing` (client wall time; each statement returns at most 4 "
            "rows), after one untimed warm-up round; each round runs the check and every lower-bound variant in an "
            "order rotated from round to round, then the obvious queries.",
            "",
            "- **Lower bound**: the fastest of these ways to read both primary keys once, index-only, with at most "
            "the parallelism the check may use (`max_parallel_workers_per_gather = 2`; `jit = off`, sequential and "
            "bitmap scans off; parallel setup and tuple costs 0 where the variant is parallel). The script checks "
            "each plan with `EXPLAIN (ANALYZE)`: index-only scans of both `users_pkey`, no heap fetch, the intended "
            "parallelism. The variant with the lowest median is the bound; the check's ratio is the median of its "
            "per-round ratios to that variant.",
            *[f"  - `{v}`: {describe[v]}." for v in variants],
            "- **Obvious queries**: `count(*) ... where not exists` in each direction plus `count(*)` of each table, "
            "default planner settings (parallel hash anti-joins, JIT on).",
            "- **Temporary files**: `pg_stat_database.temp_files` / `temp_bytes` read in the check's own session "
            "before and after the check, each read preceded by `pg_stat_force_next_flush()`, at default `work_mem`.",
            f"- **Work, in instructions** (callgrind, single-user backend, so one process runs all of a parallel "
            f"plan; {fmt_n(int(d['check.ir.users']))} users, one warm execution): reading both keys as two "
            f"index-only counts {ir_read / entries:,.0f} instructions per key entry, the check's "
            f"`get_user_sync_stats()` {ir_check / entries:,.0f}: **{work_ratio:.2f}×** the work. The merge full join "
            "evaluates and compares both keys and forms a joined row for every entry on top of the two scans. With the "
            "same two processes on two cores, the check's wall time cannot drop below about that multiple of the "
            "bound.",
            "",
        ]
        for n in d["meta.sizes"].split():
            p = f"check.{n}"
            size = fmt_size(n)
            target = 1.2 if int(n) >= 10_000_000 else 1.3
            checks = runs_of(d, f"{p}.check_ms")
            medians = {v: med(d, f"{p}.bound.{v}") for v in variants}
            best = min(variants, key=lambda v: medians[v])
            bound = runs_of(d, f"{p}.bound.{best}")
            obvious = runs_of(d, f"{p}.obvious_ms")
            temp_files, temp_bytes = runs_of(d, f"{p}.temp_files"), runs_of(d, f"{p}.temp_bytes")
            self.row(f"Quality check at {size} users vs the lower bound (`{best}`)", fmt_ms(statistics.median(checks)),
                     f"{fmt_ms(medians[best])} lower bound", ratio_text(checks, bound), f"≤ {target:.2f}",
                     paired(checks, bound) <= target,
                     "Tried (`bench/check_variants.sh`): the key space in 1, 2, 4, 8, 16 and 32 slices under Parallel "
                     "Append, and `count(*)` alone in the join; by hand, an inner instead of a full join and JIT with "
                     "and without optimization (compilation costs more than it saves at 1M users). Eight slices (the "
                     "check since migration 20261202235900) beat two only on a contended machine, where all three "
                     "processes stay busy; on a quiet one they are even, for 6 % more instructions. Floor: the check does "
                     f"{work_ratio:.2f}× the work of reading both keys (section 4, instructions), and a merge full "
                     "join is already the cheapest exact comparison of the two keys that PostgreSQL 15 runs without "
                     "spilling.")
            self.row(f"Quality check at {size} users vs the obvious queries", fmt_ms(statistics.median(checks)),
                     f"{fmt_ms(statistics.median(obvious))} obvious queries",
                     ratio_text(obvious, checks, fmt="{:.1f}", suffix="× faster"), "≥ 3× faster",
                     paired(obvious, checks) >= 3,
                     "Nothing tried beyond section 4's shapes. Floor: the lower bound, "
                     f"{statistics.median(o / b for o, b in zip(obvious, bound)):.1f}× faster than the obvious queries here.")
            self.row(f"Temporary files written by the check at {size} users",
                     f"{max(temp_files):.0f} files, {max(temp_bytes):.0f} bytes (worst run)",
                     f"{med(d, f'{p}.obvious_temp_bytes') / 1048576:.0f} MB by the obvious queries", "—", "0",
                     all(v == 0 for v in temp_files + temp_bytes),
                     "Nothing tried. Floor: 0 bytes; the check's plan (section 4) shows what spilled.")
            variant_rows = [
                f"| `{v}`{' (the bound)' if v == best else ''} | {d.get(f'{p}.bound_plan.{v}', '?')} | "
                f"{fmt_ms(medians[v])} | {ratio_text(checks, runs_of(d, f'{p}.bound.{v}'))} |" for v in variants]
            run_rows = []
            for run in range(1, self.runs + 1):
                g = lambda k: float(d[f"{p}.{k}.{run}"])
                run_rows.append(
                    f"| {run} | {fmt_ms(g('check_ms'))} | "
                    + " | ".join(fmt_ms(g(f'bound.{v}')) for v in variants)
                    + f" | {g('check_ms') / g(f'bound.{best}'):.2f} | "
                    f"{fmt_ms(g('obvious_ms'))} ({fmt_ms(g('obvious_ghosts_ms'))} + {fmt_ms(g('obvious_orphans_ms'))} + "
                    f"{fmt_ms(g('obvious_counts_ms'))}) | {g('obvious_ms') / g('check_ms'):.1f} | "
                    f"{g('temp_files'):.0f} / {g('temp_bytes'):.0f} | {g('obvious_temp_bytes') / 1048576:.0f} MB |")
            parts += [
                f"### {size} users",
                "",
                f"Load {d[f'{p}.load_s']} s; primary keys {d[f'{p}.auth_pkey_mb']} MB (`auth.users`) and "
                f"{d[f'{p}.profiles_pkey_mb']} MB (`public.users`); the check reported `{d[f'{p}.observed']}`; its "
                f"plan: {d.get(f'{p}.plan', '?')}.",
                "",
                "| lower-bound variant | plan | median | check / variant |",
                "|---|---|---|---|",
                *variant_rows,
                "",
                "| run | check | " + " | ".join(f"`{v}`" for v in variants) + " | check / bound | "
                "obvious (ghosts + orphans + counts) | obvious / check | check temp files / bytes | obvious temp |",
                "|---|---|" + "---|" * len(variants) + "---|---|---|---|---|",
                *run_rows,
                "",
            ]
        return "\n".join(parts).rstrip()

    # 5 -------------------------------------------------------------------------------------------
    def backfill(self):
        d = self.data
        ghosts, users, batch = int(d["backfill.ghosts"]), int(d["backfill.users"]), int(d["backfill.batch_size"])
        rates = [r / s for r, s in zip(runs_of(d, "backfill.rows"), runs_of(d, "backfill.seconds"))]
        rate = statistics.median(rates)
        single = runs_of(d, "backfill.single_ms")
        single_rates = [ghosts / (ms / 1000) for ms in single]

        def latency(which, stat):
            return [float(d[f"backfill.{which}.{r}.{stat}"]) for r in range(1, self.runs + 1)]

        lat_max = statistics.median(latency("during", "max_ms"))
        batches = statistics.median(runs_of(d, "backfill.batches"))
        note = ("Since migration 20261203001000 the repair maps its batch in its INSERT (no call of "
                "`user_sync.profile_values` per row); what each repaired row still costs is the insert itself with its "
                "primary-key check (`on conflict do nothing`) and the foreign key's check of the auth row "
                "(`bench/backfill_before_after.sh` counts it in instructions). Floor: what a repaired row must cost, finding "
                "it and inserting its profile with the table's keys, counted in instructions by `bench/backfill_floor.sh` "
                "(docs/performance.md, \"The backfill's floor\"); the single statement without load is slower than the "
                "batches, so it is no floor.")
        self.row(f"Backfill of {fmt_n(ghosts)} ghosts in {fmt_size(users)} users, batches of {fmt_n(batch)}, under signup load",
                 f"{fmt_n(rate)} rows/s ({batches:.0f} batches)",
                 f"{fmt_n(statistics.median(single_rates))} rows/s single statement, no load" if single else "—",
                 ratio_text(rates, single_rates) if single else "—", "≥ 30,000 rows/s", rate >= 30000, note)
        self.row("Signup max latency during the backfill",
                 f"{lat_max:.1f} ms (worst run {max(latency('during', 'max_ms')):.1f} ms)",
                 f"{statistics.median(latency('baseline', 'max_ms')):.1f} ms without backfill",
                 ratio_text(latency('during', 'max_ms'), latency('baseline', 'max_ms')), "≤ 50 ms", lat_max <= 50,
                 "Nothing tried beyond batches of 10,000 (the CLI's default); a slower repair makes longer batches "
                 "(the backfill rate above). Floor: the signup max latency without a backfill, "
                 f"{statistics.median(latency('baseline', 'max_ms')):.1f} ms.")
        self.row("Signup p99 latency during the backfill", f"{statistics.median(latency('during', 'p99_ms')):.2f} ms",
                 f"{statistics.median(latency('baseline', 'p99_ms')):.2f} ms without backfill",
                 ratio_text(latency('during', 'p99_ms'), latency('baseline', 'p99_ms')), "—", None)
        rows = []
        for r in range(1, self.runs + 1):
            dv = lambda k: float(d[f"backfill.during.{r}.{k}"])
            bv = lambda k: float(d[f"backfill.baseline.{r}.{k}"])
            secs = float(d[f"backfill.seconds.{r}"])
            covered = "" if d.get(f"backfill.covered.{r}") == "1" else " (load ended before the backfill!)"
            bmin, bmax = d.get(f"backfill.batch_ms_min.{r}"), d.get(f"backfill.batch_ms_max.{r}")
            spread = f", each {float(bmin):.0f}–{float(bmax):.0f} ms" if bmin and bmax else ""
            rows.append(
                f"| {r} | {float(d[f'backfill.rows.{r}']) / secs:,.0f} rows/s in {secs:.2f} s, "
                f"{d[f'backfill.batches.{r}']} batches{spread}{covered} | "
                f"{fmt_ms(single[r - 1]) if len(single) >= r else '—'} | "
                f"{dv('p99_ms'):.2f} / {dv('max_ms'):.2f} ms ({dv('n'):.0f} signups, {dv('tps'):,.0f} tps) | "
                f"{bv('p99_ms'):.2f} / {bv('max_ms'):.2f} ms ({bv('n'):.0f} signups, {bv('tps'):,.0f} tps) |")
        return "\n".join([
            "## 5. Backfill under signup load",
            "",
            f"{fmt_n(users)} users of which {fmt_n(ghosts)} (10 %, spread uniformly over the key space) have no "
            f"profile. The backfill calls `user_sync.repair_ghost_users({batch}, false, after_id)` in a loop, one "
            "transaction per call, each call resuming after the last id the previous one repaired (as the CLI and "
            "the admin API do), until a call repairs nothing (a `DO` block with `COMMIT` after each call, so there "
            "are no client round trips); the rate is rows / (end of the last call − start of the first). Meanwhile "
            f"pgbench runs {d['backfill.load_seconds']} s of signups (2 clients, unthrottled, durable commits, as "
            "`supabase_auth_admin`, the bare insert of section 1, per-transaction log `-l`); the latency figures "
            "cover every signup that overlapped the backfill window. Baseline: the same signup load without a "
            "backfill, evaluated over a window of the same offset and length; and the whole backfill as one "
            "statement (`repair_ghost_users(100000, false)`) with no load. The database is reset (ghosts' profiles "
            "and the signups deleted, `vacuum (analyze)`, `CHECKPOINT`) before every run.",
            "",
            "| run | batched, under load | single statement, no load | signup p99 / max during backfill | "
            "signup p99 / max, no backfill |",
            "|---|---|---|---|---|",
            *rows,
        ])

    # ---------------------------------------------------------------------------------------------
    def head(self):
        d = self.data
        settings = [(k.removeprefix("setting."), v) for k, v in d.items() if k.startswith("setting.")]
        runtime = int(d["meta.runtime_s"])
        loads = [("at start", "meta.load_start"), ("after section 1 (signups)", "meta.load_after_signup"),
                 ("after section 2 (trigger's price, µs)", "meta.load_after_price"),
                 ("after section 2 (instructions)", "meta.load_after_ir"),
                 ("after section 3 (sign-ins)", "meta.load_after_signin"),
                 *[(f"after the check at {fmt_size(n)} users", f"meta.load_after_check_{n}") for n in d["meta.sizes"].split()],
                 ("at the end", "meta.load_end")]
        lines = [
            "# Performance",
            "",
            "Measured by `bench/run.sh`, which writes this file; re-run it rather than editing by hand. Each figure "
            "is the median of the runs, and each is set against a baseline measured in the same run on the same "
            "throwaway cluster (`scripts/pgtmp.sh start --durable --supabase`: fsync on, unix socket), the arms "
            "interleaved run by run. A ratio is the median of the per-run ratios (each run's figure over the "
            "baseline measured right next to it), which cancels most of the drift of a shared machine; the "
            "per-run figures are in the sections below the summary. Instruction counts (callgrind) do not depend "
            "on the machine's load at all.",
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            f"| CPUs (`nproc`) | {d['meta.nproc']} |",
            f"| Memory | {d['meta.memory']} |",
            f"| CPU model | {d['meta.cpu'] or 'unknown'} |",
            f"| Kernel | {d['meta.kernel']} |",
            f"| PostgreSQL | {d['meta.pg_version']} |",
            *[f"| `{k}` | {v} |" for k, v in sorted(settings)],
            *[f"| Load average (1/5/15 min) {label} | {d.get(key, '?')} |" for label, key in loads],
            "",
            f"Date: {d['meta.date']}. Command: `{d['meta.command']}`. Runs per figure: {self.runs}. "
            f"Runtime: {runtime // 60} min {runtime % 60} s.",
            "",
            "`max_wal_size` and `checkpoint_timeout` are raised by the script so the bulk loads do not checkpoint "
            "continuously; every measured step starts right after an explicit `CHECKPOINT`. Other settings are the "
            "defaults of PostgreSQL 15 and `scripts/pgtmp.sh`. The machine is not isolated: whatever else runs on "
            "it (see load average) shows up as noise in the wall-clock figures, which the interleaved runs and "
            "medians dampen but do not remove.",
        ]
        loads = [float(d[k].split()[0]) for _, k in loads if k in d]
        cpus = int(d["meta.nproc"])
        if loads and max(loads) > 2 * cpus:
            lines += ["", f"**This run shared the machine with other work**: the 1-minute load average reached "
                          f"{max(loads):.1f} on {cpus} CPUs. The wall-clock figures (tps, µs, ms) then measure the "
                          "machine's contention as much as the code: their per-run ranges show how much. The "
                          "instruction counts do not depend on it, which is why the trigger's price and the sign-in "
                          "carry a verdict on instructions too."]
        if d.get("meta.quick") == "1":
            lines += ["", "**Smoke run (`BENCH_QUICK=1`)**: small sizes, short runs, one run per figure; the figures "
                          "are not meaningful against the targets."]
        return "\n".join(lines)

    def summary_table(self):
        return "\n".join([
            "## Summary",
            "",
            "| measurement | result | baseline (same run) | ratio | target | verdict |",
            "|---|---|---|---|---|---|",
            *[f"| {' | '.join(row)} |" for row in self.summary],
        ])

    @staticmethod
    def diagnostics():
        return "\n".join([
            "## Diagnostics",
            "",
            "Scripts that price the parts of a figure on their own throwaway clusters; they change nothing in the "
            "migrations:",
            "",
            "- `bench/trigger_variants.sh`: the cost per signup (instructions, µs or tps; the Supabase Auth signup or "
            "the bare insert) of section 2's databases and of diagnostic variants (no foreign key, ...).",
            "- `bench/check_variants.sh`: the migration's pass over both keys and other shapes of it (1, 2, 4 and 8 "
            "slices, `count(*)` only), each against the fastest lower-bound variant of section 4.",
            "- `bench/check_before_after.sh`: the monitor's reads and the signup, previous release against now; it "
            "writes its own section, which `bench/run.sh` keeps.",
            "- `bench/backfill_floor.sh`: instructions per repaired row of the repair and of the least work a repair "
            "must do (find the ghosts, insert their profiles with the primary key and the foreign key), with each of "
            "those parts; it writes its own section, which `bench/run.sh` keeps.",
        ])

    def closing(self):
        lines = ["## Closing note: the misses", ""]
        if not self.misses:
            lines.append("Every target is met in this run.")
        # Misses that share their note (the same cause in both commit modes, say) are listed once.
        grouped = {}
        for measurement, note in self.misses:
            grouped.setdefault(note, []).append(measurement)
        for note, measurements in grouped.items():
            lines.append(f"- **{'; '.join(measurements)}**: {note}")
        return "\n".join(lines)


def main():
    data = load(sys.argv[1])
    out_path = sys.argv[2]
    report = Report(data)
    measured = [report.signups(), report.price(), report.signins(), report.check(), report.backfill()]
    written = {"Machine", "Summary", "Diagnostics", "Closing note: the misses"} | {s.splitlines()[0][3:] for s in measured}
    kept = [(h, text) for h, text in sections_of(out_path) if h not in written and h not in RETIRED]
    doc = "\n\n".join([report.head(), report.summary_table(), *measured, *(text for _, text in kept),
                       report.diagnostics(), report.closing()]) + "\n"
    with open(out_path, "w") as f:
        f.write(doc)
    for heading, _ in kept:
        print(f"kept section not written by bench/run.sh: {heading}")
    for row in report.summary:
        if row[5] in ("PASS", "MISS"):
            print(f"{row[5]}  {row[0]}: {row[1]} (baseline {row[2]}, ratio {row[3]}, target {row[4]})")


if __name__ == "__main__":
    main()
