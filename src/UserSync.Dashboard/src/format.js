// Small display helpers: numbers, times and durations as an admin reads them.

const numbers = new Intl.NumberFormat("en");

export function count(value) {
  return value === null || value === undefined ? "—" : numbers.format(value);
}

export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
}

/** "26 h", "5 min", "40 s", "3 d": the age or the distance of a moment, coarse on purpose. */
export function span(seconds) {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "";
  const seconds = (now - new Date(iso).getTime()) / 1000;
  return seconds >= 0 ? `${span(seconds)} ago` : `in ${span(seconds)}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function percent(value) {
  return value === null || value === undefined ? "—" : `${Number(value).toFixed(value >= 99.95 || value === 0 ? 0 : 2)} %`;
}

export function minutes(value) {
  return value === null || value === undefined ? "—" : `${numbers.format(Math.round(value))} min`;
}

/** Builds an element; children are nodes or text (never parsed as HTML). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}
