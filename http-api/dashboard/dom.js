// Building the DOM safely. Everything shown comes from the API (ids,
// definition names, error texts are user data), so text only ever goes in
// through text nodes and attributes: never innerHTML.

// el("a", {href: "#/", class: "x"}, "text", child, [more children])
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces a node's children.
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

// "2024-05-01 12:00:03.120" in local time; "" for 0 (not yet).
export function formatTime(ms) {
  if (!ms) return "";
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// "350 ms", "4.2 s", "3 min"; "" when either end is unknown.
export function formatDuration(fromMs, toMs) {
  if (!fromMs || !toMs) return "";
  const ms = Math.max(0, toMs - fromMs);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60000)} min`;
}

// A status pill; the class gives the colour (style.css).
export function badge(status) {
  return el("span", {class: `badge status-${String(status).toLowerCase().replaceAll("_", "-")}`}, status);
}
