// UserSync's admin dashboard (docs/dashboard.md): reads view/* (docs/dashboard-api.md), polls every
// 15 s with If-None-Match (a 304 keeps what is shown), and offers the two admin actions.
import { ApiError, get, post, signInUrl } from "./api.js";
import { drawHistory, resizeHistory } from "./chart.js";
import { ago, count, duration, h, minutes, percent, span, when } from "./format.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// ?poll=SECONDS shortens the refresh for a demo or a test; 15 s otherwise (docs/dashboard.md).
const pollSeconds = Math.max(1, Number(params.get("poll")) || 15);

const state = {
  me: null,
  days: 30,
  ghostCursor: null,
  // The ghost list walks both users tables' keys (a keyset anti-join), so it is read only when the
  // admin asks for it, and then again only when a new run is recorded, never on a plain poll.
  ghostsShown: false,
  ghostsRun: null,
  latestRun: null,
  busy: false,
  stopped: false,
  timer: 0,
};

function show(element, visible) {
  element.hidden = !visible;
}

function replaceRows(tbody, rows, emptyText, columns) {
  tbody.classList.remove("skeleton-rows");
  tbody.replaceChildren(...(rows.length ? rows : [h("tr", { class: "empty-row" }, h("td", { colspan: columns }, emptyText))]));
}

function cell(label, ...content) {
  return h("td", { "data-label": label }, ...content);
}

// ---- who is looking, and what they may do ---------------------------------------------------

function renderMe(me) {
  state.me = me;
  const banner = $("banner");
  if (me.mode === "local") {
    banner.textContent = me.note || "Local run: no sign-in.";
    show(banner, true);
  } else {
    show(banner, false);
  }

  const roles = me.roles?.length ? ` · roles: ${me.roles.join(", ")}` : "";
  $("who").textContent = me.user ? `Signed in as ${me.user.name ?? me.user.id}${roles}` : me.mode === "local" ? "Local mode" : "";
  const role = me.adminRole || "UserSync.Admin";
  setActionsAllowed(me.canAct, me.canAct ? "" : `You can look, but the actions need the admin role (${role}): ask an owner of the app to grant it (docs/deploy.md).`);
}

function setActionsAllowed(allowed, message) {
  state.canAct = allowed;
  for (const button of [$("run-now"), $("repair")]) {
    button.disabled = !allowed || state.busy;
    if (!allowed) button.setAttribute("aria-describedby", "action-message");
  }

  $("actions").dataset.allowed = allowed ? "true" : "false";
  if (message) say(message, allowed ? "info" : "refused");
}

function say(message, kind = "info") {
  const line = $("action-message");
  line.textContent = message;
  line.dataset.kind = kind;
}

function showSignIn(problem) {
  state.stopped = true;
  const box = $("signin");
  box.replaceChildren(
    h("strong", {}, "Sign-in required. "),
    "The dashboard needs a signed-in account of your organisation. ",
    h("a", { href: signInUrl(problem?.loginUrl) }, "Sign in with Microsoft Entra ID"),
  );
  show(box, true);
  for (const id of ["status-card", "stats", "actions", "history", "checks", "automation", "alerts", "details"]) show($(id), false);
  $("main").setAttribute("aria-busy", "false");
}

// ---- the status card, the stats, the checks, auto-repair and the month ----------------------

const statusText = { healthy: "Healthy", degraded: "Degraded", critical: "Critical", unknown: "No runs yet" };

function renderSummary(summary) {
  state.latestRun = summary.lastRun ? { runId: summary.lastRun.id, ghosts: summary.stats?.ghosts ?? 0 } : null;
  const card = $("status-card");
  card.classList.remove("skeleton");
  card.dataset.status = summary.status;
  $("status-badge").textContent = statusText[summary.status] ?? summary.status;
  $("status-since").textContent = summary.statusSince ? `since ${when(summary.statusSince)} (${ago(summary.statusSince)})` : "";

  let sentence = summary.sentence ?? "";
  if (!summary.lastRun) {
    sentence = "No check has run yet. Press “Run checks now”, or wait for the next scheduled run below." +
      (summary.database === "empty" ? " The database has no users yet either." : "");
  } else if (summary.database === "empty") {
    sentence = "The database has no auth users and no profiles yet: there is nothing to drift. Once people sign up, each run counts them here.";
  }
  $("status-sentence").textContent = sentence;

  const stale = $("stale");
  if (summary.stale?.isStale && summary.stale.lastRunAgeSeconds !== null && summary.stale.lastRunAgeSeconds !== undefined) {
    stale.textContent = `Last run ${span(summary.stale.lastRunAgeSeconds)} ago: older than ${span(summary.stale.thresholdSeconds)}, so these numbers may be out of date. Is the schedule running?`;
    show(stale, true);
  } else {
    show(stale, false);
  }

  const facts = [];
  if (summary.lastRun) {
    const run = summary.lastRun;
    facts.push(["Last run", `${when(run.checkedAt)} (${ago(run.checkedAt)}), took ${duration(run.durationMs)}, source ${run.source}`]);
  } else {
    facts.push(["Last run", "none yet"]);
  }
  for (const next of summary.nextRuns ?? []) {
    facts.push([`Next ${next.function}`, next.next ? `${when(next.next)} (${ago(next.next)})` : "not scheduled"]);
  }
  $("status-facts").replaceChildren(...facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]));

  renderStats(summary.stats);
  renderChecks(summary.checks ?? [], summary);
  renderAutomation(summary.autoRepair, summary.report);
}

function renderStats(stats) {
  const grid = $("stats-grid");
  grid.classList.remove("skeleton");
  if (!stats) {
    grid.replaceChildren(h("div", { class: "empty" }, "No run has been recorded yet, so there are no counts to show."));
    return;
  }
  const tiles = [
    ["Auth users", count(stats.authUsers), ""], ["Profiles", count(stats.profiles), ""],
    ["Ghosts", count(stats.ghosts), stats.ghosts > 0 ? "bad" : "good"],
    ["Orphans", count(stats.orphans), stats.orphans > 0 ? "bad" : "good"],
    ["Difference", count(stats.difference), stats.difference !== 0 ? "bad" : "good"],
    ["Trigger", stats.triggerState ?? "—", stats.triggerState === "enabled" ? "good" : "bad"],
  ];
  grid.replaceChildren(...tiles.map(([name, value, tone]) =>
    h("div", { class: `tile ${tone}`, "data-stat": name.toLowerCase().replace(/\s+/g, "-") }, h("dt", {}, name), h("dd", {}, value))));
}

function renderChecks(checks, summary) {
  const rows = checks.map((check) => h("tr", { "data-check": check.name, "data-result": check.result },
    cell("Check", h("strong", {}, check.name)),
    cell("Severity", h("span", { class: `severity ${check.severity}` }, check.severity)),
    cell("Result", h("span", { class: `result ${check.result}` }, check.result === "fail" ? "✗ fail" : "✓ pass")),
    cell("Observed", String(check.observed ?? "—")),
    cell("Expected", String(check.expected ?? "—")),
    cell("Failing since", check.failingSince ? `${when(check.failingSince)} (${check.streak} run${check.streak === 1 ? "" : "s"})` : "—"),
    cell("Runbook", check.runbook ? h("a", { href: check.runbook, target: "_blank", rel: "noopener" }, "runbook") : "—")));
  replaceRows($("checks-table").tBodies[0], rows,
    summary.lastRun ? "The last run recorded no checks." : "No run yet: the checks appear after the first run.", 7);
}

const reportLabels = {
  incidents: ["Incidents", count],
  mttdMinutes: ["Mean time to detect", minutes],
  mttrMinutes: ["Mean time to resolve", minutes],
  triggerUptimePercent: ["Trigger uptime", percent],
  ghostMinutes: ["Ghost-minutes", count],
  falsePositiveRate: ["False-positive rate", (v) => (v === null || v === undefined ? "—" : percent(v <= 1 ? v * 100 : v))],
  runs: ["Runs", count],
  automaticRepairs: ["Automatic repairs", count],
  automaticUsers: ["Repaired automatically", count],
  manualRepairs: ["Repairs by hand", count],
  manualUsers: ["Repaired by hand", count],
};

function renderAutomation(autoRepair, report) {
  const facts = [];
  if (autoRepair) {
    facts.push(["Automatic repair", autoRepair.enabled ? `on, up to ${count(autoRepair.maxGhosts)} ghosts per run` : "off (UserSync__AutoRepair__Enabled)"]);
    facts.push(["Last automatic repair", autoRepair.lastAutomatic ? `${when(autoRepair.lastAutomatic.at)}: ${count(autoRepair.lastAutomatic.repaired)} repaired` : "none"]);
    facts.push(["Automatic repairs this month", count(autoRepair.automaticThisMonth)]);
  }
  $("auto-repair").replaceChildren(...facts.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]));

  $("report-title").textContent = report?.month
    ? `Report for ${report.month}${report.observedUntil ? ` (until ${when(report.observedUntil)})` : ""}`
    : "Report";
  const tiles = [];
  for (const [key, value] of Object.entries(report ?? {})) {
    if (key === "month" || key === "observedUntil" || (value !== null && typeof value === "object")) continue;
    const [label, format] = reportLabels[key] ?? [key.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase()), (v) => String(v ?? "—")];
    tiles.push(h("div", { class: "tile", "data-report": key }, h("dt", {}, label), h("dd", {}, format(value))));
  }
  $("report").replaceChildren(...(tiles.length ? tiles : [h("div", { class: "empty" }, "No figures for this month yet.")]));
  // The plan's targets (ghosts 0 always, MTTR < 30 min, …) and where the month stands.
  $("objectives").replaceChildren(...(report?.objectives ?? []).map((o) => h("li", { "data-objective": o.key, "data-met": String(o.met) },
    h("span", { class: `met ${o.met === true ? "good" : o.met === false ? "bad" : ""}` }, o.met === true ? "✓" : o.met === false ? "✗" : "–"),
    ` ${o.name}: ${o.actual} (target ${o.target})`)));
}

// ---- history ---------------------------------------------------------------------------------

function renderHistory(history) {
  const runs = history.runs ?? [];
  const empty = $("history-empty");
  empty.textContent = runs.length ? "" : `No runs in the last ${history.days} days. The chart fills in as the checks run.`;
  show(empty, runs.length === 0);
  drawHistory($("chart"), history);
  const sorted = [...runs].sort((a, b) => new Date(b.checkedAt) - new Date(a.checkedAt));
  replaceRows($("runs-table").tBodies[0], sorted.map((run) => h("tr", { "data-run": run.id },
    cell("Checked at", when(run.checkedAt)), cell("Status", run.status), cell("Source", run.source),
    cell("Ghosts", count(run.ghosts)), cell("Orphans", count(run.orphans)), cell("Difference", count(run.difference)),
    cell("Duration", duration(run.durationMs)))), "No runs in this range.", 7);
}

// ---- alerts and details ----------------------------------------------------------------------

function renderAlerts(alerts) {
  const poison = alerts.poison ?? {};
  $("poison").textContent = poison.count === null || poison.count === undefined
    ? `Poison queue: could not be read (${poison.error ?? "unknown error"}).`
    : poison.count === 0
      ? "Poison queue: empty."
      : `Poison queue: ${count(poison.count)} message(s) that could not be delivered: ${(poison.messages ?? []).map((m) => m.summary).filter(Boolean).join("; ")}`;
  $("poison").dataset.count = poison.count ?? "";
  replaceRows($("deliveries-table").tBodies[0], (alerts.deliveries ?? []).map((d) => h("tr", {},
    cell("When", when(d.at)), cell("Check", d.check), cell("Status", d.status), cell("Receiver", d.receiver),
    cell("Channel", d.channel), cell("Outcome", d.outcome), cell("Attempts", count(d.attempts)))),
  "No alert has been sent yet.", 7);
}

// Before the admin asks for the list: what the latest run found, and the button that lists them.
function renderGhostsIdle() {
  const ghosts = state.latestRun?.ghosts ?? 0;
  const text = !state.latestRun ? "No run has been recorded yet."
    : ghosts > 0 ? `The latest run found ${count(ghosts)} ghost user${ghosts === 1 ? "" : "s"}: “Show ghost users” lists them.`
    : "No ghost users: the latest run found a profile for every auth user.";
  replaceRows($("ghosts-table").tBodies[0], [], text, 3);
  show($("ghosts-show"), ghosts > 0);
  show($("ghosts-next"), false);
  show($("ghosts-first"), false);
}

async function loadGhosts() {
  const run = state.latestRun?.runId ?? null;
  const page = (await get(ghostsPath())).body;
  state.ghostsShown = true;
  state.ghostsRun = run;
  show($("ghosts-show"), false);
  renderGhosts(page);
}

// After each refresh: the list, if shown, follows a new run; otherwise the latest run's count.
async function syncGhosts() {
  if (!state.ghostsShown) {
    renderGhostsIdle();
  } else if ((state.latestRun?.runId ?? null) !== state.ghostsRun) {
    state.ghostCursor = null;
    await loadGhosts();
  }
}

function renderGhosts(page) {
  replaceRows($("ghosts-table").tBodies[0], (page.ghosts ?? []).map((g) => h("tr", { "data-ghost": g.userId },
    cell("User", g.userId), cell("Email", g.email ?? "—"), cell("Created", when(g.createdAt)))),
  state.ghostCursor ? "No more ghosts." : "No ghost users: every auth user has a profile.", 3);
  state.nextGhostCursor = page.nextCursor ?? null;
  show($("ghosts-next"), Boolean(page.nextCursor));
  show($("ghosts-first"), Boolean(state.ghostCursor));
}

function renderAudit(page) {
  replaceRows($("audit-table").tBodies[0], (page.entries ?? []).map((e) => h("tr", { "data-audit": e.id },
    cell("When", when(e.performedAt)), cell("Who", e.requestedBy ?? e.performedBy), cell("What", e.action),
    cell("Repaired", count(e.affectedCount)))), "No repair has been recorded yet.", 4);
}

// ---- refresh and polling ---------------------------------------------------------------------

function ghostsPath() {
  return `ghosts?limit=20${state.ghostCursor ? `&after=${encodeURIComponent(state.ghostCursor)}` : ""}`;
}

async function refresh() {
  if (state.stopped) return;
  const reads = [
    ["summary", renderSummary],
    [`history?days=${state.days}`, renderHistory],
    ["alerts?limit=50", renderAlerts],
    ["audit?limit=20", renderAudit],
  ];
  const results = await Promise.allSettled(reads.map(([path]) => get(path)));
  const failures = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") {
      if (result.value.changed) reads[i][1](result.value.body);
    } else {
      failures.push(result.reason);
    }
  });
  if (!failures.length) {
    try {
      await syncGhosts();
    } catch (error) {
      failures.push(error);
    }
  }
  const unauthorized = failures.find((e) => e instanceof ApiError && e.status === 401);
  if (unauthorized) {
    showSignIn(unauthorized.problem);
    return;
  }
  $("main").setAttribute("aria-busy", "false");
  const updated = $("updated");
  updated.dataset.refreshed = String(Date.now());
  updated.textContent = failures.length
    ? `Could not refresh (${failures[0].message}); trying again in ${pollSeconds} s.`
    : `Updated ${new Date().toLocaleTimeString("en-GB", { timeZone: "UTC" })} UTC · every ${pollSeconds} s`;
  updated.dataset.ok = failures.length ? "false" : "true";
}

function schedule() {
  clearTimeout(state.timer);
  if (state.stopped) return;
  state.timer = setTimeout(async () => {
    if (!document.hidden) await refresh();
    schedule();
  }, pollSeconds * 1000);
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) refresh().then(schedule);
});

// ---- actions ---------------------------------------------------------------------------------

function setBusy(busy) {
  state.busy = busy;
  $("actions").setAttribute("aria-busy", String(busy));
  for (const button of [$("run-now"), $("repair")]) button.disabled = busy || !state.canAct;
}

function refused(error) {
  if (error instanceof ApiError && error.status === 403) {
    setActionsAllowed(false, `Refused: ${error.problem?.title ?? "this needs the admin role"}. ${error.problem?.detail ?? ""}`.trim());
    return true;
  }
  if (error instanceof ApiError && error.status === 401) {
    showSignIn(error.problem);
    return true;
  }
  return false;
}

async function runNow() {
  setBusy(true);
  say("Running the checks…");
  try {
    const report = await post("checks/run");
    const status = report?.run?.status ?? report?.outcome ?? "done";
    const queued = report?.queued ?? 0;
    say(`Checks ran: ${status}${queued ? `, ${queued} alert message(s) queued` : ""}.`, "done");
    await refresh();
  } catch (error) {
    if (!refused(error)) say(`The checks could not run: ${error.message}`, "error");
  } finally {
    setBusy(false);
  }
}

// A modal <dialog> makes the page inert, but Tab can still leave it for the browser's own UI:
// keep Tab and Shift+Tab cycling through the dialog's buttons.
function trapFocus(event) {
  if (event.key !== "Tab") return;
  const focusable = [...event.currentTarget.querySelectorAll("button:not([disabled]), a[href]")];
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

async function repair() {
  setBusy(true);
  say("Dry run: counting the ghosts…");
  let preview;
  try {
    preview = await post("repair", { apply: false });
  } catch (error) {
    setBusy(false);
    if (!refused(error)) say(`The dry run failed: ${error.message}`, "error");
    return;
  }
  const ghosts = preview.count ?? preview.ghostUsers ?? 0;
  if (ghosts === 0) {
    setBusy(false);
    say("Dry run: there are no ghosts to repair.", "done");
    return;
  }

  const dialog = $("confirm");
  $("confirm-text").textContent = `The dry run found ${count(ghosts)} ghost user${ghosts === 1 ? "" : "s"}. Repairing gives each a profile, in batches, and records it in the audit log as done by you.`;
  $("confirm-sample").replaceChildren(...(preview.sample ?? preview.firstBatch ?? []).slice(0, 5).map((u) =>
    h("li", {}, `${u.userId ?? u.id}${u.email ? ` · ${u.email}` : ""}${u.createdAt ? ` · created ${when(u.createdAt)}` : ""}`)));
  $("confirm-apply").textContent = `Repair ${count(ghosts)} ghost${ghosts === 1 ? "" : "s"}`;
  dialog.returnValue = "";
  dialog.addEventListener("keydown", trapFocus);
  say(`Dry run: ${count(ghosts)} ghost(s). Confirm to repair.`);
  dialog.showModal();
  const answer = await new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true }));
  dialog.removeEventListener("keydown", trapFocus);
  $("repair").focus();
  if (answer !== "apply") {
    setBusy(false);
    say("Repair cancelled: nothing was changed.");
    return;
  }

  say(`Repairing ${count(ghosts)} ghost(s)…`);
  try {
    const result = await post("repair", { apply: true, confirmCount: ghosts });
    const repaired = result?.repaired ?? ghosts;
    const remaining = result?.remainingGhostUsers ?? result?.remaining;
    say(`Repaired ${count(repaired)} ghost(s)${remaining ? `; ${count(remaining)} remain (run the repair again)` : ""}.`, "done");
    state.ghostCursor = null;
    await refresh();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      say(`Nothing was repaired: the number of ghosts changed since the dry run. ${error.problem?.detail ?? ""} Press “Repair ghosts…” again to review the new count.`.trim(), "error");
    } else if (!refused(error)) {
      say(`The repair failed: ${error.message}`, "error");
    }
  } finally {
    setBusy(false);
  }
}

// ---- start -----------------------------------------------------------------------------------

function wire() {
  $("run-now").addEventListener("click", runNow);
  $("repair").addEventListener("click", repair);
  for (const button of document.querySelectorAll(".segmented button")) {
    button.addEventListener("click", async () => {
      state.days = Number(button.dataset.days);
      for (const other of document.querySelectorAll(".segmented button")) other.setAttribute("aria-pressed", String(other === button));
      try {
        renderHistory((await get(`history?days=${state.days}`)).body);
      } catch (error) {
        if (!refused(error)) $("history-empty").textContent = `Could not load the history: ${error.message}`;
      }
    });
  }
  const ghostPage = (cursor) => async () => {
    state.ghostCursor = cursor();
    try {
      await loadGhosts();
    } catch (error) {
      if (!refused(error)) say(`Could not load the ghost users: ${error.message}`, "error");
    }
  };
  $("ghosts-show").addEventListener("click", ghostPage(() => null));
  $("ghosts-next").addEventListener("click", ghostPage(() => state.nextGhostCursor));
  $("ghosts-first").addEventListener("click", ghostPage(() => null));
  new ResizeObserver(() => resizeHistory()).observe($("chart"));
}

async function start() {
  wire();
  try {
    const me = (await get("me")).body;
    if (me.mode === "appService" && !me.signedIn) {
      showSignIn(me);
      return;
    }
    if (me.mode === "off") {
      state.stopped = true;
      $("signin").textContent = "The dashboard is off for this app (UserSync__Dashboard__Authentication=Off): use the CLI or the function-key API.";
      show($("signin"), true);
      $("main").setAttribute("aria-busy", "false");
      return;
    }
    renderMe(me);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn(error.problem);
      return;
    }
    const box = $("signin");
    box.textContent = `The dashboard could not reach its API: ${error.message}`;
    show(box, true);
  }
  await refresh();
  schedule();
}

start();
