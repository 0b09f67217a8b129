// The saga list: status filter buttons with counts, a definition filter,
// cursor paging, auto-refresh. Filters and the page live in the URL
// (#/?status=STUCK&definition=PlaceOrder&cursor=40&limit=25) so a view can
// be linked.
import {getJson, withQuery, segment} from "./api.js";
import {el, replace, badge, formatTime, formatDuration} from "./dom.js";

const STATUSES = ["RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED", "STUCK", "PAUSED", "ABORTED"];
const PAGE_SIZE = 25;
const REFRESH_MS = 3000;

function sagaLink(id) {
  return el("a", {href: `#/sagas/${segment(id)}`, class: "saga-id"}, id);
}

function row(item) {
  const stuck = item.status === "STUCK";
  return el("tr", {class: stuck ? "row-stuck" : null, "data-id": item.id, "data-status": item.status},
    el("td", {}, sagaLink(item.id)),
    el("td", {}, `${item.definition.name} v${item.definition.version}`),
    el("td", {}, badge(item.status), stuck ? el("span", {class: "flag"}, "needs an operator") : null),
    el("td", {class: "time"}, formatTime(item.started_ms)),
    el("td", {class: "time"}, formatTime(item.finished_ms)),
    el("td", {class: "num"}, formatDuration(item.started_ms, item.finished_ms)));
}

// `params`: {status, definition, cursor, limit} from the URL; `go(params)` changes it.
export function showList(main, params, go) {
  const counts = el("div", {class: "status-filters", role: "group", "aria-label": "status filter"});
  const definitions = el("select", {id: "definition-filter", onchange: (e) => go({...params, definition: e.target.value, cursor: ""})},
    el("option", {value: ""}, "all definitions"));
  const auto = el("input", {type: "checkbox", id: "auto-refresh", checked: true});
  const updated = el("span", {class: "muted updated"});
  const error = el("div", {class: "error", role: "alert", hidden: true});
  const body = el("tbody");
  const pager = el("div", {class: "pager"});
  replace(main, el("section", {class: "list"},
    el("h1", {}, "Sagas"),
    el("div", {class: "filters"},
      counts,
      el("label", {}, "Definition ", definitions),
      el("label", {class: "auto"}, auto, " auto-refresh"),
      updated),
    error,
    el("table", {class: "sagas"},
      el("thead", {}, el("tr", {},
        ["Id", "Definition", "Status", "Started", "Finished", "Took"].map((h) => el("th", {}, h)))),
      body),
    pager));

  const filterButton = (status, count) => {
    const active = (params.status || "") === status;
    const cls = ["filter", active ? "active" : "", status === "STUCK" && count > 0 ? "alarm" : ""].join(" ");
    return el("button", {type: "button", class: cls, "data-status": status || "ALL", "aria-pressed": String(active),
      onclick: () => go({...params, status, cursor: ""})},
      status ? badge(status) : "All", " ", el("span", {class: "count"}, String(count)));
  };

  async function loadDefinitions() {
    const data = await getJson("/v1/definitions");
    const names = [...new Set(data.definitions.filter((d) => d.kind === "saga").map((d) => d.name))];
    for (const name of names) definitions.append(el("option", {value: name}, name));
    definitions.value = params.definition || "";
  }

  async function refresh() {
    const [stats, page] = await Promise.all([
      getJson(withQuery("/v1/sagas/stats", {definition: params.definition})),
      getJson(withQuery("/v1/sagas", {status: params.status, definition: params.definition,
        limit: params.limit || PAGE_SIZE, cursor: params.cursor})),
    ]);
    replace(counts, filterButton("", stats.total), STATUSES.map((s) => filterButton(s, stats.counts[s] || 0)));
    replace(body, page.items.length ? page.items.map(row)
      : el("tr", {}, el("td", {colspan: 6, class: "muted empty"}, "No sagas match.")));
    replace(pager,
      params.cursor ? el("button", {type: "button", onclick: () => go({...params, cursor: ""})}, "« Newest") : null,
      page.next_cursor ? el("button", {type: "button", class: "older",
        onclick: () => go({...params, cursor: page.next_cursor})}, "Older »") : null);
    updated.textContent = `updated ${formatTime(Date.now()).slice(11, 19)}`;
    error.hidden = true;
  }

  let busy = false;
  async function tick() {
    if (busy) return;  // a slow server must not pile requests up
    busy = true;
    try { await refresh(); } catch (e) { error.textContent = e.message; error.hidden = false; }
    busy = false;
  }

  loadDefinitions().catch((e) => { error.textContent = e.message; error.hidden = false; });
  tick();
  const timer = setInterval(() => { if (auto.checked) tick(); }, REFRESH_MS);
  return () => clearInterval(timer);
}
