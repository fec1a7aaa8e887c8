// The source panel: one cited passage shown on its page, highlighted, with the document's
// title, collection, printed page label and a link that opens the original file at that page.

import { h, icon, scrollWithin } from "./dom.js";

export const COLLECTIONS = {
  study: "Studies & reports",
  case: "Case studies",
  profile: "Country profiles",
  data: "Indicator data",
  un: "UN documents",
  other: "Other documents",
};

const DATA_CONTEXT_ROWS = 4; // rows shown either side of a cited data row

/** "p. 6/26" (the printed label) or "PDF page 8" when the page prints none (a physical number is
 * never shown as printed), or "" for unpaged documents. */
export function pageLabel(citation) {
  if (citation.page === null || citation.page === undefined) return "";
  return citation.page_label ? `p. ${citation.page_label}` : `PDF page ${citation.page}`;
}

export function fileLink(citation) {
  const path = `/api/documents/${encodeURIComponent(citation.document_id)}/file`;
  const isPdf = /\.pdf$/i.test(citation.source || "");
  return { href: isPdf && citation.page ? `${path}#page=${citation.page}` : path, isPdf };
}

export class SourcePanel {
  constructor(root, api) {
    this.root = root;
    this.api = api;
    this.trigger = null;
    this.request = 0;
    root.querySelector("[data-close]").addEventListener("click", () => this.close());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen && !document.querySelector("dialog[open]")) {
        this.close();
      }
    });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  /**
   * Show citation `citation` of answer `answerId`; `trigger` gets the focus back on close.
   * A citation without a number (`n: null`) is a page opened from a link: nothing is "current".
   */
  async open(citation, answerId, trigger, pageNumber = null) {
    this.trigger = trigger || this.trigger;
    this.citation = citation;
    this.answerId = answerId;
    const request = ++this.request;
    const page = pageNumber ?? citation.page ?? 1;
    const body = this.root.querySelector("[data-body]");
    this.root.hidden = false;
    document.body.classList.add("panel-open");
    const heading = this.root.querySelector("#panel-title");
    heading.textContent = citation.n ? `Source ${citation.n}` : "Source";
    body.replaceChildren(...this.header(citation, null), h("p", { class: "muted" }, "Loading the page…"));
    body.setAttribute("aria-busy", "true");
    if (pageNumber === null) heading.focus();
    let view = null;
    let error = null;
    try {
      const query = answerId ? `?answer_id=${encodeURIComponent(answerId)}` : "";
      view = await this.api.get(
        `/api/documents/${encodeURIComponent(citation.document_id)}/pages/${page}${query}`,
      );
    } catch (caught) {
      error = caught;
    }
    if (request !== this.request) return; // another citation was opened meanwhile
    body.removeAttribute("aria-busy");
    const parts = [...this.header(citation, view)];
    if (view && citation.data_row) {
      parts.push(this.dataRows(citation, view));
    } else if (view) {
      parts.push(this.pager(citation, view), this.pageText(citation, view, page));
    } else {
      parts.push(
        h("p", { class: "error", role: "alert" }, `The page could not be loaded: ${error.message}`),
        citation.text ? h("blockquote", { class: "cited-text" }, citation.text) : null,
      );
    }
    body.replaceChildren(...parts.filter(Boolean));
    const current = body.querySelector("mark.current") || body.querySelector("mark");
    if (current) scrollWithin(body, current, "center");
  }

  /** The panel with a message alone (a link to a document that cannot be shown). */
  message(text) {
    this.request += 1;
    this.trigger = null;
    this.root.hidden = false;
    document.body.classList.add("panel-open");
    const heading = this.root.querySelector("#panel-title");
    heading.textContent = "Source";
    this.root.querySelector("[data-body]").replaceChildren(h("p", { class: "error", role: "alert" }, text));
    heading.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    document.body.classList.remove("panel-open");
    this.request += 1;
    if (this.trigger && this.trigger.isConnected) this.trigger.focus();
  }

  /** The source's title and what it is: [title, details]. */
  header(citation, view) {
    const { href, isPdf } = fileLink(citation);
    const meta = [];
    meta.push(["Collection", COLLECTIONS[citation.collection] || citation.collection]);
    if (citation.page) {
      const printed = citation.page_label || (view && view.page === citation.page && view.page_label);
      const of = view ? ` of ${view.pages}` : "";
      meta.push(["Page", printed ? `${printed} (page ${citation.page}${of} in the file)` : `PDF page ${citation.page}${of} (no printed number)`]);
    }
    if (citation.data_row) meta.push(["Row", `${citation.data_row} of the data file`]);
    meta.push(["File", citation.source]);
    const link = h(
      "a",
      { class: "button button-secondary open-original", href, target: "_blank", rel: "noopener" },
      icon("external"),
      isPdf && citation.page ? `Open the PDF at page ${citation.page}` : "Open the original file",
    );
    link.addEventListener("click", (event) => this.openFile(event, href));
    const web = safeHttp(citation.url);
    // the title is a child of the scrolling body itself, so that it can stay in view (sticky)
    // while the page text scrolls under it
    return [
      h("p", { class: "source-title" }, citation.title),
      h(
      "div",
      { class: "source-meta" },
      h("dl", {}, meta.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
      h(
        "p",
        { class: "source-links" },
        link,
        web ? h("a", { class: "button button-secondary", href: web, target: "_blank", rel: "noopener noreferrer" }, icon("external"), "Publisher's page") : null,
      ),
      ),
    ];
  }

  /** With a token (or a view link) the file needs a header: fetch it and open a blob URL. */
  async openFile(event, href) {
    if (!this.api.token && !this.api.viewLink) return; // a plain link works
    event.preventDefault();
    const target = window.open("about:blank", "_blank");
    const [path, fragment] = href.split("#");
    try {
      const { url, filename, viewable } = await this.api.fileUrl(path);
      window.setTimeout(() => URL.revokeObjectURL(url), 5 * 60 * 1000);
      if (!viewable) {
        if (target) target.close();
        const link = h("a", { href: url, download: filename || "document" });
        document.body.append(link);
        link.click();
        link.remove();
        return;
      }
      const full = fragment ? `${url}#${fragment}` : url;
      if (target) target.location.href = full;
      else window.location.assign(full);
    } catch (error) {
      if (target) target.close();
      window.alert(`The file could not be opened: ${error.message}`);
    }
  }

  pager(citation, view) {
    if (view.pages <= 1) return null;
    const go = (n) => this.open(citation, this.answerId, null, n);
    return h(
      "nav",
      { class: "pager", "aria-label": "Pages of this document" },
      h(
        "button",
        { type: "button", class: "button-ghost", disabled: view.page <= 1, onclick: () => go(view.page - 1) },
        icon("left"),
        "Previous page",
      ),
      h("span", { class: "pager-where" }, view.page_label ? `Page ${view.page_label} · ${view.page} of ${view.pages}` : `PDF page ${view.page} of ${view.pages}`),
      h(
        "button",
        { type: "button", class: "button-ghost", disabled: view.page >= view.pages, onclick: () => go(view.page + 1) },
        "Next page",
        icon("right"),
      ),
    );
  }

  /** The page text, the cited passages marked; the clicked citation's passage is "current". */
  pageText(citation, view, page) {
    const text = view.text || "";
    let spans = (view.highlights || []).filter((s) => s.end > s.start);
    const onCitedPage = page === (citation.page ?? 1);
    if (onCitedPage && !spans.some((s) => s.n === citation.n) && citation.end > citation.start) {
      spans = [...spans, { start: citation.start, end: citation.end, n: citation.n }];
    }
    const bounds = new Set([0, text.length]);
    for (const s of spans) {
      bounds.add(Math.max(0, Math.min(text.length, s.start)));
      bounds.add(Math.max(0, Math.min(text.length, s.end)));
    }
    const points = [...bounds].sort((a, b) => a - b);
    const nodes = [];
    for (let k = 0; k + 1 < points.length; k += 1) {
      const [from, to] = [points[k], points[k + 1]];
      const piece = text.slice(from, to);
      const covering = spans.filter((s) => s.start <= from && s.end >= to).map((s) => s.n);
      if (!covering.length) {
        nodes.push(document.createTextNode(piece));
        continue;
      }
      const current = onCitedPage && covering.includes(citation.n);
      nodes.push(
        h(
          "mark",
          {
            class: current ? "current" : null,
            "data-citations": covering.join(" "),
            title: `Cited as [${covering.join("], [")}]`,
          },
          piece,
        ),
      );
    }
    const label = view.page_label ? `Text of page ${view.page_label}` : `Text of PDF page ${view.page}`;
    return h(
      "div",
      { class: "page-text", tabindex: "0", role: "region", "aria-label": label },
      nodes,
    );
  }

  /** An indicator figure: the cited row of the data file with a few rows around it. */
  dataRows(citation, view) {
    const lines = (view.text || "").split("\n");
    let index = lines.findIndex((line) => line.trim() === citation.text.trim());
    if (index < 0) {
      return h("div", { class: "page-text" }, h("mark", { class: "current" }, citation.text));
    }
    const from = Math.max(1, index - DATA_CONTEXT_ROWS);
    const to = Math.min(lines.length, index + DATA_CONTEXT_ROWS + 1);
    const nodes = [h("span", { class: "data-header" }, `${lines[0]}\n`)];
    if (from > 1) nodes.push(h("span", { class: "muted" }, "…\n"));
    for (let k = from; k < to; k += 1) {
      const text = `${lines[k]}\n`;
      nodes.push(k === index ? h("mark", { class: "current" }, text) : text);
    }
    if (to < lines.length) nodes.push(h("span", { class: "muted" }, "…"));
    return h(
      "div",
      { class: "page-text data-rows", tabindex: "0", role: "region", "aria-label": "Rows of the data file" },
      nodes,
    );
  }
}

function safeHttp(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}
