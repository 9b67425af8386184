/* The live admin dashboard: every event of the staff's stream (foxreviews-live.js) asks the
 * server for the figures again (/admin/dashboard/data/, one request at a time, events of the
 * same moment sharing it), and the page is redrawn from the answer, without a reload.
 * Figures no event announces (queues, workers, API traffic) are asked for every 15 s, and
 * every 2 s while an import runs, so that its bar moves between its progress events too. */
(function () {
  "use strict";
  const root = document.getElementById("fx-dashboard");
  if (!root) return;
  const urls = JSON.parse(document.getElementById("fx-dashboard-urls").textContent);
  let state = JSON.parse(document.getElementById("fx-dashboard-state").textContent);
  const integer = new Intl.NumberFormat("fr-FR");
  const when = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium" });
  const hour = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", timeZone: "UTC" });
  const seen = new Set((state.events || []).map((e) => e.id));
  const stateEl = document.getElementById("fx-live-state");
  let received = 0;

  function text(tag, content, className) {
    const node = document.createElement(tag);
    if (content !== undefined && content !== null) node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function setLive(kind, label) {
    stateEl.dataset.state = kind;
    stateEl.textContent = label;
  }

  function renderCounters(counters) {
    for (const node of root.querySelectorAll("[data-counter]")) {
      const value = counters[node.dataset.counter];
      const shown = integer.format(value);
      if (node.textContent !== shown) {
        node.textContent = shown;
        node.dataset.value = value;
        node.classList.remove("fx-changed");
        void node.offsetWidth;  // restart the highlight
        node.classList.add("fx-changed");
      }
    }
    for (const node of root.querySelectorAll("[data-counter-date]")) {
      const value = counters[node.dataset.counterDate];
      node.textContent = value ? when.format(new Date(value)) : "jamais";
    }
    for (const node of root.querySelectorAll("[data-estimate]")) {
      node.textContent = counters[node.dataset.estimate] ? "estimation du planificateur" : "compte exact";
    }
  }

  function importRow(run) {
    const tr = document.createElement("tr");
    tr.dataset.import = run.id;
    tr.dataset.status = run.status;
    const first = text("td");
    const link = text("a", `n° ${run.id}`);
    link.href = run.url || "#";
    first.append(link, ` ${run.type_label}`, document.createElement("br"), text("small", run.source));
    const bar = document.createElement("progress");
    bar.max = 100;
    if (run.percent !== null) bar.value = run.percent;
    let detail = `${integer.format(run.rows_done)}`;
    if (run.rows_total) detail += ` / ${integer.format(run.rows_total)}`;
    detail += " lignes";
    if (run.percent !== null) detail += ` (${run.percent} %)`;
    const last = text("td");
    last.append(bar, " ", text("small", detail));
    tr.append(first, text("td", run.status_label), last);
    return tr;
  }

  const IMPORT_STATES = {
    "import.started": ["running", "En cours"], "import.progress": ["running", "En cours"],
    "import.finished": [null, "Terminé"], "import.failed": ["failed", "Échoué"],
  };
  // an import's event moves its bar at once (the figures follow with the next refresh)
  function applyImportEvent(event) {
    const known = IMPORT_STATES[event.type];
    const data = event.data || {};
    if (!known || !Number.isInteger(data.import_log)) return;
    const finished = event.type === "import.finished";
    const total = data.rows_total || (finished ? data.rows_read : null);
    const done = data.rows_read || 0;
    const percent = finished ? 100 : total ? Math.min(100, Math.round((100 * done) / total)) : null;
    const body = document.getElementById("fx-imports");
    const old = body.querySelector(`tr[data-import="${data.import_log}"]`);
    const shown = old && old.querySelector("progress[value]");
    if (!finished && shown && percent !== null && shown.value > percent) return;  // a late event
    const link = old && old.querySelector("a");
    const run = {
      id: data.import_log, status: known[0] || data.status, status_label: known[1],
      type_label: old ? "" : String(data.type || ""), source: "",
      rows_done: done, rows_total: total, percent: percent,
      url: link ? link.getAttribute("href") : `${urls.imports}${data.import_log}/change/`,
    };
    if (percent !== null) furthest.set(run.id, { percent: percent, rows_done: done, rows_total: total });
    const row = importRow(run);
    if (old) {
      row.cells[0].replaceWith(old.cells[0].cloneNode(true));
      old.replaceWith(row);
    } else {
      const empty = body.querySelector(".fx-empty");
      if (empty) empty.remove();
      body.prepend(row);
    }
  }

  // the furthest each import's events took its bar: an answer asked for before the last event
  // must not take the bar back
  const furthest = new Map();

  function renderImports(runs) {
    const body = document.getElementById("fx-imports");
    const rows = runs.map((run) => {
      const seen = furthest.get(run.id);
      if (seen && run.live && (run.percent === null || seen.percent > run.percent)) {
        run = Object.assign({}, run, seen);
      }
      return importRow(run);
    });
    if (!rows.length) {
      const tr = text("tr", null, "fx-empty");
      const td = text("td", "Aucun import en cours ni terminé depuis 10 minutes.");
      td.colSpan = 3;
      tr.append(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  function renderQueues(queues, workers) {
    document.getElementById("fx-queues").replaceChildren(...queues.map((queue) => {
      const tr = document.createElement("tr");
      tr.dataset.queue = queue.name;
      tr.append(text("td", queue.name),
        text("td", queue.waiting === null ? "injoignable" : integer.format(queue.waiting)));
      return tr;
    }));
    if (!workers) return;
    const node = document.getElementById("fx-workers");
    node.dataset.count = workers.names.length;
    node.textContent = !workers.reachable ? "courtier injoignable"
      : workers.names.length ? `${workers.names.length} (${workers.names.join(", ")})` : "aucun";
  }

  function renderCharts(data) {
    const rows = document.getElementById("fx-chart-rows");
    const api = document.getElementById("fx-chart-api");
    if (!window.FoxCharts) return;
    FoxCharts.draw(rows, {
      labels: data.rows_per_day.map((d) => day.format(new Date(`${d.day}T00:00:00Z`))),
      bars: data.rows_per_day.map((d) => d.rows),
      barName: "lignes lues par les imports terminés ce jour-là",
    });
    FoxCharts.draw(api, {
      labels: data.api.map((m) => hour.format(new Date(m.minute * 1000))),
      bars: data.api.map((m) => m.requests),
      barName: "requêtes par minute",
      line: data.api.map((m) => m.p95_ms),
      lineName: "latence p95 (ms)",
      lineUnit: "ms",
    });
  }

  function renderFeed(events) {
    const items = events.map((event) => {
      const li = document.createElement("li");
      li.dataset.event = event.id;
      li.dataset.type = event.type;
      if (!seen.has(event.id)) li.className = "fx-new";
      const time = text("time", when.format(new Date(event.at)));
      time.dateTime = event.at;
      li.append(time, " ", text("strong", event.label), " ");
      if (event.url) {
        const link = text("a", event.summary);
        link.href = event.url;
        li.append(link);
      } else {
        li.append(event.summary);
      }
      return li;
    });
    events.forEach((e) => seen.add(e.id));
    if (!items.length) items.push(text("li", "Aucun événement pour l'instant.", "fx-empty"));
    document.getElementById("fx-feed").replaceChildren(...items);
  }

  function render(data) {
    state = data;
    renderCounters(data.counters);
    renderImports(data.imports);
    renderQueues(data.queues, data.workers);
    renderCharts(data);
    renderFeed(data.events);
    const generated = document.getElementById("fx-generated-at");
    generated.dateTime = data.generated_at;
    generated.textContent = when.format(new Date(data.generated_at));
    root.dataset.refreshes = String(Number(root.dataset.refreshes || 0) + 1);
  }

  // one request at a time; what is asked for meanwhile is served by one more request after it
  let inFlight = false, again = false, timer = null;
  async function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    try {
      const response = await fetch(urls.data, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
      else if (response.status === 403) setLive("closed", "session terminée : reconnectez-vous");
    } catch (error) {
      console.warn("dashboard refresh failed", error);
    } finally {
      inFlight = false;
      if (again) { again = false; refresh(); }
      planNext();
    }
  }
  let soonPlanned = false;
  function soon() {  // the events of the next 150 ms share one request, however many they are
    if (soonPlanned) return;
    soonPlanned = true;
    clearTimeout(timer);
    timer = setTimeout(() => { soonPlanned = false; refresh(); }, 150);
  }
  function planNext() {
    if (soonPlanned) return;  // an event asked for one already
    clearTimeout(timer);
    const running = (state.imports || []).some((run) => run.live);
    timer = setTimeout(refresh, running ? 2000 : 15000);
  }

  function onEvent(event) {
    if (!event || !event.type) return;
    received += 1;
    applyImportEvent(event);
    root.dataset.events = String(received);
    soon();
  }

  function connect() {
    if (!window.FoxLive) {
      setLive("closed", "client temps réel absent (foxreviews-live.js)");
      return;
    }
    // the page's session cookie signs it in: a one-time ticket before each connection
    const live = FoxLive.connect({ url: urls.websocket, ticketUrl: urls.ticket, sseUrl: urls.sse });
    let transport = "websocket";
    live.on("open", (info) => {
      transport = (info && info.transport) || transport;
      setLive("open", transport === "sse" ? "connecté (SSE)" : "connecté");
      soon();  // what happened while the connection was down
    });
    live.on("close", () => setLive("connecting", "reconnexion…"));
    live.on("denied", () => setLive("closed", "accès refusé : reconnectez-vous"));
    live.on("resync", soon);  // too far behind to replay: the figures are read again anyway
    live.on("*", onEvent);
    window.addEventListener("pagehide", () => live.close());
  }

  render(state);
  connect();
  refresh();  // the workers' ping, which the page does not wait for
})();
