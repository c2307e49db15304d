"use strict";
// The roster page. Every value from the server is put in with textContent:
// a learner's name is text, never markup.
const admin = new URLSearchParams(location.hash.slice(1)).get("admin") || "";
let data = null;
let fetchedAt = 0;
let version = null;

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function api(path, opts) {
  const o = Object.assign({ cache: "no-store" }, opts || {});
  o.headers = Object.assign({ Authorization: "Bearer " + admin }, o.headers || {});
  return fetch(path, o);
}

function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return "";
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
}

function figure(v) {
  return v === null || v === undefined ? "?" : String(Math.round(v));
}

function serverNow() {
  return data.now + (Date.now() - fetchedAt);
}

function setConn(ok, why) {
  const c = $("conn");
  c.className = ok ? "" : "down";
  c.textContent = ok ? "live" : "server not answering (" + why + "), retrying…";
}

function sorted(learners) {
  const by = $("sort").value;
  const list = learners.slice();
  if (by === "name") {
    list.sort((a, b) => a.name.localeCompare(b.name));
  } else {
    const sign = by === "stage-desc" ? -1 : 1;
    const done = (l) => l.stages[l.stage].status === "done" || l.stages[l.stage].status === "skipped";
    list.sort((a, b) =>
      sign * (a.stage - b.stage) || sign * (done(a) - done(b)) || a.name.localeCompare(b.name));
  }
  return list;
}

function row(l) {
  const tr = el("tr");
  tr.dataset.learner = l.id;
  if (l.stuck.length > 0) tr.classList.add("stuck");
  if (l.hand) tr.classList.add("hand");
  tr.append(el("td", "name", l.name));
  const st = l.stages[l.stage].status;
  const where = l.events === 0 ? "joined" : "stage " + l.stage + " · " + l.step +
    (st === "done" || st === "skipped" ? " (" + st + ")" : "");
  tr.append(el("td", "where", where));
  const since = l.step_since === null ? null : serverNow() - l.step_since;
  tr.append(el("td", "ontime num", l.events === 0 ? "" : duration(since)));
  tr.append(el("td", "hints num", l.hints));
  tr.append(el("td", "wrong num", l.wrong));
  const f = l.last_failed;
  tr.append(el("td", "failed", f ? f.predicate + ": observed " + f.observed +
    (f.expected ? ", expected " + f.expected : "") + " (×" + f.times + ")" : ""));
  const g = el("td", "goodput");
  for (const s of l.stages) {
    if (s.goodput_before === null && s.goodput_after === null) continue;
    g.append(el("div", null, "stage " + s.stage + ": " + figure(s.goodput_before) + " → " + figure(s.goodput_after)));
  }
  tr.append(g);
  tr.append(el("td", "hand", l.hand ? "✋ raised" : ""));
  tr.append(el("td", "stuck", l.stuck.map((s) => s.text).join("; ")));
  return tr;
}

function renderSummary() {
  const rows = data.summary.map((s) => {
    const tr = el("tr");
    tr.append(el("td", "num", s.stage), el("td", "num", s.past), el("td", "num", s.on_it),
      el("td", "num", s.median_seconds === null ? "" : duration(s.median_seconds * 1000)));
    return tr;
  });
  $("summary-rows").replaceChildren(...rows);
}

function renderThresholds() {
  const t = data.thresholds;
  for (const [id, v] of [["th-step", t.step_minutes], ["th-check", t.check_failures], ["th-hints", t.hints]]) {
    const input = $(id);
    if (document.activeElement !== input && !input.dataset.edited) input.value = v;
  }
}

function render() {
  if (!data) return;
  document.title = data.title + " · perflab class";
  $("title").textContent = data.title;
  $("count").textContent = "(" + data.learners.length + ")";
  renderSummary();
  renderThresholds();
  $("rows").replaceChildren(...sorted(data.learners).map(row));
}

async function poll() {
  for (;;) {
    try {
      const r = await api("/api/roster" + (version === null ? "" : "?since=" + version));
      if (r.status === 401) {
        $("noadmin").hidden = false;
        setConn(false, "the admin token is wrong");
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      data = await r.json();
      fetchedAt = Date.now();
      version = data.version;
      setConn(true);
      render();
    } catch (e) {
      setConn(false, e.message);
      await sleep(2000);
    }
  }
}

$("th-form").addEventListener("input", (e) => { e.target.dataset.edited = "1"; });
$("th-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const msg = $("th-msg");
  const body = {
    step_minutes: Number($("th-step").value),
    check_failures: Number($("th-check").value),
    hints: Number($("th-hints").value),
  };
  try {
    const r = await api("/api/thresholds", {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await r.json();
    msg.className = r.ok ? "" : "error";
    msg.textContent = r.ok ? "set" : answer.error;
    if (r.ok) for (const id of ["th-step", "th-check", "th-hints"]) delete $(id).dataset.edited;
  } catch (err) {
    msg.className = "error";
    msg.textContent = err.message;
  }
});
$("sort").addEventListener("change", render);

async function download(path, name) {
  const r = await api(path);
  if (!r.ok) { setConn(false, "export: HTTP " + r.status); return; }
  const a = el("a");
  a.href = URL.createObjectURL(await r.blob());
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
$("export-csv").addEventListener("click", () => download("/api/export.csv", "class.csv"));
$("export-json").addEventListener("click", () => download("/api/export.json", "class.json"));

setInterval(render, 1000);
if (admin) poll(); else { $("noadmin").hidden = false; setConn(false, "no admin token"); }
