// The dashboard's entry point: a hash router over two views.
//   #/?status=STUCK&definition=PlaceOrder&cursor=N   the saga list (list.js)
//   #/sagas/<id, URI-encoded>                        one instance (saga.js)
// Hash routes keep it one static page: the server serves / and never needs
// to know the views.
import {el, replace} from "./dom.js";
import {token, setToken} from "./api.js";
import {showList} from "./list.js";
import {showSaga} from "./saga.js";

const main = document.getElementById("main");
let dispose = () => {};

function parseHash() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?");
  const saga = path.match(/^\/sagas\/(.+)$/);
  if (saga) return {view: "saga", id: decodeURIComponent(saga[1])};
  return {view: "list", params: Object.fromEntries(new URLSearchParams(query))};
}

function goList(params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const text = query.toString();
  location.hash = text ? `#/?${text}` : "#/";
}

function route() {
  dispose();
  const where = parseHash();
  if (where.view === "saga") {
    document.title = `${where.id} · sagad`;
    dispose = showSaga(main, where.id);
  } else {
    document.title = "sagad";
    dispose = showList(main, where.params, goList);
  }
}

// The admin token, for a sagad started with --admin-token: asked once,
// kept for this tab only.
function tokenButton() {
  const slot = document.getElementById("token-slot");
  const render = () => replace(slot, el("button", {type: "button", class: "token", onclick: () => {
    const value = prompt("Admin token (empty to forget it):", "");
    if (value === null) return;
    setToken(value.trim());
    render();
    route();
  }}, token() ? "admin token: set" : "admin token…"));
  render();
}

tokenButton();
window.addEventListener("hashchange", route);
route();
