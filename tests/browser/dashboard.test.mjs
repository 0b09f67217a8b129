// The dashboard in a real browser (Debian's chromium, headless, driven by
// puppeteer-core) against a real sagad: a temporary SQLite store, the
// sample's definitions, payment and order in-process, and inventory as an
// HTTP participant played by this script, so it can make one compensation
// fail until the saga is STUCK and then let an operator's retry through.
//
//   node dashboard.test.mjs --sagad BIN --chromium BIN --definitions DIR --out DIR
//
// Prints one line per check and "N passed, N failed"; exit 1 on any failure.
// Screenshots: OUT/dashboard-list.png, dashboard-saga.png, dashboard-stuck.png.
import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, mkdirSync} from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import puppeteer from "puppeteer-core";

const {values: args} = parseArgs({options: {
  sagad: {type: "string"}, chromium: {type: "string"}, definitions: {type: "string"}, out: {type: "string"},
}});
for (const name of ["sagad", "chromium", "definitions", "out"]) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

// An order id with markup in it: the page must show it as text.
const XSS_ORDER = `o-<img src=x onerror="window.__pwned=1">`;
const hashOf = (id) => `#/sagas/${encodeURIComponent(id)}`;
// Order id -> saga id. Usually "PlaceOrder:<order>", but sagad hashes keys
// that are not plain ("PlaceOrder:#9e7d..."), so ask the API.
const sagaOf = {};
let browser = null;

// ---- checks ----
let passed = 0, failed = 0;
function check(ok, what, detail = "") {
  if (ok) passed++; else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail ? `: ${detail}` : ""}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// ---- the inventory participant (docs/participants.md) ----
// Reserves anything; ReleaseStock fails with 503 for orders in `failing`.
const failing = new Set();
const inventory = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => { body += chunk; });
  req.on("end", () => {
    const command = JSON.parse(body || "{}");
    const reply = (status, json) => {
      res.writeHead(status, {"Content-Type": "application/json"});
      res.end(JSON.stringify(json));
    };
    if (req.url.endsWith("/ReserveStock")) return reply(200, {event: "StockReserved", data: {}});
    if (req.url.endsWith("/ReleaseStock")) {
      if (failing.has(command.payload.order_id)) return reply(503, {error: "warehouse offline"});
      return reply(200, {event: "StockReleased", data: {}});
    }
    reply(404, {error: `no command ${req.url}`});
  });
});
await new Promise((r) => inventory.listen(0, "127.0.0.1", r));
const inventoryUrl = `http://127.0.0.1:${inventory.address().port}/inventory`;

// ---- the test ----
async function api(base, method, target, body) {
  const r = await fetch(base + target, {method, headers: {"Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await r.text();
  return {status: r.status, body: text ? JSON.parse(text) : null};
}

async function command(base, participant, type, id, target, payload) {
  const r = await api(base, "POST", `/v1/commands/${participant}/${type}`, {command_id: id, target, payload});
  if (r.status !== 200) throw new Error(`${participant}.${type} ${target}: ${r.status} ${JSON.stringify(r.body)}`);
}

async function sagaStatus(base, id) {
  const r = await api(base, "GET", `/v1/sagas/${encodeURIComponent(id)}`);
  return r.status === 200 ? r.body.status : "";
}

async function run(base) {
  // Seed: two customers (one too poor), then orders. o-4's stock release
  // fails until we let it: that saga ends STUCK.
  await command(base, "payment", "OpenAccount", "seed-c1", "c-1", {balance: 1000});
  await command(base, "payment", "OpenAccount", "seed-c2", "c-2", {balance: 100});
  failing.add("o-4");
  const orders = [
    ["o-1", "c-1", 300], ["o-2", "c-2", 500], ["o-3", "c-1", 200], ["o-4", "c-2", 400], [XSS_ORDER, "c-1", 100],
  ];
  for (const [order, customer, total] of orders) {
    await command(base, "order", "PlaceOrder", `place-${order}`, order, {customer_id: customer, sku: "sku-1", qty: 1, total});
  }
  const listed = await until("five sagas", async () => {
    const r = await api(base, "GET", "/v1/sagas");
    return r.body.items.length === 5 && r.body.items;
  });
  for (const item of listed) {
    const view = (await api(base, "GET", `/v1/sagas/${encodeURIComponent(item.id)}`)).body;
    sagaOf[view.context.order_id] = item.id;
  }
  const terminal = ["COMPLETED", "COMPENSATED", "STUCK", "ABORTED"];
  for (const [order] of orders) {
    if (order === "o-4") continue;
    await until(`the saga of ${order} to finish`, async () => terminal.includes(await sagaStatus(base, sagaOf[order])));
  }
  check(await sagaStatus(base, sagaOf["o-1"]) === "COMPLETED", "o-1 completed (setup)");
  check(await sagaStatus(base, sagaOf["o-2"]) === "COMPENSATED", "o-2 compensated: insufficient funds (setup)");

  browser = await puppeteer.launch({
    executablePath: args.chromium, headless: true,
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none"],
  });
  const page = await browser.newPage();
  await page.setViewport({width: 1360, height: 900});
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // A refused action (409) is logged by the browser as a failed load: expected.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) consoleErrors.push(m.text());
  });
  mkdirSync(args.out, {recursive: true});

  await detailOfACompensatedSaga(base, page);
  await aCompletedSagaOffersNothing(base, page);
  await userDataIsNeverMarkup(base, page);

  // Compensation retries with backoff until the budget is spent: ~30 s.
  await until("PlaceOrder:o-4 to be STUCK", async () => (await sagaStatus(base, sagaOf["o-4"])) === "STUCK", 120000);
  await listWithCountsFiltersAndPaging(base, page);
  await stuckSagaRetriedByAnOperator(base, page);
  await listRefreshesItself(base, page);

  check(consoleErrors.length === 0, "no script errors or security-policy violations in the console", consoleErrors.join(" | "));
}

// A fresh document each time: going from one hash to another would not
// reload the page, and old rows could pass for new ones.
async function open(page, url) {
  await page.goto("about:blank");
  await page.goto(url, {waitUntil: "networkidle0"});
}

const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent.trim()));

async function detailOfACompensatedSaga(base, page) {
  const id = sagaOf["o-2"];
  await open(page, `${base}/${hashOf(id)}`);
  await page.waitForSelector("table.steps tbody tr");
  check((await texts(page, "h1 .saga-id"))[0] === id, "the saga page names the saga");
  check((await texts(page, "h1 .badge"))[0] === "COMPENSATED", "its status badge says COMPENSATED");
  const steps = await page.$$eval("table.steps tbody tr", (rows) => rows.map((r) => ({
    name: r.dataset.step, status: r.dataset.status, error: r.querySelector(".last-error").textContent,
    attempts: r.children[3].textContent, started: r.children[4].textContent,
  })));
  check(steps.map((s) => s.name).join(",") === "reserve_stock,charge_payment,approve_order",
    "the timeline lists the steps in definition order", JSON.stringify(steps));
  check(steps[0].status === "COMPENSATED" && steps[1].status === "FAILED" && steps[2].status === "PENDING",
    "each step shows its status (reserved and released, payment failed, approval never ran)", JSON.stringify(steps));
  check(steps[0].attempts.startsWith("1") && steps[0].started !== "", "a step shows its attempts and start time");
  check(steps[1].error.length > 0, "the failed step shows its last error", JSON.stringify(steps[1]));
  check(await page.$$eval("table.steps .bar", (b) => b.length) >= 2, "steps that ran have a bar on the timeline");

  const events = await page.$$eval("table.events tbody tr", (rows) => rows.map((r) => r.dataset.type));
  check(events[0] === "SagaStarted", "the event history starts with SagaStarted", events.join(","));
  check(events.includes("StepFailed") && events.includes("CompensationSucceeded") && events.includes("SagaCompensated"),
    "the history shows the failure, the compensation and the outcome", events.join(","));
  const count = (await api(base, "GET", `/v1/sagas/${encodeURIComponent(id)}/events`)).body.events.length;
  check(events.length === count, `the history has every event (${count})`);

  const graph = await page.$$eval("svg.graph g.node", (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.dataset.step, n.getAttribute("class")])));
  check(/reached/.test(graph.reserve_stock) && /status-compensated/.test(graph.reserve_stock),
    "the graph colours a step the saga took by its status", graph.reserve_stock);
  check(/untaken/.test(graph.approve_order), "the graph greys out the step it never reached", graph.approve_order);
  check(await page.$$eval("svg.graph path.edge.taken", (e) => e.length) === 2,
    "the taken path is drawn bold: start -> reserve_stock -> charge_payment");

  // Nothing applies to a finished saga: no button, and the page says so.
  const apiActions = (await api(base, "GET", `/v1/sagas/${encodeURIComponent(id)}`)).body.actions;
  check(Array.isArray(apiActions) && apiActions.length === 0, "the API lists no action for a COMPENSATED saga",
    JSON.stringify(apiActions));
  check((await page.$$(".actions button.action")).length === 0,
    "a COMPENSATED saga's page offers no Retry, Skip or Abort", (await texts(page, ".actions button")).join(","));
  check(((await texts(page, ".actions .no-actions"))[0] || "").includes("COMPENSATED"),
    "and says why no action applies", (await texts(page, ".actions")).join(" "));
  // The failure as a sentence: step, reason, when; no JSON.
  const failure = (await texts(page, ".alert .failure"))[0] || "";
  check(/^Failed at step charge_payment: insufficient funds: 100 available, 500 asked \(at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\)$/
    .test(failure), "the failure is shown as text: step, reason and when", failure);
  check(!(await texts(page, ".alert"))[0].includes("{"), "no raw JSON in the failure", (await texts(page, ".alert"))[0]);
  await page.screenshot({path: path.join(args.out, "dashboard-saga.png"), fullPage: true});
}

async function submitAction(page, action, reason) {
  await page.click(`button[data-action=${action}]`);
  await page.waitForSelector(`form.action-form[data-action=${action}] input[name=reason]`);
  await page.type(`form.action-form[data-action=${action}] input[name=reason]`, reason);
  await page.click(`form.action-form[data-action=${action}] button[type=submit]`);
  await page.waitForSelector(".action-result span");
  return (await texts(page, ".action-result span"))[0];
}

async function aCompletedSagaOffersNothing(base, page) {
  await open(page, `${base}/${hashOf(sagaOf["o-1"])}`);
  await page.waitForSelector("table.steps tbody tr");
  check((await page.$$(".actions button.action")).length === 0, "a COMPLETED saga's page offers no action");
  check(!(await page.$(".alert:not([hidden])")), "and shows no failure");
}

// The order id (user data) appears in the saga's events and context.
async function userDataIsNeverMarkup(base, page) {
  const id = sagaOf[XSS_ORDER];
  check(id.includes("#"), "an order id with markup gets a hashed saga id (with '#', which the page must encode)", id);
  await open(page, `${base}/${hashOf(id)}`);
  await page.waitForSelector("table.events tbody tr");
  check((await texts(page, "h1 .saga-id"))[0] === id, "the page finds the saga by its id");
  const payloads = await texts(page, "table.events pre");
  check(payloads.some((p) => p.includes("<img src=x onerror=")), "markup in event payloads is shown as text");
  check(await page.evaluate(() => document.querySelectorAll("main img").length === 0 && !window.__pwned),
    "no element or script was injected from it");
}

async function listWithCountsFiltersAndPaging(base, page) {
  await open(page, `${base}/`);
  await page.waitForSelector("table.sagas tbody tr[data-id]");
  const rows = await page.$$eval("table.sagas tbody tr[data-id]", (r) => r.map((x) => [x.dataset.id, x.dataset.status]));
  check(rows.length === 5, "the list shows every saga", JSON.stringify(rows));
  const expected = (await api(base, "GET", "/v1/sagas")).body.items.map((i) => [i.id, i.status]);
  check(JSON.stringify(rows) === JSON.stringify(expected), "in the API's order (newest first), with their statuses",
    `${JSON.stringify(rows)} vs ${JSON.stringify(expected)}`);
  const counts = await page.$$eval(".status-filters button", (b) =>
    Object.fromEntries(b.map((x) => [x.dataset.status, Number(x.querySelector(".count").textContent)])));
  check(counts.ALL === 5 && counts.COMPLETED === 3 && counts.COMPENSATED === 1 && counts.STUCK === 1 && counts.RUNNING === 0,
    "the filter buttons count sagas per status", JSON.stringify(counts));
  check(await page.$eval('.status-filters button[data-status="STUCK"]', (b) => b.classList.contains("alarm")),
    "the STUCK filter raises the alarm when any saga is stuck");
  const stuckRow = await page.$$eval("tr.row-stuck", (r) => r.map((x) => [x.dataset.id, x.querySelector(".flag")?.textContent]));
  check(stuckRow.length === 1 && stuckRow[0][0] === sagaOf["o-4"] && stuckRow[0][1] === "needs an operator",
    "the STUCK saga's row stands out with a badge", JSON.stringify(stuckRow));
  await page.screenshot({path: path.join(args.out, "dashboard-list.png"), fullPage: true});

  await page.click('.status-filters button[data-status="COMPENSATED"]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll("table.sagas tbody tr[data-id]")];
    return location.hash.includes("status=COMPENSATED") && rows.length > 0 &&
      rows.every((r) => r.dataset.status === "COMPENSATED");
  });
  check((await texts(page, "table.sagas a.saga-id")).join() === sagaOf["o-2"], "a status filter shows only that status");

  await page.select("#definition-filter", "PlaceOrder");
  await page.waitForFunction(() => location.hash.includes("definition=PlaceOrder") &&
    document.querySelector("table.sagas tbody tr[data-id]"));
  check((await page.$$("table.sagas tbody tr[data-id]")).length === 1, "the definition filter keeps the status filter");

  await open(page, `${base}/#/?limit=2`);
  await page.waitForSelector(".pager button.older");
  const first = await texts(page, "table.sagas a.saga-id");
  await page.click(".pager button.older");
  await page.waitForFunction((before) => {
    const now = [...document.querySelectorAll("table.sagas a.saga-id")].map((a) => a.textContent);
    return now.length > 0 && now[0] !== before;
  }, {}, first[0]);
  const second = await texts(page, "table.sagas a.saga-id");
  check(first.length === 2 && second.length === 2 && !second.some((id) => first.includes(id)),
    "paging by cursor shows the next older page", `${first} / ${second}`);
  check(await page.$(".pager button:not(.older)") !== null, "a later page offers the way back to the newest");
}

async function stuckSagaRetriedByAnOperator(base, page) {
  const id = sagaOf["o-4"];
  await open(page, `${base}/${hashOf(id)}`);
  await page.waitForSelector("table.steps tbody tr");
  check(await page.$(".alert.stuck:not([hidden])") !== null, "a STUCK saga's page says it needs an operator");
  const stuckStep = await page.$eval('table.steps tr[data-step="reserve_stock"]', (r) => r.dataset.status);
  check(stuckStep === "COMPENSATION_FAILED", "the step whose compensation failed is marked", stuckStep);
  check(!(await texts(page, ".alert"))[0].includes("{"), "its failure is text, not JSON", (await texts(page, ".alert"))[0]);

  // The buttons are the API's actions for this state, and these are the
  // ones a saga stuck on a compensation takes.
  const shownButtons = async () => (await page.$$eval(".actions button.action", (b) =>
    b.map((x) => x.dataset.action + (x.dataset.compensate ? `:${x.dataset.compensate}` : "")))).sort().join(",");
  const apiKinds = async () => [...new Set((await api(base, "GET", `/v1/sagas/${encodeURIComponent(id)}`)).body.actions
    .map((a) => a.action + (a.action === "abort" ? `:${a.compensate}` : "")))].sort().join(",");
  const buttons = await shownButtons();
  check(buttons === await apiKinds(), "a STUCK saga's buttons are exactly the actions the API lists", buttons);
  check(buttons.includes("retry") && buttons.includes("abort:false"),
    "a STUCK saga offers Retry and Abort without undo", buttons);
  check(!buttons.includes("abort:true") && !buttons.includes("resume"),
    "but not Abort with compensation (it is compensating already) nor Resume (it is not paused)", buttons);
  await page.click("button[data-action=retry]");
  const choices = await page.$$eval("form.action-form select[name=step] option", (o) => o.map((x) => x.value));
  check(JSON.stringify(choices.sort()) === JSON.stringify(["", "reserve_stock"]),
    "its retry offers the stuck step (or every stuck step) and no other", JSON.stringify(choices));
  await page.click("form.action-form button[type=button]");  // Cancel
  await page.screenshot({path: path.join(args.out, "dashboard-stuck.png"), fullPage: true});

  // Paused behind the page's back: the page's Pause is refused, it shows
  // the server's 409 and detail, and its buttons follow the new state.
  const paused = await api(base, "POST", `/v1/sagas/${encodeURIComponent(id)}/pause`, {reason: "another operator"});
  check(paused.status === 200, "pausing the STUCK saga over the API (setup)", JSON.stringify(paused.body));
  const refusal = await submitAction(page, "pause", "pause it too");
  const problem = await api(base, "POST", `/v1/sagas/${encodeURIComponent(id)}/pause`, {reason: "same again"});
  check(problem.status === 409, "pausing a paused saga is refused with 409 (API)");
  check(refusal.includes("409") && refusal.includes(problem.body.detail),
    "the page shows the 409 and the server's detail", `${refusal} / ${problem.body.detail}`);
  await page.waitForFunction(() => document.querySelector("button[data-action=resume]") &&
    !document.querySelector("button[data-action=pause]"), {timeout: 10000});
  check(!(await shownButtons()).includes("retry"), "once paused it offers Resume and no Retry", await shownButtons());
  const resumed = await submitAction(page, "resume", "back to it");
  check(resumed.startsWith("resume accepted"), "the page's Resume is accepted", resumed);
  await page.waitForSelector("button[data-action=retry]", {timeout: 10000});

  failing.delete("o-4");  // the warehouse is back
  const shown = await submitAction(page, "retry", "warehouse is back online");
  check(shown.startsWith("retry accepted"), "the operator's retry is accepted", shown);
  await page.waitForFunction(() => document.querySelector("h1 .badge")?.textContent === "COMPENSATED", {timeout: 20000});
  check(true, "the page follows the saga to COMPENSATED by itself");
  const events = await page.$$eval("table.events tbody tr", (rows) => rows.map((r) => r.dataset.type));
  check(events.includes("SagaStuck") && events.includes("OperatorRetried"),
    "the history records the stuck state and the operator's retry", events.join(","));
  const retried = (await api(base, "GET", `/v1/sagas/${encodeURIComponent(id)}/events`)).body.events
    .find((e) => e.type === "OperatorRetried");
  check(retried && retried.payload.reason === "warehouse is back online", "with the reason the operator typed");
}

async function listRefreshesItself(base, page) {
  await open(page, `${base}/`);
  await page.waitForSelector("table.sagas tbody tr[data-id]");
  await command(base, "order", "PlaceOrder", "place-o-6", "o-6", {customer_id: "c-1", sku: "sku-1", qty: 1, total: 10});
  await page.waitForSelector('tr[data-id="PlaceOrder:o-6"]', {timeout: 10000});
  check(true, "the list picks up a new saga without a reload (auto-refresh)");
}

// ---- main: after every declaration above (top-level await runs in order) ----
async function main() {
  // ---- sagad ----
  const dir = mkdtempSync(path.join(os.tmpdir(), "sagad-browser-"));
  let log = "";
  const sagad = spawn(args.sagad, [
    "--store", `sqlite:${path.join(dir, "sagad.db")}`, "--definitions", args.definitions,
    "--listen", "127.0.0.1:0", "--watch-interval-ms", "0", "--shards", "2",
    "--participant", `inventory=${inventoryUrl}`, "--participant", "payment=inproc", "--participant", "order=inproc",
  ], {stdio: ["ignore", "pipe", "pipe"]});
  sagad.stdout.on("data", (d) => { log += d; });
  sagad.stderr.on("data", (d) => { log += d; });

  async function cleanup() {
    if (browser) await browser.close().catch(() => {});
    if (sagad.exitCode === null) {
      const exited = new Promise((r) => sagad.once("exit", r));
      sagad.kill("SIGTERM");
      await Promise.race([exited, sleep(10000)]);
    }
    inventory.close();
    rmSync(dir, {recursive: true, force: true});
  }

  try {
    const port = await until("sagad to listen", () => {
      if (sagad.exitCode !== null) throw new Error(`sagad exited with ${sagad.exitCode}`);
      return (log.match(/sagad listening on http:\/\/127\.0\.0\.1:(\d+)/) || [])[1];
    }, 30000);
    const base = `http://127.0.0.1:${port}`;
    await run(base);
  } catch (e) {
    failed++;
    console.log(`FAIL ${e.stack || e}`);
    console.log(`---- sagad's log (last 3000 characters) ----\n${log.slice(-3000)}`);
  } finally {
    await cleanup();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
