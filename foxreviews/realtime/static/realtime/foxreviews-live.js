/* FoxReviews live events: a small client for the platform's websockets (plain ES2018, no build).
 *
 *   const live = FoxLive.connect({url: "/ws/admin/notifications/"});
 *   live.on("avis.pending", (event) => console.log(event.data));  // one type
 *   live.on("*", (event) => console.log(event.type, event.id));   // every event
 *   live.on("resync", () => location.reload());                   // too far behind: reload
 *   live.close();
 *
 * Events are {id, type, version, at, data}. The client keeps the last id it received and, after
 * a drop, reconnects (exponential backoff with jitter) with ?last_event_id= so the server sends
 * exactly what was missed. Sign-in: the page's session cookie by default; with `ticketUrl`, a
 * one-time ticket fetched before each connection (POST, CSRF token from the csrftoken cookie).
 * After `fallbackAfter` websocket failures in a row, with `sseUrl`, it reads the same stream as
 * Server-Sent Events. Lifecycle: on("open"), on("close"), on("hello"), on("resync"),
 * on("denied") (4401/4403: it stops), on("transport") ("websocket" or "sse").
 */
(function (root) {
  "use strict";

  const DEFAULTS = {
    url: "/ws/notifications/",
    ticketUrl: null,
    sseUrl: null,
    fallbackAfter: 3, // websocket failures in a row before SSE (with sseUrl)
    minDelay: 500, // ms, first reconnection delay
    maxDelay: 30000, // ms, cap of the exponential backoff
    heartbeatTimeout: 75000, // ms without any message (the server pings every 30 s): reconnect
    lastEventId: null, // resume from here (e.g. kept in sessionStorage by the page)
  };
  const CONTROL = new Set(["hello", "ping", "pong", "resync", "error", "notification"]);

  function parseId(id) {
    const match = /^(\d+)-(\d+)$/.exec(id || "");
    return match ? [Number(match[1]), Number(match[2])] : null;
  }

  function after(a, b) {
    // whether id a comes after id b (b may be null)
    const x = parseId(a);
    const y = parseId(b);
    if (!x) return false;
    if (!y) return true;
    return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
  }

  function absoluteWs(url) {
    if (/^wss?:\/\//.test(url)) return url;
    const scheme = root.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + root.location.host + url;
  }

  function channelOf(url) {
    // "/ws/admin/notifications/" -> "admin/notifications" (the SSE stream's ?channel=)
    const path = url.replace(/^wss?:\/\/[^/]+/, "").split("?")[0];
    return path.replace(/^\/ws\//, "").replace(/\/+$/, "");
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function withQuery(url, params) {
    const query = Object.keys(params)
      .filter((k) => params[k])
      .map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(params[k]))
      .join("&");
    if (!query) return url;
    return url + (url.indexOf("?") === -1 ? "?" : "&") + query;
  }

  function connect(options) {
    const opts = Object.assign({}, DEFAULTS, options || {});
    const handlers = new Map();
    let lastEventId = opts.lastEventId;
    let socket = null;
    let source = null;
    let closed = false;
    let failures = 0;
    let timer = null;
    let watchdog = null;
    let transport = "websocket";

    function emit(type, payload) {
      for (const key of [type, "*"]) {
        if (key === "*" && CONTROL.has(type)) continue;
        if (key === "*" && ["open", "close", "denied", "transport"].includes(type)) continue;
        for (const fn of handlers.get(key) || []) {
          try {
            fn(payload);
          } catch (error) {
            setTimeout(() => {
              throw error;
            });
          }
        }
      }
    }

    function receive(message) {
      if (message.type === "hello") {
        if (!lastEventId) lastEventId = message.last_event_id;
        emit("hello", message);
      } else if (message.type === "resync") {
        lastEventId = message.last_event_id; // what was missed is gone: start again from here
        emit("resync", message);
      } else if (message.id) {
        if (!after(message.id, lastEventId)) return; // had it already
        lastEventId = message.id;
        emit(message.type, message);
      } else if (message.type === "error") {
        emit("error", message);
      }
    }

    function backoff() {
      const delay = Math.min(opts.maxDelay, opts.minDelay * Math.pow(2, Math.min(failures, 16)));
      return delay / 2 + Math.random() * (delay / 2); // "equal jitter"
    }

    function schedule() {
      if (closed) return;
      clearTimeout(timer);
      timer = setTimeout(open, backoff());
    }

    function feedWatchdog() {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        if (socket) socket.close(4000, "no heartbeat");
      }, opts.heartbeatTimeout);
    }

    async function ticket() {
      if (!opts.ticketUrl) return null;
      const response = await fetch(opts.ticketUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": cookie("csrftoken"), Accept: "application/json" },
      });
      if (!response.ok) throw new Error("ticket: HTTP " + response.status);
      return (await response.json()).ticket;
    }

    async function open() {
      if (closed) return;
      if (transport === "sse") return openSse();
      let oneTime;
      try {
        oneTime = await ticket();
      } catch (error) {
        failures += 1;
        return schedule();
      }
      if (closed) return;
      const protocols = oneTime ? ["foxreviews.live", "ticket." + oneTime] : ["foxreviews.live"];
      const ws = new WebSocket(absoluteWs(withQuery(opts.url, { last_event_id: lastEventId })), protocols);
      socket = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        feedWatchdog();
        emit("open", { transport: "websocket" });
      };
      ws.onmessage = (message) => {
        feedWatchdog();
        failures = 0; // a message: this connection works
        let parsed;
        try {
          parsed = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        receive(parsed);
      };
      ws.onclose = (event) => {
        clearTimeout(watchdog);
        if (socket === ws) socket = null;
        emit("close", { code: event.code, transport: "websocket" });
        if (closed) return;
        if (event.code === 4403 || (event.code === 4401 && !opts.ticketUrl)) {
          closed = true; // signing in again is the page's business
          emit("denied", { code: event.code });
          return;
        }
        if (!opened || event.code === 1006 || event.code === 4429) failures += 1;
        if (opts.sseUrl && failures >= opts.fallbackAfter) {
          transport = "sse";
          emit("transport", "sse");
        }
        schedule();
      };
    }

    async function openSse() {
      let oneTime;
      try {
        oneTime = await ticket();
      } catch (error) {
        failures += 1;
        return schedule();
      }
      if (closed) return;
      const url = withQuery(opts.sseUrl, {
        channel: channelOf(opts.url),
        last_event_id: lastEventId,
        ticket: oneTime,
      });
      const es = new EventSource(url, { withCredentials: true });
      source = es;
      es.onopen = () => {
        failures = 0;
        emit("open", { transport: "sse" });
      };
      es.onmessage = (message) => {
        try {
          receive(JSON.parse(message.data));
        } catch (error) {
          /* not JSON: ignored */
        }
      };
      es.onerror = () => {
        // the browser would reconnect by itself, with a used ticket: reconnect ourselves
        es.close();
        if (source === es) source = null;
        emit("close", { transport: "sse" });
        failures += 1;
        schedule();
      };
    }

    open();

    return {
      on(type, fn) {
        if (!handlers.has(type)) handlers.set(type, []);
        handlers.get(type).push(fn);
        return this;
      },
      off(type, fn) {
        handlers.set(type, (handlers.get(type) || []).filter((f) => f !== fn));
        return this;
      },
      close() {
        closed = true;
        clearTimeout(timer);
        clearTimeout(watchdog);
        if (socket) socket.close(1000);
        if (source) source.close();
        socket = null;
        source = null;
      },
      get lastEventId() {
        return lastEventId;
      },
      get transport() {
        return transport;
      },
    };
  }

  root.FoxLive = { connect: connect, version: 1 };
})(typeof self !== "undefined" ? self : this);
