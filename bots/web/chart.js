// Small SVG charts drawn here, from numbers already on the page: no chart library, nothing
// fetched. Text (years, values, labels) goes in as text nodes.

import { svg } from "./dom.js";

/**
 * A sparkline of one indicator across survey editions.
 *
 * points: [{x: 2020, y: 0.6585, label: "0.65850"}], sorted or not.
 * options: {label: "EGDI, Fiji", domain: [min, max] (shared by small multiples),
 *           highlight: a year to mark, width, height}
 */
export function sparkline(points, options = {}) {
  const data = [...points].filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  const width = options.width ?? 200;
  const height = options.height ?? 84;
  const pad = { left: 8, right: 8, top: 18, bottom: 18 };
  const xs = data.map((p) => p.x);
  const ys = data.map((p) => p.y);
  const [yMin, yMax] = options.domain ?? [Math.min(...ys), Math.max(...ys)];
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const spanX = xMax - xMin || 1;
  const spanY = yMax - yMin || Math.abs(yMax) || 1;
  const x = (v) =>
    data.length === 1 ? width / 2 : pad.left + ((v - xMin) / spanX) * (width - pad.left - pad.right);
  const y = (v) =>
    yMax === yMin
      ? height / 2
      : pad.top + (1 - (v - yMin) / spanY) * (height - pad.top - pad.bottom);

  const first = data[0];
  const last = data[data.length - 1];
  const summary = data.length
    ? `${options.label ?? "Trend"}: ${data.map((p) => `${p.x} ${p.label ?? p.y}`).join(", ")}`
    : `${options.label ?? "Trend"}: no values`;
  const chart = svg("svg", {
    class: "sparkline",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": summary,
    "data-points": data.length,
  });
  chart.append(svg("title", {}, summary));
  if (!data.length) return chart;

  const coords = data.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`);
  const baseline = height - pad.bottom;
  if (data.length > 1) {
    chart.append(
      svg("polygon", {
        class: "spark-area",
        points: `${x(first.x).toFixed(1)},${baseline} ${coords.join(" ")} ${x(last.x).toFixed(1)},${baseline}`,
      }),
      svg("polyline", { class: "spark-line", points: coords.join(" ") }),
    );
  }
  for (const p of data) {
    const marked = options.highlight === p.x || (options.highlight === undefined && p === last);
    chart.append(
      svg(
        "circle",
        {
          class: marked ? "spark-dot spark-dot-marked" : "spark-dot",
          cx: x(p.x).toFixed(1),
          cy: y(p.y).toFixed(1),
          r: marked ? 4 : 2.5,
        },
        svg("title", {}, `${p.x}: ${p.label ?? p.y}`),
      ),
    );
  }
  const labelAt = (p, anchor) => [
    svg(
      "text",
      { class: "spark-value", x: x(p.x), y: Math.max(11, y(p.y) - 7), "text-anchor": anchor },
      String(p.label ?? p.y),
    ),
    svg("text", { class: "spark-year", x: x(p.x), y: height - 4, "text-anchor": anchor }, String(p.x)),
  ];
  if (data.length === 1) {
    chart.append(...labelAt(first, "middle"));
  } else {
    chart.append(...labelAt(first, "start"), ...labelAt(last, "end"));
  }
  return chart;
}

/** [min, max] over several series, for small multiples that share a scale. */
export function sharedDomain(seriesList) {
  const values = seriesList.flat().map((p) => p.y).filter(Number.isFinite);
  if (!values.length) return [0, 1];
  return [Math.min(...values), Math.max(...values)];
}
