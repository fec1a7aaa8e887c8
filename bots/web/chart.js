// Small SVG charts drawn here, from numbers already on the page: no chart library, nothing
// fetched. Text (years, values, labels) goes in as text nodes.

import { svg } from "./dom.js";

/**
 * A line chart of one indicator across survey editions, with its axes: the editions along the
 * bottom, a value scale at the left (three ticks, with light grid lines), every point marked,
 * and the values of the first, the last and the highlighted point written beside them.
 *
 * points: [{x: 2020, y: 0.6585, label: "0.65850"}], sorted or not.
 * options: {label: "EGDI, Fiji", domain: [min, max] (shared by small multiples),
 *           highlight: a year to mark (default: the last), width, height}
 */
export function trendChart(points, options = {}) {
  const data = [...points].filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  const width = options.width ?? 300;
  const height = options.height ?? 150;
  const pad = { left: 42, right: 16, top: 18, bottom: 24 };
  const xs = data.map((p) => p.x);
  const ys = data.map((p) => p.y);
  const [lo, hi] = options.domain ?? [Math.min(...ys), Math.max(...ys)];
  const [low, high] = lo === hi ? [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1] : [lo, hi];
  // the scale's ends rounded outwards to as many decimals as the span needs, so that the ticks
  // read as round numbers and enclose every value
  const decimals = high - low < 0.1 ? 3 : high - low < 1 ? 2 : high - low < 10 ? 1 : 0;
  const unit = 10 ** -decimals;
  const yMin = Math.floor(low / unit + 1e-9) * unit;
  const yMax = Math.ceil(high / unit - 1e-9) * unit;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (v) => (xMax === xMin ? pad.left + plotW / 2 : pad.left + ((v - xMin) / (xMax - xMin)) * plotW);
  const y = (v) => pad.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;

  const summary = data.length
    ? `${options.label ?? "Trend"}: ${data.map((p) => `${p.x} ${p.label ?? p.y}`).join(", ")}`
    : `${options.label ?? "Trend"}: no values`;
  const chart = svg("svg", {
    class: "trend-chart",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": summary,
    "data-points": data.length,
  });
  chart.append(svg("title", {}, summary));
  if (!data.length) return chart;

  // the value scale: three ticks
  for (const tick of [yMin, (yMin + yMax) / 2, yMax]) {
    chart.append(
      svg("line", { class: "chart-grid-line", x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick) }),
      svg("text", { class: "chart-tick", x: pad.left - 5, y: y(tick) + 3, "text-anchor": "end" }, tick.toFixed(decimals)),
    );
  }
  const bottom = height - pad.bottom;
  chart.append(
    svg("line", { class: "chart-axis", x1: pad.left, x2: pad.left, y1: pad.top, y2: bottom }),
    svg("line", { class: "chart-axis", x1: pad.left, x2: width - pad.right, y1: bottom, y2: bottom }),
  );
  // the editions: every one when they fit, else every other (the first and the last always)
  const step = plotW / Math.max(data.length - 1, 1) < 30 ? 2 : 1;
  data.forEach((p, i) => {
    if (i % step && i !== data.length - 1) return;
    if (step > 1 && i === data.length - 2) return; // would crowd the last
    chart.append(svg("text", { class: "chart-year", x: x(p.x), y: height - 8, "text-anchor": "middle" }, String(p.x)));
  });

  const coords = data.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`);
  if (data.length > 1) chart.append(svg("polyline", { class: "chart-line", points: coords.join(" ") }));
  const marked = data.find((p) => p.x === options.highlight) ?? data[data.length - 1];
  for (const p of data) {
    chart.append(
      svg(
        "circle",
        { class: p === marked ? "chart-dot chart-dot-marked" : "chart-dot", cx: x(p.x).toFixed(1), cy: y(p.y).toFixed(1), r: p === marked ? 4 : 3 },
        svg("title", {}, `${p.x}: ${p.label ?? p.y}`),
      ),
    );
  }
  const written = new Set([data[0], marked, data[data.length - 1]]);
  for (const p of written) {
    const anchor = data.length === 1 ? "middle" : p === data[0] ? "start" : p === data[data.length - 1] ? "end" : "middle";
    chart.append(
      svg("text", { class: "chart-value", x: x(p.x), y: Math.max(11, y(p.y) - 8), "text-anchor": anchor }, String(p.label ?? p.y)),
    );
  }
  return chart;
}

/** [min, max] over several series, for small multiples that share a scale. */
export function sharedDomain(seriesList) {
  const values = seriesList.flat().map((p) => p.y).filter(Number.isFinite);
  if (!values.length) return [0, 1];
  return [Math.min(...values), Math.max(...values)];
}
