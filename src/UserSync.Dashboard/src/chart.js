// The history chart: ECharts (tree-shaken to a line chart on a time axis with tooltips, a legend,
// markArea for the status band and markLine for incidents), SVG renderer, no animation (nothing
// moves under the admin's pointer, and screenshots are stable).
import * as echarts from "echarts/core";
import { LineChart } from "echarts/charts";
import {
  AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import { count, duration, when } from "./format.js";

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, AriaComponent, SVGRenderer]);

const bandColors = {
  healthy: "rgba(46, 160, 67, 0.12)",
  degraded: "rgba(212, 148, 0, 0.18)",
  critical: "rgba(218, 54, 51, 0.18)",
};
const escape = echarts.format.encodeHTML;
const dark = window.matchMedia("(prefers-color-scheme: dark)");

let chart = null;
let last = null;

function create(element) {
  chart?.dispose();
  chart = echarts.init(element, dark.matches ? "dark" : null, { renderer: "svg" });
  return chart;
}

/** Consecutive runs of one status as one band, from its first run to the next status's first run. */
function bands(runs, end) {
  const areas = [];
  let start = null;
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    if (!start || start.status !== run.status) {
      if (start) areas.push([start, run.checkedAt]);
      start = { status: run.status, at: run.checkedAt };
    }
  }
  if (start) areas.push([start, end]);
  return areas
    .filter(([band]) => bandColors[band.status])
    .map(([band, to]) => [
      { name: band.status, xAxis: band.at, itemStyle: { color: bandColors[band.status] } },
      { xAxis: to },
    ]);
}

function incidentLines(incidents) {
  const lines = [];
  for (const incident of incidents ?? []) {
    lines.push({
      name: `${incident.check} firing`, xAxis: incident.firingAt,
      lineStyle: { color: "#da3633", type: "dashed" },
    });
    if (incident.resolvedAt) {
      lines.push({
        name: `${incident.check} resolved`, xAxis: incident.resolvedAt,
        lineStyle: { color: "#2ea043", type: "dashed" },
      });
    }
  }
  return lines;
}

function tooltip(params) {
  const run = params[0]?.data?.[2];
  if (!run) return "";
  const rows = [
    ["Status", run.status], ["Source", run.source], ["Auth users", count(run.authUsers)], ["Profiles", count(run.profiles)],
    ["Ghosts", count(run.ghosts)], ["Orphans", count(run.orphans)], ["Difference", count(run.difference)], ["Took", duration(run.durationMs)],
  ];
  return `<strong>${escape(when(run.checkedAt))}</strong><br>` +
    rows.map(([name, value]) => `${escape(name)}: <strong>${escape(String(value ?? "—"))}</strong>`).join("<br>");
}

/** Draws (or redraws) the runs of the last `days` days. */
export function drawHistory(element, history) {
  last = { element, history };
  const chartInstance = chart && chart.getDom() === element ? chart : create(element);
  const runs = [...(history.runs ?? [])].sort((a, b) => new Date(a.checkedAt) - new Date(b.checkedAt));
  const now = new Date();
  const from = new Date(now.getTime() - history.days * 86400000);
  const series = (name, key, color) => ({
    name, type: "line", showSymbol: runs.length < 60, symbolSize: 6, color,
    data: runs.map((run) => [run.checkedAt, run[key], run]),
  });
  const ghosts = series("Ghosts", "ghosts", "#da3633");
  // Labels stay off: at 7/30/90 days they would pile up; the caption under the chart says what the band and the lines are.
  ghosts.markArea = { silent: true, label: { show: false }, data: bands(runs, now.toISOString()) };
  ghosts.markLine = { silent: true, symbol: "none", label: { show: false }, data: incidentLines(history.incidents) };
  const narrow = element.clientWidth < 480;
  chartInstance.setOption({
    backgroundColor: "transparent",
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis", formatter: tooltip, confine: true },
    legend: { top: 0, data: ["Ghosts", "Orphans", "Difference"] },
    grid: { left: narrow ? 36 : 56, right: narrow ? 12 : 24, top: 40, bottom: 32, containLabel: false },
    xAxis: { type: "time", min: from.toISOString(), max: now.toISOString(), axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } },
    series: [ghosts, series("Orphans", "orphans", "#8957e5"), series("Difference", "difference", "#d29922")],
  }, { notMerge: true });
}

export function resizeHistory() {
  chart?.resize();
}

// A change of the system's light/dark setting redraws the chart in the matching ECharts theme.
dark.addEventListener("change", () => {
  if (last) {
    chart?.dispose();
    chart = null;
    drawHistory(last.element, last.history);
  }
});
