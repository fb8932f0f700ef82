// The page's reads and actions against view/* (docs/dashboard-api.md), relative to the page's own
// URL (/api/user-sync/dashboard/ -> /api/user-sync/view/), so it works behind any front door.

const base = new URL("../view/", document.baseURI);
const etags = new Map();
const bodies = new Map();

/** An answer that is not 2xx/304: the status and the RFC 9457 problem, when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * GET view/<path> with If-None-Match: a 304 keeps the body the page already has, and says so
 * (changed: false), so polling redraws nothing when nothing changed.
 */
export async function get(path) {
  const url = new URL(path, base).toString();
  const headers = { Accept: "application/json" };
  const etag = etags.get(url);
  if (etag && bodies.has(url)) headers["If-None-Match"] = etag;
  // no-store: the browser's cache stays out of it; the conditional request is ours.
  const response = await fetch(url, { headers, cache: "no-store", credentials: "same-origin" });
  if (response.status === 304 && bodies.has(url)) return { body: bodies.get(url), changed: false };
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  const body = await response.json();
  const tag = response.headers.get("ETag");
  if (tag) etags.set(url, tag); else etags.delete(url);
  bodies.set(url, body);
  return { body, changed: true };
}

/** POST view/<path> with a JSON body; a problem answer throws an ApiError. */
export async function post(path, body) {
  const response = await fetch(new URL(path, base), {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
    cache: "no-store",
    credentials: "same-origin",
  });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.status === 204 ? null : response.json();
}

/** Where App Service Authentication signs a user in and brings them back to this page. */
export function signInUrl(loginUrl) {
  const login = typeof loginUrl === "string" && loginUrl.startsWith("/") ? loginUrl : "/.auth/login/aad";
  return `${login}?post_login_redirect_uri=${encodeURIComponent(location.pathname + location.search)}`;
}
