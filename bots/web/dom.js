// DOM helpers. Every piece of text enters the page as a text node (`textContent`), never as
// HTML: nothing in this app assigns innerHTML, so document text and model output cannot run.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("button", {class: "x", type: "button", onclick: fn, "aria-label": "Close"}, "text", node)
 * Attributes whose value is null, undefined or false are left out; `true` sets an empty one.
 * Strings among the children become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/** The same for SVG elements (charts, icons). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Stroke icons on a 24-unit grid, drawn here (no icon font, nothing fetched).
const ICONS = {
  plus: "M12 5v14M5 12h14",
  close: "M6 6l12 12M18 6L6 18",
  menu: "M4 6h16M4 12h16M4 18h16",
  send: "M12 19V5M5 12l7-7 7 7",
  stop: "M7 7h10v10H7z",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  check: "M5 12.5l4.5 4.5L19 7.5",
  pencil: "M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  thumbUp:
    "M7 11v9H4v-9h3zM7 11l4-7.5c1.4 0 2.6 1.1 2.4 2.6L13 10h5.6a2 2 0 0 1 2 2.4l-1.3 6A2 2 0 0 1 17.3 20H7",
  filter: "M4 5h16l-6 7.5V19l-4-2v-4.5L4 5z",
  external: "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
  left: "M15 6l-6 6 6 6",
  right: "M9 6l6 6-6 6",
  doc: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
  signOut: "M15 12H4M8 8l-4 4 4 4M12 4h8v16h-8",
  chat: "M4 5h16v11H9l-5 4V5z",
  brief: "M5 4h14v16H5zM8 8h8M8 12h8M8 16h5",
};

export function icon(name, { flip = false } = {}) {
  return svg(
    "svg",
    {
      class: "icon",
      viewBox: "0 0 24 24",
      width: 18,
      height: 18,
      "aria-hidden": "true",
      focusable: "false",
    },
    svg("path", { d: ICONS[name], transform: flip ? "rotate(180 12 12)" : null }),
  );
}

/** Visually hidden text that screen readers still read. */
export function srOnly(text) {
  return h("span", { class: "visually-hidden" }, text);
}

/**
 * Scroll `container` so that `element` sits at its top ("start"), bottom ("end") or middle
 * ("center"). Unlike element.scrollIntoView this never scrolls the page itself.
 */
export function scrollWithin(container, element, where = "start") {
  const box = container.getBoundingClientRect();
  const target = element.getBoundingClientRect();
  const margin = 12;
  let delta = target.top - box.top - margin;
  if (where === "end") delta = target.bottom - box.bottom + margin;
  if (where === "center") delta = target.top - box.top - (box.height - target.height) / 2;
  container.scrollTop += delta;
}
