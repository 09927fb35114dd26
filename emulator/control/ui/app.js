// The dashboard: plain JavaScript over the admin API (no framework, no CDN).
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { sandbox: localStorage.getItem("emulator.sandbox") || "default", open: new Set(),
                openOperations: new Set(), responses: "" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

async function api(method, path, body) {
  const init = { method, credentials: "same-origin",
                 headers: { "X-Emulator-Sandbox": state.sandbox } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch("/__admin" + path, init);
  if (response.status === 401) {
    throw new Error("admin token required: open /__admin/ui?token=<token> once");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.detail) || `${method} ${path}: ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function say(text, isError = false) {
  const status = $("#status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

// vendors give instants as clock seconds or already as ISO 8601 text
const iso = (when) => (when === null || when === undefined) ? ""
  : typeof when === "number" ? new Date(when * 1000).toISOString().replace(".000Z", "Z")
  : String(when);

function badge(status) {
  const s = String(status || "").toLowerCase();
  const kind = /complete|active|success|ok|paid/.test(s) ? "ok"
    : /fail|revoked|cancel|error|refund/.test(s) ? "bad"
    : /process|pending|wait/.test(s) ? "wait" : "";
  return el("span", { class: `badge ${kind}`, "data-status": status }, status);
}

// -- panels ------------------------------------------------------------------------------
async function loadSandboxes() {
  const { sandboxes } = await api("GET", "/sandboxes");
  if (!sandboxes.some((s) => s.id === state.sandbox)) state.sandbox = "default";
  const select = $("#sandbox");
  select.replaceChildren(...sandboxes.map((s) =>
    el("option", { value: s.id, ...(s.id === state.sandbox ? { selected: "" } : {}) }, s.id)));
}

async function loadSnapshots() {
  const { snapshots } = await api("GET", "/snapshots");
  const select = $("#snapshot");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "—"), ...snapshots.map((s) =>
    el("option", { value: s.name, ...(s.name === chosen ? { selected: "" } : {}) },
       `${s.name} (${s.rows} rows)`)));
}

function selectSandbox(id) {
  state.sandbox = id;
  localStorage.setItem("emulator.sandbox", id);
}

async function loadClock() {
  const clock = await api("GET", "/clock");
  $("#clock-now").textContent = clock.now;
  $("#clock-mode").textContent = clock.frozen ? "frozen" : "running";
  $("#clock-next").textContent = clock.next_event
    ? `next event: ${clock.next_event.at} (${clock.next_event.vendor})` : "no scheduled event";
}

async function loadOrders() {
  const { orders, count } = await api("GET", "/orders");
  $("#orders-count").textContent = `(${count})`;
  const byVendor = new Map();
  for (const order of orders) {
    if (!byVendor.has(order.vendor)) byVendor.set(order.vendor, []);
    byVendor.get(order.vendor).push(order);
  }
  const blocks = [];
  for (const [vendor, items] of byVendor) {
    const rows = items.map((o) => {
      const key = `${o.vendor}/${o.id}`;
      const row = el("tr", { "data-order": key },
        el("td", { class: "mono" }, el("a", { href: "#", onclick: (e) => toggle(e, o) }, o.id)),
        el("td", {}, o.kind), el("td", { class: "order-status" }, badge(o.status)),
        el("td", { class: "mono" }, iso(o.created_at)),
        el("td", {},
          el("button", { class: "force-complete", onclick: () => force(o, "complete") }, "complete"),
          " ",
          el("button", { class: "force-fail", onclick: () => force(o, "fail") }, "fail"),
          " ",
          el("button", { class: "force-processing", onclick: () => force(o, "processing") },
             "stay processing")));
      const history = el("tr", { class: "history", hidden: "" }, el("td", { colspan: "5" }));
      if (state.open.has(key)) showHistory(o, history);
      return [row, history];
    });
    blocks.push(el("div", { class: "vendor" }, vendor),
      el("table", {}, el("thead", {}, el("tr", {}, ["id", "kind", "status", "created", "force"]
        .map((h) => el("th", {}, h)))), el("tbody", {}, rows.flat())));
  }
  $("#orders").replaceChildren(...(blocks.length ? blocks
    : [el("p", { class: "muted" }, "no orders or purchases in this sandbox yet")]));
}

async function showHistory(order, row) {
  const detail = await api("GET", `/orders/${order.vendor}/${encodeURIComponent(order.id)}`);
  row.firstChild.replaceChildren(...detail.transitions.map((t) =>
    el("div", {}, `${iso(t.at)}  ${t.from || "∅"} → ${t.to}${t.reason ? "  (" + t.reason + ")" : ""}`)));
  row.hidden = false;
}

function toggle(event, order) {
  event.preventDefault();
  const key = `${order.vendor}/${order.id}`;
  if (state.open.has(key)) state.open.delete(key); else state.open.add(key);
  refresh();
}

async function force(order, action) {
  const body = { action };
  if (action === "fail") body.message = $("#fail-message").value || null;
  await act(`forced ${action} on ${order.id}`,
            () => api("POST", `/orders/${order.vendor}/${encodeURIComponent(order.id)}/force`, body));
}

async function loadJournal() {
  let data;
  try {
    data = await api("GET", "/requests?limit=50");
  } catch (error) {
    if (error.status === 404) { $("#journal").textContent = "journal API not available"; return; }
    throw error;
  }
  const rows = data.requests.map((r) => el("tr", {},
    el("td", { class: "mono" }, iso(r.at)), el("td", {}, r.method),
    el("td", { class: "mono" }, r.path), el("td", {}, r.status),
    el("td", {}, r.operation || ""), el("td", { class: "mono rule" }, (r.rules || []).join(", "))));
  $("#journal").replaceChildren(rows.length
    ? el("table", {}, el("thead", {}, el("tr", {}, ["at", "method", "path", "status", "operation",
        "rule"].map((h) => el("th", {}, h)))), el("tbody", {}, rows))
    : el("p", { class: "muted" }, "no requests yet"));
}

async function loadScenarios() {
  let data;
  try {
    data = await api("GET", "/scenarios");
  } catch (error) {
    if (error.status === 404) { $("#scenarios").textContent = "scenario API not available"; return; }
    throw error;
  }
  $("#scenarios").classList.remove("muted");
  $("#scenarios").replaceChildren(...data.scenarios.map((s) => {
    const box = el("input", { type: "checkbox", "data-scenario": s.name,
      onchange: (e) => act(`${e.target.checked ? "activated" : "deactivated"} ${s.name}`,
        () => api("POST", `/scenarios/${encodeURIComponent(s.name)}/${e.target.checked
          ? "activate" : "deactivate"}`)) });
    box.checked = s.active;
    return el("label", { class: "switch", title: s.description || "" }, box, s.name,
              el("span", { class: "muted" }, s.rules ? ` ${s.rules.length} rule(s)` : ""));
  }));
}

async function loadCoverage() {
  const data = await api("GET", "/coverage");
  renderResponses(data);
  $("#coverage").classList.remove("muted");
  $("#coverage").replaceChildren(el("div", {}, `overall ${data.percent}%`),
    ...data.machines.map((m) => el("div", {},
      el("span", { class: "mono" }, m.machine), " ",
      el("span", { class: "bar" }, el("i", { style: `width:${m.percent}%` })),
      ` ${m.percent}%  · never reached: `,
      el("span", { class: "muted" }, [...m.states.missing,
        ...m.transitions.missing.map((t) => `${t.from}→${t.to}`)].join(", ") || "nothing"))));
}

// the documented answers: per vendor and operation, met ones with their count, unmet ones
// with their recipe and a copy button (re-drawn only when the report changes)
function renderResponses(data) {
  const unmetOnly = $("#responses-unmet").checked;
  const key = JSON.stringify([unmetOnly, data.responses.map((o) => o.seen)]);
  if (key === state.responses) return;
  state.responses = key;
  const byOperation = new Map();
  for (const o of data.responses) {
    const op = `${o.vendor}/${o.operation}`;
    if (!byOperation.has(op)) byOperation.set(op, []);
    byOperation.get(op).push(o);
  }
  const totals = new Map(data.responses_by_operation.map((t) => [`${t.vendor}/${t.operation}`, t]));
  const blocks = [el("div", {}, `overall ${data.responses_percent}% of the documented answers met`)];
  for (const v of data.responses_by_vendor) {
    blocks.push(el("div", { class: "vendor" }, `${v.vendor} `,
      el("span", { class: "bar" }, el("i", { style: `width:${v.percent}%` })),
      el("span", { class: "muted" }, ` ${v.met}/${v.total} (${v.percent}%)`)));
    for (const [op, outcomes] of byOperation) {
      if (!op.startsWith(v.vendor + "/")) continue;
      const t = totals.get(op);
      const shown = outcomes.filter((o) => !unmetOnly || !o.seen);
      const details = el("details", { class: "operation", "data-operation": op,
          ...(state.openOperations.has(op) ? { open: "" } : {}),
          ontoggle: (e) => { if (e.target.open) state.openOperations.add(op);
                             else state.openOperations.delete(op); } },
        el("summary", {}, el("span", { class: "mono" }, op.split("/")[1]), " ",
          el("span", { class: "bar" }, el("i", { style: `width:${t.percent}%` })),
          el("span", { class: "muted" }, ` ${t.met}/${t.total} met`)),
        el("ul", { class: "outcomes" }, shown.map(outcomeItem)));
      blocks.push(details);
    }
  }
  $("#responses").classList.remove("muted");
  $("#responses").replaceChildren(...blocks);
}

function outcomeItem(o) {
  const name = `${o.status}${o.code === null ? "" : " code " + o.code} ${o.outcome}`;
  const item = el("li", { "data-outcome": `${o.vendor}/${o.operation}/${o.status}/${o.outcome}`,
                          "data-met": String(o.seen > 0) },
    el("span", { class: `badge ${o.seen ? "ok" : "bad"}` }, o.seen ? `met ×${o.seen}` : "unmet"),
    " ", el("span", { class: "mono" }, name));
  if (!o.seen) {
    item.append(" ", el("button", { class: "copy-recipe", title: "copy the recipe",
                                    onclick: () => copyRecipe(o, name) }, "copy"),
                el("pre", { class: "recipe" }, o.how || "no recipe: the vendor gives none"));
  }
  return item;
}

async function copyRecipe(o, name) {
  const text = o.how || "";
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {  // no clipboard API (a page not served from a secure origin): the old way
    const area = el("textarea", { style: "position:fixed;opacity:0" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  say(`copied the recipe for ${o.vendor} ${o.operation} ${name}`);
}

// -- wiring ------------------------------------------------------------------------------
async function refresh() {
  try {
    await loadSandboxes();
    await Promise.all([loadClock(), loadOrders(), loadJournal(), loadScenarios(), loadCoverage(),
                       loadSnapshots()]);
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    say(error.message, true);
  }
}

async function act(label, call) {
  try {
    await call();
    say(label);
  } catch (error) {
    say(error.message, true);
  }
  await refresh();
}

document.querySelectorAll("[data-seconds]").forEach((button) => button.addEventListener("click",
  () => act(`advanced ${button.dataset.seconds} s`,
    () => api("POST", "/clock/advance", { seconds: Number(button.dataset.seconds) }))));
$("#advance-next").addEventListener("click", () => act("jumped to the next event",
  () => api("POST", "/clock/advance-to-next-event")));
$("#freeze").addEventListener("click", () => act("clock frozen", () => api("POST", "/clock/freeze")));
$("#resume").addEventListener("click", () => act("clock running", () => api("POST", "/clock/resume")));
$("#reset").addEventListener("click", () => act(`sandbox ${state.sandbox} reset`,
  () => api("POST", "/reset")));
$("#responses-unmet").addEventListener("change", () => refresh());
$("#sandbox").addEventListener("change", (e) => {
  selectSandbox(e.target.value);
  refresh();
});
$("#new-sandbox").addEventListener("click", () => act("new sandbox", async () => {
  const from = $("#snapshot").value;
  const created = await api("POST", "/sandboxes", from ? { from } : {});
  selectSandbox(created.id);
}));
$("#save-snapshot").addEventListener("click", () => act("snapshot saved", () => api(
  "POST", "/snapshots", { name: $("#snapshot-name").value.trim(), overwrite: true })));
$("#restore").addEventListener("click", () => {
  const name = $("#snapshot").value;
  if (!name) { say("choose a snapshot to restore", true); return; }
  act(`restored ${name}`, () => api("POST", `/snapshots/${encodeURIComponent(name)}/restore`));
});

refresh();
setInterval(refresh, 2000);
