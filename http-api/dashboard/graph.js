// A definition's graph drawn as SVG, coloured by one instance's progress.
// Input: GET /v1/definitions/{name}/graph?format=json and the instance view
// (GET /v1/sagas/{id}). Steps are boxes in columns by dependency depth,
// arrows follow `after`; a step the instance reached is coloured by its
// status and the arrows into it are drawn bold: the path it actually took.
// Untouched steps stay grey and dashed. No layout library: a definition has
// a handful of steps, so columns by depth are readable enough.
import {svg} from "./dom.js";

const BOX_W = 170, BOX_H = 50, COL_GAP = 56, ROW_GAP = 18, PAD = 16, PILL_W = 64;

// Depth = longest chain of `after` before the step; a cycle (the checker
// forbids them) is cut rather than looping forever.
function depths(steps) {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const depth = new Map();
  const visit = (name, seen) => {
    if (depth.has(name)) return depth.get(name);
    if (seen.has(name) || !byName.has(name)) return 0;
    seen.add(name);
    const after = byName.get(name).after || [];
    const d = after.length ? 1 + Math.max(...after.map((a) => visit(a, seen))) : 0;
    depth.set(name, d);
    return d;
  };
  for (const s of steps) visit(s.name, new Set());
  return depth;
}

// A node reached by the instance: anything past PENDING.
const reached = (status) => Boolean(status) && status !== "PENDING";
const statusClass = (status) => `status-${String(status || "pending").toLowerCase().replaceAll("_", "-")}`;

function layout(nodes) {
  const columns = [];
  for (const n of nodes) (columns[n.column] ||= []).push(n);
  const tallest = Math.max(...columns.map((c) => (c ? c.length : 0)));
  const height = PAD * 2 + tallest * BOX_H + (tallest - 1) * ROW_GAP;
  let x = PAD;
  for (const column of columns) {
    if (!column) continue;
    const width = Math.max(...column.map((n) => n.width));
    const used = column.length * BOX_H + (column.length - 1) * ROW_GAP;
    column.forEach((n, i) => {
      n.x = x + (width - n.width) / 2;
      n.y = (height - used) / 2 + i * (BOX_H + ROW_GAP);
    });
    x += width + COL_GAP;
  }
  return {width: x - COL_GAP + PAD, height};
}

function edge(from, to, taken) {
  const x1 = from.x + from.width, y1 = from.y + BOX_H / 2;
  const x2 = to.x, y2 = to.y + BOX_H / 2;
  const mid = (x1 + x2) / 2;
  return svg("path", {
    class: taken ? "edge taken" : "edge",
    d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 2},${y2}`,
    "marker-end": taken ? "url(#arrow-taken)" : "url(#arrow)",
  });
}

function box(n) {
  const cls = `node ${n.pill ? "pill" : ""} ${n.reached ? "reached" : "untaken"} ${statusClass(n.status)}`;
  return svg("g", {class: cls, "data-step": n.name, transform: `translate(${n.x},${n.y})`},
    svg("title", {}, n.title),
    svg("rect", {width: n.width, height: BOX_H, rx: n.pill ? BOX_H / 2 : 6}),
    svg("text", {class: "name", x: n.width / 2, y: n.pill ? BOX_H / 2 + 4 : 21}, n.label),
    n.pill ? null : svg("text", {class: "state", x: n.width / 2, y: 38}, n.status || "PENDING"));
}

function markers() {
  const arrow = (id, cls) => svg("marker", {id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: "auto-start-reverse"}, svg("path", {class: cls, d: "M0,0 L10,5 L0,10 z"}));
  return svg("defs", {}, arrow("arrow", "arrowhead"), arrow("arrow-taken", "arrowhead taken"));
}

// Nodes and edges for a saga: start -> steps by depth -> end.
function sagaModel(graph, instance) {
  const stepView = new Map((instance.steps || []).map((s) => [s.name, s]));
  const depth = depths(graph.steps);
  const start = {name: "start", label: "start", pill: true, width: PILL_W, column: 0, reached: true, status: "start"};
  const nodes = [start];
  const byName = new Map();
  for (const step of graph.steps) {
    const view = stepView.get(step.name) || {};
    const node = {
      name: step.name, label: step.name, width: BOX_W, column: 1 + depth.get(step.name),
      status: view.status || "PENDING", reached: reached(view.status),
      title: `${step.name}: ${step.send}${step.compensate ? `, compensate ${step.compensate}` : ""}` +
        (view.attempts ? ` (${view.attempts} attempts)` : ""),
    };
    byName.set(step.name, node);
    nodes.push(node);
  }
  const lastColumn = Math.max(0, ...nodes.map((n) => n.column));
  const done = ["COMPLETED", "COMPENSATED", "ABORTED"].includes(instance.status);
  const end = {name: "end", label: instance.status === "COMPLETED" ? "done" : "end", pill: true, width: PILL_W,
    column: lastColumn + 1, reached: done, status: done ? instance.status : "pending"};
  nodes.push(end);
  start.title = "the instance's start";
  end.title = done ? `ended ${instance.status}` : "not finished";
  const edges = [];
  const needed = new Set(graph.steps.flatMap((s) => s.after || []));
  for (const step of graph.steps) {
    const to = byName.get(step.name);
    const from = (step.after || []).length ? step.after.map((a) => byName.get(a)).filter(Boolean) : [start];
    for (const f of from) edges.push([f, to, f.reached && to.reached]);
    if (!needed.has(step.name)) edges.push([to, end, to.reached && instance.status === "COMPLETED"]);
  }
  return {nodes, edges};
}

// A tcc: start -> branches (in parallel) -> end.
function tccModel(graph, instance) {
  const views = new Map((instance.branches || []).map((b) => [b.name, b]));
  const start = {name: "start", label: "start", pill: true, width: PILL_W, column: 0, reached: true,
    status: "start", title: "the instance's start"};
  const end = {name: "end", label: "end", pill: true, width: PILL_W, column: 2,
    reached: ["CONFIRMED", "CANCELLED"].includes(instance.status), status: instance.status, title: instance.status};
  const nodes = [start];
  const edges = [];
  for (const branch of graph.branches) {
    const v = views.get(branch.name);
    let status = "PENDING";
    if (v) {
      if (v.cancel.done) status = "CANCELLED";
      else if (v.confirm.done) status = "CONFIRMED";
      else if (v.try.done) status = "TRIED";
      else if (v.try.attempts) status = "TRYING";
    }
    const node = {name: branch.name, label: branch.name, width: BOX_W, column: 1, status, reached: reached(status),
      title: `${branch.name}: try ${branch.try}, confirm ${branch.confirm}, cancel ${branch.cancel}`};
    nodes.push(node);
    edges.push([start, node, node.reached], [node, end, node.reached && end.reached]);
  }
  nodes.push(end);
  return {nodes, edges};
}

// The <svg> for `graph` (the JSON graph) as `instance` (its view) ran it.
export function renderGraph(graph, instance) {
  const model = graph.kind === "tcc" ? tccModel(graph, instance) : sagaModel(graph, instance);
  const size = layout(model.nodes);
  // Untaken arrows first, so the taken path is drawn over them.
  const edges = [...model.edges].sort((a, b) => Number(a[2]) - Number(b[2]));
  return svg("svg", {class: "graph", role: "img", "aria-label": `graph of ${graph.name}`,
    viewBox: `0 0 ${size.width} ${size.height}`, width: size.width, height: size.height},
    markers(),
    edges.map(([from, to, taken]) => edge(from, to, taken)),
    model.nodes.map(box));
}
