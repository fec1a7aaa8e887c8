// "Draft a brief": country, topic and audience in; the brief that POST /api/briefs drafts from the
// corpus shown with the safe Markdown renderer, and its Word and Markdown files to download.
// Downloads go through fetch (they need the token when one is set), then a blob URL.

import { h, icon } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { pageLabel } from "./sources.js";

const RECENT = 5;

export class BriefDialog {
  constructor(dialog, api, { announce }) {
    const $ = (selector) => dialog.querySelector(selector);
    this.dialog = dialog;
    this.api = api;
    this.announce = announce;
    this.brief = null;
    this.controller = null; // aborts the brief being drafted
    this.downloading = false;
    this.form = $("#brief-form");
    this.fields = { country: $("#brief-country"), topic: $("#brief-topic"), audience: $("#brief-audience") };
    this.error = $("#brief-error");
    this.progress = $("#brief-progress");
    this.submit = $("#brief-submit");
    this.recent = $("#brief-recent");
    this.result = $("#brief-result");
    this.title = $("#brief-result-title");
    this.body = $("#brief-body");
    this.problems = $("#brief-problems");
    this.status = $("#brief-download-status");

    $(".dialog-head [data-cancel]").append(icon("close"));
    $("#brief-docx").prepend(icon("doc"));
    $("#brief-md").prepend(icon("doc"));
    for (const cancel of dialog.querySelectorAll("[data-cancel]")) {
      cancel.addEventListener("click", () => dialog.close());
    }
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.draft();
    });
    $("#brief-docx").addEventListener("click", () => this.download("docx", "Word"));
    $("#brief-md").addEventListener("click", () => this.download("markdown", "Markdown"));
    $("#brief-again").addEventListener("click", () => this.showForm());
    dialog.addEventListener("close", () => {
      if (this.controller) this.controller.abort();
    });
  }

  /** Open the dialog: the last brief if there is one, else the form. */
  open() {
    if (!this.dialog.open) this.dialog.showModal();
    if (this.brief && !this.result.hidden) {
      this.title.focus();
    } else {
      this.showForm();
    }
  }

  showForm() {
    this.result.hidden = true;
    this.form.hidden = false;
    const empty = Object.values(this.fields).find((input) => input.required && !input.value.trim());
    (empty || this.fields.topic).focus();
    this.loadRecent();
  }

  async draft() {
    if (this.controller) return;
    const [country, topic, audience] = ["country", "topic", "audience"].map((k) => this.fields[k].value.trim());
    if (!country) return this.fail("Pick a country from the list, or type its name.", "country");
    if (!topic) return this.fail("Name the topic of the brief, e.g. e-procurement.", "topic");
    this.clearError();
    const body = { country, topic };
    if (audience) body.audience = audience;
    const controller = new AbortController();
    this.controller = controller;
    this.setBusy(true, `Drafting the brief on ${topic} in ${country}…`);
    try {
      const brief = await this.api.json("POST", "/api/briefs", body, { signal: controller.signal });
      this.show(brief);
    } catch (error) {
      if (error.name !== "AbortError") {
        const field = /country/i.test(error.message) ? "country" : /topic/i.test(error.message) ? "topic" : null;
        this.fail(sentence(error.message), field);
      }
    } finally {
      this.controller = null;
      this.setBusy(false);
    }
  }

  setBusy(busy, text = "") {
    this.form.setAttribute("aria-busy", String(busy));
    this.submit.setAttribute("aria-disabled", String(busy));
    this.submit.classList.toggle("busy", busy);
    for (const input of Object.values(this.fields)) input.readOnly = busy;
    this.progress.hidden = !busy;
    this.progress.replaceChildren(...(busy ? [h("span", { class: "spinner", "aria-hidden": "true" }), text] : []));
  }

  fail(message, field) {
    this.clearError();
    this.error.textContent = message;
    this.error.hidden = false;
    if (field) {
      this.fields[field].setAttribute("aria-invalid", "true");
      this.fields[field].focus();
    }
  }

  clearError() {
    this.error.hidden = true;
    for (const input of Object.values(this.fields)) input.removeAttribute("aria-invalid");
  }

  /** Show a brief (as POST /api/briefs or GET /api/briefs/{id} returns it). */
  show(brief) {
    this.brief = brief;
    const sources = new Map(((brief.brief && brief.brief.citations) || []).map((c) => [c.n, c]));
    this.title.textContent = brief.title;
    this.body.replaceChildren(renderMarkdown(brief.markdown, { citation: (n) => marker(n, sources.get(n)) }));
    this.body.scrollTop = 0;
    this.problems.hidden = !brief.problems;
    this.problems.textContent = brief.problems
      ? `${brief.problems} ${brief.problems === 1 ? "sentence" : "sentences"} could not be verified: look for [unsupported].`
      : "";
    this.status.textContent = "";
    this.status.classList.remove("error");
    this.form.hidden = true;
    this.result.hidden = false;
    this.title.focus();
    this.announce(`Brief drafted: ${brief.title}.`);
  }

  async download(kind, label) {
    if (!this.brief || this.downloading) return;
    this.downloading = true;
    this.status.classList.remove("error");
    this.status.textContent = `Preparing the ${label} file…`;
    try {
      const { url, filename } = await this.api.download(this.brief.downloads[kind]);
      const link = h("a", { href: url, download: filename, hidden: true });
      this.dialog.append(link); // inside the modal dialog: the rest of the page is inert
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.status.textContent = `Downloaded ${filename}.`;
    } catch (error) {
      this.status.classList.add("error");
      this.status.textContent = `The ${label} file could not be downloaded: ${error.message}`;
    } finally {
      this.downloading = false;
    }
  }

  /** The caller's latest briefs, to open again (hidden when there are none). */
  async loadRecent() {
    let items = [];
    try {
      ({ items } = await this.api.get(`/api/briefs?limit=${RECENT}`));
    } catch {
      items = [];
    }
    const list = this.recent.querySelector("ul");
    list.replaceChildren(
      ...items.map((item) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "button button-ghost small recent-brief", onclick: () => this.reopen(item.id) },
            icon("brief"),
            h("span", {}, item.title),
            h("span", { class: "muted" }, when(item.created)),
          ),
        ),
      ),
    );
    this.recent.hidden = !items.length;
  }

  async reopen(id) {
    this.clearError();
    try {
      this.show(await this.api.get(`/api/briefs/${encodeURIComponent(id)}`));
    } catch (error) {
      this.fail(sentence(error.message), null);
    }
  }
}

/** A citation marker of the brief: its number (section 7 lists the sources), the source as a tooltip. */
function marker(n, citation) {
  const where = citation ? [pageLabel(citation), citation.data_row ? `row ${citation.data_row}` : ""].filter(Boolean).join(", ") : "";
  const name = citation ? `${citation.title}${where ? `, ${where}` : ""}` : null;
  const bracket = (text) => h("span", { class: "visually-hidden" }, text); // read and copied as "[n]"
  return h("span", { class: "cite cite-static", "data-n": n, title: name }, bracket("["), String(n), bracket("]"));
}

function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return "The brief could not be drafted.";
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function when(timestamp) {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(date);
}
