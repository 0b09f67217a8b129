// One instance's page: facts, operator actions, step timeline, the graph
// with the path it took, its event history. Refreshes itself while the
// instance is still moving (and no action form is open).
import {getJson, postJson, withQuery, segment} from "./api.js";
import {el, replace, badge, formatTime, formatDuration} from "./dom.js";
import {renderGraph} from "./graph.js";

const TERMINAL = ["COMPLETED", "COMPENSATED", "ABORTED", "CONFIRMED", "CANCELLED"];
// The operator actions the API lists for the instance (view.actions: what
// its current state accepts, asked of the saga's own rules), grouped into
// one button each; abort twice, with and without compensation.
const ACTION_KINDS = [
  {key: "retry", label: "Retry…", help: "send the step's command (or its compensation) again"},
  {key: "skip", label: "Skip…", help: "treat the step (or its compensation) as done"},
  {key: "abort:true", label: "Abort…", help: "undo what was done, then end the instance"},
  {key: "abort:false", label: "Abort without undo…", help: "end the instance as it stands: nothing is undone"},
  {key: "pause", label: "Pause…", help: "issue nothing new until it is resumed"},
  {key: "resume", label: "Resume…", help: "carry on from where it was paused"},
];
const kindOf = (a) => (a.action === "abort" ? `abort:${a.compensate !== false}` : a.action);
const CURRENT_STEP = ["IN_DOUBT", "COMPENSATION_FAILED", "COMPENSATION_RETRY_WAITING", "COMPENSATING", "RETRY_WAITING", "RUNNING"];
const REFRESH_MS = 3000;

function facts(view) {
  const pairs = [
    ["Definition", `${view.definition.name} v${view.definition.version}`],
    ["Kind", view.kind],
    ["Key", view.key],
    ["Started", formatTime(view.started_ms)],
    ["Finished", formatTime(view.finished_ms) || "—"],
    ["Took", formatDuration(view.started_ms, view.finished_ms) || "—"],
    ["Events", view.version],
  ];
  return el("dl", {class: "facts"}, pairs.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "")]));
}

// A bar per step on the instance's own time axis: when it ran, how long.
function timelineBar(step, from, to) {
  const track = el("div", {class: "track"});
  if (!step.started_ms || to <= from) return track;
  const end = step.finished_ms || to;
  const bar = el("div", {class: `bar status-${step.status.toLowerCase().replaceAll("_", "-")}`});
  // CSSOM, not a style attribute: allowed by the page's security policy.
  bar.style.left = `${(100 * (step.started_ms - from)) / (to - from)}%`;
  bar.style.width = `${Math.max(1, (100 * (end - step.started_ms)) / (to - from))}%`;
  track.append(bar);
  return track;
}

function stepsTable(view) {
  const from = view.started_ms;
  const to = view.finished_ms || Date.now();
  const attempts = (s) => (s.compensation_attempts ? `${s.attempts} + ${s.compensation_attempts} comp.` : String(s.attempts));
  return el("table", {class: "steps"},
    el("thead", {}, el("tr", {}, ["#", "Step", "Status", "Attempts", "Started", "Finished", "Took", "Timeline", "Last error"]
      .map((h) => el("th", {}, h)))),
    el("tbody", {}, view.steps.map((s, i) => el("tr", {"data-step": s.name, "data-status": s.status},
      el("td", {class: "num"}, i + 1),
      el("td", {}, el("code", {}, s.name)),
      el("td", {}, badge(s.status)),
      el("td", {class: "num"}, attempts(s)),
      el("td", {class: "time"}, formatTime(s.started_ms)),
      el("td", {class: "time"}, formatTime(s.finished_ms)),
      el("td", {class: "num"}, formatDuration(s.started_ms, s.finished_ms)),
      el("td", {class: "timeline"}, timelineBar(s, from, to)),
      el("td", {class: "last-error"}, s.last_error || "")))));
}

function branchesTable(view) {
  const phase = (p) => `${p.done ? "done" : p.stuck ? "STUCK" : p.attempts ? "trying" : "—"} (${p.attempts})`;
  return el("table", {class: "steps"},
    el("thead", {}, el("tr", {}, ["Branch", "Try", "Confirm", "Cancel", "Last error"].map((h) => el("th", {}, h)))),
    el("tbody", {}, view.branches.map((b) => el("tr", {"data-step": b.name},
      el("td", {}, el("code", {}, b.name)),
      el("td", {}, phase(b.try)), el("td", {}, phase(b.confirm)), el("td", {}, phase(b.cancel)),
      el("td", {class: "last-error"}, b.cancel.last_error || b.confirm.last_error || b.try.last_error || "")))));
}

function eventsTable(history) {
  const short = (payload) => {
    const text = JSON.stringify(payload);
    return text.length > 90 ? `${text.slice(0, 90)}…` : text;
  };
  return el("table", {class: "events"},
    el("thead", {}, el("tr", {}, ["#", "Time", "Type", "Command", "Payload"].map((h) => el("th", {}, h)))),
    el("tbody", {}, history.events.map((e) => el("tr", {"data-type": e.type},
      el("td", {class: "num"}, e.version),
      el("td", {class: "time"}, formatTime(e.timestamp_ms)),
      el("td", {}, el("code", {}, e.type)),
      el("td", {class: "command"}, e.command_id),
      el("td", {}, el("details", {}, el("summary", {}, short(e.payload)),
        el("pre", {}, JSON.stringify(e.payload, null, 2))))))));
}

// "Failed at step charge_payment: insufficient funds: ... (at 2024-05-01
// 12:00:03.120)": when is the time of the event that recorded the failure
// (the first that turned the saga to compensation), from its history.
function failureText(failure, history) {
  const turning = ["StepFailed", "StepInDoubt", "OperatorAborted"];
  const event = history.events.find((e) => turning.includes(e.type) && (e.payload.step || "") === (failure.step || ""));
  const when = event ? formatTime(event.payload.at_ms || event.timestamp_ms) : "";
  return el("div", {class: "failure"},
    failure.step ? ["Failed at step ", el("code", {class: "failure-step"}, failure.step), ": "] : "Failed: ",
    el("span", {class: "failure-reason"}, failure.reason || "no reason given"),
    when ? el("span", {class: "failure-time muted"}, ` (at ${when})`) : null);
}

// "charge_payment skipped by alice (2024-05-01 12:00:04.000): checked the
// ledger. Its outcome was unknown: the operator's word that nothing needed
// undoing." Shown beside the final status: the coordinator did not prove it.
function skipsText(skips) {
  return skips.map((k) => el("div", {class: "operator-skip"},
    el("code", {}, k.step), ` ${k.phase === "compensate" ? "compensation " : ""}skipped by ${k.actor}`,
    ` (${formatTime(k.at_ms)}): ${k.reason || "no reason given"}.`,
    k.in_doubt ? " Its outcome was unknown: the operator's word that nothing needed undoing." : ""));
}

// The action buttons (only those the API says apply now) and the form that
// asks for a reason and, where the action names one, the step or branch.
function actionsPanel(id, reload) {
  const result = el("div", {class: "action-result", role: "status"});
  const buttons = el("div", {class: "buttons"});
  const formSlot = el("div");
  const panel = el("div", {class: "actions"}, buttons, formSlot, result);
  let shownFor = null;

  // Re-rendered on every load; left alone while a form is open (the
  // operator is typing) or when nothing changed.
  function update(view) {
    const key = JSON.stringify(view.actions || []);
    if (formSlot.childElementCount > 0 || key === shownFor) return;
    shownFor = key;
    const actions = view.actions || [];
    const kinds = ACTION_KINDS.map((k) => ({...k, choices: actions.filter((a) => kindOf(a) === k.key)}))
      .filter((k) => k.choices.length > 0);
    if (kinds.length === 0) {
      const why = TERMINAL.includes(view.status) ? `it is ${view.status}` : "its current state allows none";
      replace(buttons, el("span", {class: "no-actions muted"}, `No operator action applies: ${why}.`));
      return;
    }
    replace(buttons, kinds.map((k) => {
      const [action, compensate] = k.key.split(":");
      return el("button", {type: "button", class: `action action-${action}`, "data-action": action,
        "data-compensate": compensate, title: k.help, onclick: () => open(view, k, action)}, k.label);
    }));
  }

  function open(view, kind, action) {
    const reason = el("input", {name: "reason", required: true, maxlength: 500, size: 40,
      placeholder: "why (kept in the saga's history)"});
    // What the action may name: the steps (or branches) it is allowed on,
    // and "none" where sagad picks (retry: every stuck step).
    const named = (a) => a.step || a.branch || "";
    const field = view.kind === "tcc" ? "branch" : "step";
    const targets = kind.choices.map(named);
    // Preselect the step that is in trouble or under way: what the operator
    // most likely means.
    const current = (view.steps || []).find((s) => CURRENT_STEP.includes(s.status) && targets.includes(s.name));
    const target = el("select", {name: field}, targets.map((t) => el("option", {value: t,
      selected: current ? current.name === t : false}, t || (view.kind === "tcc" ? "(every stuck branch)" : "(every stuck step)"))));
    const needsTarget = targets.some((t) => t !== "");
    const form = el("form", {class: "action-form", "data-action": action},
      el("strong", {}, `${kind.label.replace("…", "")} ${id}`),
      el("label", {}, "Reason ", reason),
      needsTarget ? el("label", {}, `${field[0].toUpperCase()}${field.slice(1)} `, target) : null,
      el("button", {type: "submit", class: "primary"}, action),
      el("button", {type: "button", onclick: () => { replace(formSlot); shownFor = null; }}, "Cancel"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {reason: reason.value.trim()};
      if (needsTarget && target.value) body[field] = target.value;
      const choice = kind.choices.find((a) => named(a) === (needsTarget ? target.value : ""));
      if (choice && choice.compensate !== undefined) body.compensate = choice.compensate;
      try {
        const answer = await postJson(`/v1/sagas/${segment(id)}/${action}`, body);
        replace(result, el("span", {class: "ok"}, `${action} accepted: ${(answer.events || []).join(", ") || "no change"}`));
        replace(formSlot);
        shownFor = null;
        reload();
      } catch (e) {
        // The state can change between the page's load and the click: the
        // server's word is final, and the buttons are refreshed.
        const refused = e.status === 409 ? "Refused" : "Failed";
        replace(result, el("span", {class: "error"}, `${refused} (${e.status} ${e.title}): ${e.detail || e.message}`));
        replace(formSlot);
        shownFor = null;
        reload();
      }
    });
    replace(formSlot, form);
    replace(result);
    reason.focus();
  }

  return {panel, update, formOpen: () => formSlot.childElementCount > 0};
}

export function showSaga(main, id) {
  let view = null;
  const header = el("div", {class: "saga-header"});
  const alert = el("div", {class: "alert", hidden: true});
  const error = el("div", {class: "error", role: "alert", hidden: true});
  const steps = el("div", {class: "steps-slot"});
  const graph = el("div", {class: "graph-slot"});
  const events = el("div", {class: "events-slot"});
  const eventsTitle = el("h2", {}, "Event history");
  const context = el("pre", {class: "context"});
  const actions = actionsPanel(id, () => tick());
  replace(main, el("section", {class: "saga"},
    el("p", {}, el("a", {href: "#/"}, "← all sagas")),
    header, alert, error, actions.panel,
    el("h2", {}, "Steps"), steps,
    el("h2", {}, "Graph"), el("p", {class: "muted"}, "Bold arrows: the path this instance took."), graph,
    eventsTitle, events,
    el("details", {}, el("summary", {}, "Context"), context)));

  let graphKey = "";
  let structure = null;
  async function load() {
    const [next, history] = await Promise.all([
      getJson(`/v1/sagas/${segment(id)}`),
      getJson(`/v1/sagas/${segment(id)}/events`),
    ]);
    view = next;
    replace(header, el("h1", {}, `${view.kind === "tcc" ? "TCC" : "Saga"} `, el("code", {class: "saga-id"}, view.id), " ",
      badge(view.status)), facts(view));
    const reasons = [view.stuck_reason, view.reason].filter(Boolean);
    const skips = view.operator_skips || [];
    if (view.status === "STUCK" || view.failure || skips.length) {
      replace(alert,
        view.status === "STUCK" ? el("strong", {}, "STUCK: needs an operator. ") : null,
        reasons.join(" "),
        view.failure ? failureText(view.failure, history) : null,
        ...skipsText(skips));
      alert.className = view.status === "STUCK" ? "alert stuck" : "alert";
      alert.hidden = false;
    } else {
      alert.hidden = true;
    }
    actions.update(view);
    replace(steps, view.steps ? stepsTable(view) : branchesTable(view));
    eventsTitle.textContent = `Event history (${history.events.length})`;
    replace(events, eventsTable(history));
    context.textContent = JSON.stringify(view.context, null, 2);
    // The graph's shape never changes for a pinned version: fetch it once.
    const key = `${view.definition.name}@${view.definition.version}`;
    if (key !== graphKey) {
      try {
        structure = await getJson(withQuery(`/v1/definitions/${segment(view.definition.name)}/graph`,
          {format: "json", version: view.definition.version}));
        graphKey = key;
      } catch (e) {
        // The rest of the page is still worth showing without it.
        structure = null;
        replace(graph, el("p", {class: "error"}, `No graph: ${e.message}`));
      }
    }
    if (structure) replace(graph, renderGraph(structure, view));
    error.hidden = true;
  }

  let busy = false;
  async function tick() {
    if (busy) return;
    busy = true;
    try { await load(); } catch (e) { error.textContent = e.message; error.hidden = false; }
    busy = false;
  }
  tick();
  const timer = setInterval(() => {
    if (view && !TERMINAL.includes(view.status) && !actions.formOpen()) tick();
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
