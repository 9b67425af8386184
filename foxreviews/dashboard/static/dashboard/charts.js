/* FoxCharts: the dashboard's two charts, drawn as plain SVG (no library, nothing fetched).
 * FoxCharts.draw(element, {labels, bars, barName, line, lineName, lineUnit}) replaces the
 * element's content with bars (left axis) and, optionally, a line (right axis). */
(function (global) {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const W = 640, H = 220, LEFT = 48, RIGHT = 48, TOP = 12, BOTTOM = 28;

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) {
      if (step * power >= value) return step * power;
    }
    return 10 * power;
  }

  const number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function draw(target, spec) {
    const labels = spec.labels || [];
    const bars = spec.bars || [];
    const line = spec.line || null;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "fx-svg", preserveAspectRatio: "none" });
    const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
    const n = Math.max(labels.length, 1);
    const slot = plotW / n;
    const barMax = niceMax(Math.max(0, ...bars));
    const lineValues = line ? line.filter((v) => v !== null && v !== undefined) : [];
    const lineMax = niceMax(Math.max(0, ...lineValues));
    const y = (value, max) => TOP + plotH - (plotH * value) / max;

    for (const fraction of [0, 0.5, 1]) {  // grid and the axes' figures
      const gy = TOP + plotH - plotH * fraction;
      svg.appendChild(el("line", { x1: LEFT, x2: W - RIGHT, y1: gy, y2: gy, class: "fx-grid" }));
      svg.appendChild(el("text", { x: LEFT - 4, y: gy + 4, class: "fx-axis", "text-anchor": "end" },
        number.format(barMax * fraction)));
      if (line) {
        svg.appendChild(el("text", { x: W - RIGHT + 4, y: gy + 4, class: "fx-axis fx-axis-line" },
          number.format(lineMax * fraction)));
      }
    }
    bars.forEach((value, i) => {
      const top = y(value, barMax);
      const rect = el("rect", {
        x: LEFT + i * slot + slot * 0.1, width: Math.max(slot * 0.8, 1),
        y: top, height: TOP + plotH - top, class: "fx-bar",
      });
      rect.appendChild(el("title", {}, `${labels[i]} : ${number.format(value)} ${spec.barName || ""}`));
      svg.appendChild(rect);
    });
    if (line) {
      let path = "";
      line.forEach((value, i) => {
        if (value === null || value === undefined) return;
        const x = LEFT + i * slot + slot / 2;
        path += `${path ? "L" : "M"}${x.toFixed(1)},${y(value, lineMax).toFixed(1)}`;
        const dot = el("circle", { cx: x, cy: y(value, lineMax), r: 2.5, class: "fx-dot" });
        dot.appendChild(el("title", {}, `${labels[i]} : ${number.format(value)} ${spec.lineUnit || ""}`));
        svg.appendChild(dot);
      });
      if (path) svg.appendChild(el("path", { d: path, class: "fx-line" }));
    }
    const every = Math.ceil(n / 6);  // six labels at most under the x axis
    labels.forEach((label, i) => {
      if (i % every !== 0 && i !== n - 1) return;
      svg.appendChild(el("text", {
        x: LEFT + i * slot + slot / 2, y: H - 8, class: "fx-axis", "text-anchor": "middle",
      }, label));
    });
    const legend = document.createElement("p");
    legend.className = "fx-legend";
    legend.innerHTML = '<span class="fx-key fx-key-bar"></span> ';
    legend.appendChild(document.createTextNode(spec.barName || ""));
    if (line) {
      const key = document.createElement("span");
      key.className = "fx-key fx-key-line";
      legend.appendChild(document.createTextNode("  "));
      legend.appendChild(key);
      legend.appendChild(document.createTextNode(` ${spec.lineName || ""}`));
    }
    target.replaceChildren(svg, legend);
  }

  global.FoxCharts = { draw };
})(window);
