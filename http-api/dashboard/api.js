// The REST API, as the dashboard uses it. Errors come back as problem+json
// (RFC 9457); ApiError carries the server's `detail` so the page can show
// why an action was refused (409) rather than just that it was.

const TOKEN_KEY = "sagad.admin-token";

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail ? `${status} ${title}: ${detail}` : `${status} ${title}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

// The admin token lives in sessionStorage: gone when the tab closes.
export function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function call(method, path, body) {
  const headers = {"Accept": "application/json"};
  if (token()) headers["Authorization"] = `Bearer ${token()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const title = (data && data.title) || response.statusText || "error";
    const detail = (data && data.detail) || (data ? "" : text);
    throw new ApiError(response.status, title, detail);
  }
  return data;
}

export const getJson = (path) => call("GET", path);
export const postJson = (path, body) => call("POST", path, body);

// "/v1/sagas?status=STUCK&limit=20": skips empty values, encodes the rest.
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// Ids can hold "/" and other reserved characters: one path segment each.
export const segment = (value) => encodeURIComponent(value);
