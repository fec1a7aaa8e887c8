// A small, safe Markdown renderer: text in, DOM nodes out.
//
// It knows what answers use: paragraphs, **strong**, *emphasis*, `code`, fenced code, headings,
// lists, block quotes, pipe tables, links and citation markers ("[1]", "[1][2]", "[1, 3]").
// It never parses HTML: "<script>" in a document or an answer is text and shows as text. Every
// string reaches the page through document.createTextNode; links keep only http(s), mailto,
// same-site paths and fragments.

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;
const BULLET = /^(\s*)([-*+])\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})([.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const CITATION = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/;
const LINK = /^\[([^\[\]]*)\]\(\s*((?:[^\s()]|\([^\s()]*\))*)(?:\s+"[^"]*")?\s*\)/;
const BARE_URL = /^https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]/;
const ESCAPABLE = /[\\`*_{}\[\]()#+\-.!|>~<]/;

/** The URL if it is safe to link to, else null (javascript:, data:, //other-site ...). */
export function safeUrl(url) {
  const cleaned = String(url ?? "").replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  if (/^(https?:|mailto:)/i.test(cleaned)) return cleaned;
  if (/^(\/(?![\/\\])|#|\?)/.test(cleaned)) return cleaned;
  return null;
}

/**
 * Render `source` as a DocumentFragment. `options.citation(n)` returns the node for citation
 * marker n (a button); without it the markers stay text.
 */
export function renderMarkdown(source, options = {}) {
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const fragment = document.createDocumentFragment();
  fragment.append(...blocks(lines, options));
  return fragment;
}

function el(tag, ...children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function blocks(lines, options) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i += 1;
      continue;
    }
    let match;
    if ((match = FENCE.exec(line))) {
      const fence = match[1];
      const code = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(fence)) code.push(lines[i++]);
      i += 1; // the closing fence (or the end)
      const codeNode = el("code", document.createTextNode(code.join("\n")));
      if (match[2]) codeNode.dataset.language = match[2];
      out.push(el("pre", codeNode));
      continue;
    }
    if ((match = HEADING.exec(line))) {
      const level = Math.min(6, match[1].length + 2); // answers sit under the page's h1/h2
      out.push(el(`h${level}`, ...inline(match[2], options)));
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      out.push(document.createElement("hr"));
      i += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && lines[i].trim() && QUOTE.test(lines[i])) {
        quoted.push(lines[i++].replace(QUOTE, ""));
      }
      out.push(el("blockquote", ...blocks(quoted, options)));
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const [list, next] = parseList(lines, i, options);
      out.push(list);
      i = next;
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
      const [table, next] = parseTable(lines, i, options);
      out.push(table);
      i = next;
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !startsBlock(lines, i)) para.push(lines[i++]);
    if (!para.length) para.push(lines[i++]); // a line no block rule took
    out.push(el("p", ...inline(para.join("\n"), options)));
  }
  return out;
}

function startsBlock(lines, i) {
  const line = lines[i];
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    BULLET.test(line) ||
    /^\s*1[.)]\s+/.test(line) ||
    (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]))
  );
}

function parseList(lines, start, options) {
  const first = BULLET.exec(lines[start]) || ORDERED.exec(lines[start]);
  const ordered = !BULLET.test(lines[start]);
  const indent = first[1].length;
  const list = document.createElement(ordered ? "ol" : "ul");
  if (ordered && first[2] !== "1") list.start = Number(first[2]);
  const items = [];
  let i = start;
  let current = null;
  let blankBefore = false;
  while (i < lines.length) {
    const line = lines[i];
    const bullet = BULLET.exec(line);
    const number = ORDERED.exec(line);
    const marker = ordered ? number : bullet;
    if (marker && marker[1].length === indent) {
      current = [ordered ? marker[4] : marker[3]];
      items.push(current);
      blankBefore = false;
    } else if (!line.trim()) {
      blankBefore = true;
    } else if (line.length - line.trimStart().length > indent) {
      if (blankBefore) current.push("");
      current.push(line.slice(Math.min(indent + 2, line.length - line.trimStart().length)));
      blankBefore = false;
    } else if (!blankBefore && !startsBlock(lines, i)) {
      current.push(line.trim()); // a lazy continuation line
    } else {
      break;
    }
    i += 1;
  }
  for (const item of items) {
    const children = blocks(item, options);
    const li = document.createElement("li");
    // a tight item is one paragraph: show its text without the paragraph margin
    if (children.length && children[0].tagName === "P") {
      li.append(...children.shift().childNodes);
    }
    li.append(...children);
    list.append(li);
  }
  return [list, i];
}

function splitRow(line) {
  let text = line.trim();
  if (text.startsWith("|")) text = text.slice(1);
  if (text.endsWith("|") && !text.endsWith("\\|")) text = text.slice(0, -1);
  const cells = [];
  let cell = "";
  for (let k = 0; k < text.length; k += 1) {
    if (text[k] === "\\" && text[k + 1] === "|") {
      cell += "|";
      k += 1;
    } else if (text[k] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += text[k];
    }
  }
  cells.push(cell.trim());
  return cells;
}

function parseTable(lines, start, options) {
  const header = splitRow(lines[start]);
  const aligns = splitRow(lines[start + 1]).map((rule) =>
    rule.startsWith(":") && rule.endsWith(":") ? "center" : rule.endsWith(":") ? "right" : null,
  );
  const cell = (tag, text, k) => {
    const node = el(tag, ...inline(text, options));
    if (aligns[k]) node.classList.add(`align-${aligns[k]}`);
    if (tag === "th") node.scope = "col";
    return node;
  };
  const table = document.createElement("table");
  table.append(el("thead", el("tr", ...header.map((text, k) => cell("th", text, k)))));
  const body = document.createElement("tbody");
  let i = start + 2;
  while (i < lines.length && lines[i].trim() && lines[i].includes("|")) {
    const cells = splitRow(lines[i]);
    body.append(el("tr", ...header.map((_, k) => cell("td", cells[k] ?? "", k))));
    i += 1;
  }
  table.append(body);
  const wrapper = el("div", table);
  wrapper.className = "table-scroll";
  return [wrapper, i];
}

/** Inline Markdown of one block's text, as a list of nodes. */
export function inline(text, options = {}) {
  const nodes = [];
  let buffer = "";
  const flush = () => {
    if (buffer) nodes.push(document.createTextNode(buffer));
    buffer = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const rest = text.slice(i);
    let match;
    if (ch === "\\" && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "\n") {
      const hard = buffer.endsWith("  ") || buffer.endsWith("\\");
      buffer = buffer.replace(/[ \\]+$/, "");
      if (hard) {
        flush();
        nodes.push(document.createElement("br"));
      } else {
        buffer += " ";
      }
      i += 1;
      continue;
    }
    if (ch === "`") {
      const run = /^`+/.exec(rest)[0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        flush();
        nodes.push(el("code", document.createTextNode(text.slice(i + run.length, close).trim() || " ")));
        i = close + run.length;
        continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }
    if (ch === "[") {
      if ((match = CITATION.exec(rest)) && options.citation) {
        flush();
        const numbers = match[1].split(",").map((n) => Number(n.trim()));
        for (const n of numbers) nodes.push(options.citation(n));
        i += match[0].length;
        continue;
      }
      if ((match = LINK.exec(rest))) {
        const href = safeUrl(match[2]);
        flush();
        if (href) {
          const a = el("a", ...inline(match[1], { ...options, citation: null }));
          a.href = href;
          a.rel = "noopener noreferrer";
          if (!href.startsWith("#")) a.target = "_blank";
          nodes.push(a);
        } else {
          nodes.push(...inline(match[1], { ...options, citation: null }));
        }
        i += match[0].length;
        continue;
      }
    }
    if (ch === "<" && (match = /^<(https?:\/\/[^\s<>]+)>/.exec(rest))) {
      flush();
      nodes.push(link(match[1]));
      i += match[0].length;
      continue;
    }
    if ((ch === "h" || ch === "H") && !/[\w/]$/.test(buffer) && (match = BARE_URL.exec(rest))) {
      flush();
      nodes.push(link(match[0]));
      i += match[0].length;
      continue;
    }
    if (ch === "*" || ch === "_") {
      const emphasis = parseEmphasis(text, i, options);
      if (emphasis) {
        flush();
        nodes.push(emphasis.node);
        i = emphasis.end;
        continue;
      }
      const run = ch === "*" ? /^\*+/.exec(rest)[0] : /^_+/.exec(rest)[0];
      buffer += run;
      i += run.length;
      continue;
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return nodes;
}

function link(url) {
  const a = el("a", document.createTextNode(url));
  a.href = url;
  a.rel = "noopener noreferrer";
  a.target = "_blank";
  return a;
}

function isWordChar(ch) {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** `*a*`, `**a**`, `***a***` (and with `_`): the node and where it ends, or null. */
function parseEmphasis(text, start, options) {
  const ch = text[start];
  let size = 0;
  while (text[start + size] === ch) size += 1;
  if (size > 3) return null;
  const after = text[start + size];
  if (after === undefined || /\s/.test(after)) return null;
  if (ch === "_" && isWordChar(text[start - 1])) return null;
  let search = start + size + 1;
  while (search < text.length) {
    const close = text.indexOf(ch.repeat(size), search);
    if (close < 0) return null;
    let closeRun = 0;
    while (text[close + closeRun] === ch) closeRun += 1;
    const okBefore = !/\s/.test(text[close - 1]);
    const okAfter = ch === "*" || !isWordChar(text[close + closeRun]);
    if (closeRun === size && okBefore && okAfter) {
      const content = inline(text.slice(start + size, close), options);
      const node =
        size === 3
          ? el("strong", el("em", ...content))
          : el(size === 2 ? "strong" : "em", ...content);
      return { node, end: close + size };
    }
    search = close + closeRun;
  }
  return null;
}
