// The web chat: streamed answers with citations, the source panel, filters, indicator tables and
// trend charts, conversations, feedback, copy, sign-in, briefs and links into the source viewer.
// Plain DOM, no framework, no build.
// Nothing here assigns innerHTML: text from documents and answers only ever becomes text nodes.

import { Api } from "./api.js";
import { BriefDialog } from "./briefs.js";
import { sharedDomain, trendChart } from "./chart.js";
import { h, icon, scrollWithin } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { COLLECTIONS, SourcePanel, pageLabel } from "./sources.js";

const api = new Api();
const $ = (selector) => document.querySelector(selector);

// Shown until /api/suggestions answers with questions made from what is ingested (and each
// answered by them).
const SUGGESTIONS = [];
const HISTORY_PAGE = 30;
const MAX_CHARTS = 4;

const state = {
  conversationId: null,
  filters: { countries: [], collections: [], yearFrom: null, yearTo: null },
  countryNames: new Map(), // ISO3 -> name, from /api/countries
  controller: null, // aborts the answer being streamed
  history: [],
  historyTotal: 0,
};

let panel;
let briefs;

// --- start ------------------------------------------------------------------------------------
async function boot() {
  placeIcons();
  panel = new SourcePanel($("#source-panel"), api);
  briefs = new BriefDialog($("#brief-dialog"), api, { announce });
  api.onUnauthorized = (detail) => signIn(detail);
  setupComposer();
  setupFilters();
  setupSidebar();
  setupDialogs();
  renderSuggestions(SUGGESTIONS);
  renderChips();
  const viewLink = new URLSearchParams(window.location.search).get("view");
  if (viewLink && !api.token) api.viewLink = viewLink;
  await loadHealth();
  if (api.viewLink) {
    // Opened from Slack with a view link: the linked answer and its sources are all it may
    // read; what else the page loads needs a token, asked for only when the person asks.
    await openLink();
    $("#status").append(" · opened from Slack: sign in to ask your own questions");
  } else {
    await Promise.all([loadSuggestions(), loadCountries(), loadHistory(), checkBriefs(), openLink()]);
    await continueFromLink();
  }
  document.body.dataset.ready = "true";
}

function placeIcons() {
  $("#menu-toggle").append(icon("menu"));
  $("#source-panel [data-close]").append(icon("close"));
  $("#new-chat").prepend(icon("plus"));
  $("#filters-toggle").prepend(icon("filter"));
  $("#sign-out").prepend(icon("signOut"));
  $("#brief-button").prepend(icon("brief"));
  setSending(false);
}

function announce(text) {
  const announcer = $("#announcer");
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

// --- sign-in ----------------------------------------------------------------------------------
let pendingSignIn = null;

/** Ask for a token; resolves once the server accepts one (the token stays in this tab). */
function signIn() {
  if (pendingSignIn) return pendingSignIn;
  const dialog = $("#signin-dialog");
  const form = $("#signin-form");
  const input = $("#token-input");
  const error = $("#signin-error");
  error.hidden = true;
  if (api.token) {
    api.token = "";
    error.textContent = "Your token was not accepted any more. Sign in again.";
    error.hidden = false;
  }
  pendingSignIn = new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      let accepted = false;
      try {
        accepted = await api.accepts(token);
      } catch {
        error.textContent = "The server cannot be reached. Try again in a moment.";
        error.hidden = false;
        return;
      }
      if (!accepted) {
        error.textContent = "This token was not accepted. Check it and try again.";
        error.hidden = false;
        input.select();
        return;
      }
      api.token = token;
      input.value = "";
      form.onsubmit = null;
      dialog.close();
      pendingSignIn = null;
      $("#sign-out").hidden = false;
      resolve();
    };
  });
  if (!dialog.open) dialog.showModal();
  input.focus();
  return pendingSignIn;
}

// --- server facts -----------------------------------------------------------------------------
async function loadHealth() {
  const status = $("#status");
  try {
    const health = await api.get("/api/health");
    const store = health.store;
    const parts = [`${number(store.documents)} documents`];
    if (store.indicator_values) parts.push(`${number(store.indicator_values)} indicator figures`);
    parts.push(health.models.llm ? `answers by ${health.models.llm}` : "answers quoted from the documents");
    status.textContent = parts.join(" · ");
    $("#sign-out").hidden = !health.auth;
  } catch (error) {
    status.textContent = `The assistant is not fully available: ${error.message}`;
    status.classList.add("error");
  }
}

async function loadCountries() {
  try {
    const { items } = await api.get("/api/countries");
    const list = $("#country-list");
    for (const country of items) {
      state.countryNames.set(country.iso3, country.name);
      list.append(h("option", { value: country.name }, country.iso3));
    }
    renderChips();
  } catch {
    // filters still take ISO3 codes typed by hand
  }
}

async function checkBriefs() {
  // "Draft a brief" appears when the server drafts briefs (GET /api/briefs answers).
  if (await api.exists("/api/briefs")) $("#brief-button").hidden = false;
}

function number(value) {
  return new Intl.NumberFormat("en").format(value ?? 0);
}

// --- filters ----------------------------------------------------------------------------------
function setupFilters() {
  const toggle = $("#filters-toggle");
  const filtersPanel = $("#filters-panel");
  toggle.addEventListener("click", () => {
    const open = filtersPanel.hidden;
    filtersPanel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) $("#country-input").focus();
  });
  const options = $("#collection-options");
  for (const [code, label] of Object.entries(COLLECTIONS)) {
    const input = h("input", { type: "checkbox", name: "collection", value: code });
    input.addEventListener("change", () => {
      state.filters.collections = [...options.querySelectorAll("input:checked")].map((i) => i.value);
      renderChips();
    });
    options.append(h("label", { class: "chip-option" }, input, h("span", {}, label)));
  }
  $("#country-form").addEventListener("submit", (event) => {
    event.preventDefault();
    addCountry($("#country-input").value);
  });
  $("#country-input").addEventListener("change", (event) => {
    // picking a name from the list adds it at once
    if (resolveCountry(event.target.value)) addCountry(event.target.value);
  });
  for (const id of ["#year-from", "#year-to"]) {
    $(id).addEventListener("change", readYears);
  }
  $("#filters-clear").addEventListener("click", () => {
    state.filters = { countries: [], collections: [], yearFrom: null, yearTo: null };
    options.querySelectorAll("input").forEach((input) => {
      input.checked = false;
    });
    $("#year-from").value = "";
    $("#year-to").value = "";
    renderChips();
    announce("Filters cleared");
  });
}

function closeFiltersPanel() {
  $("#filters-panel").hidden = true;
  $("#filters-toggle").setAttribute("aria-expanded", "false");
}

function resolveCountry(text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return null;
  for (const [iso3, name] of state.countryNames) {
    if (iso3.toLowerCase() === wanted || name.toLowerCase() === wanted) return iso3;
  }
  return null;
}

function addCountry(text) {
  const error = $("#filter-error");
  const iso3 = resolveCountry(text);
  if (!iso3) {
    error.textContent = text.trim()
      ? `No documents or data for “${text.trim()}”: pick a country from the list.`
      : "Type a country name, then Add.";
    error.hidden = false;
    return;
  }
  error.hidden = true;
  if (!state.filters.countries.includes(iso3)) state.filters.countries.push(iso3);
  $("#country-input").value = "";
  renderChips();
  announce(`Filter added: ${countryName(iso3)}`);
}

function readYears() {
  const error = $("#filter-error");
  const read = (id) => {
    const value = $(id).value.trim();
    return value ? Number(value) : null;
  };
  const from = read("#year-from");
  const to = read("#year-to");
  const bad = [from, to].some((y) => y !== null && !(Number.isInteger(y) && y >= 1900 && y <= 2100));
  if (bad || (from && to && from > to)) {
    error.textContent = "Years run from 1900 to 2100, and “from” comes before “to”.";
    error.hidden = false;
    return;
  }
  error.hidden = true;
  state.filters.yearFrom = from;
  state.filters.yearTo = to;
  renderChips();
}

function countryName(iso3) {
  return state.countryNames.get(iso3) || iso3;
}

function yearsLabel(from, to) {
  if (from && to) return from === to ? `${from}` : `${from}–${to}`;
  if (from) return `from ${from}`;
  if (to) return `until ${to}`;
  return "";
}

/** The filters as the API takes them, or null when none are set. */
function filtersPayload() {
  const f = state.filters;
  const payload = {};
  if (f.countries.length) payload.countries = [...f.countries];
  if (f.collections.length) payload.collections = [...f.collections];
  if (f.yearFrom) payload.year_from = f.yearFrom;
  if (f.yearTo) payload.year_to = f.yearTo;
  return Object.keys(payload).length ? payload : null;
}

/** Labels of a filter object in the API's shape (as sent, or as the server applied it). */
function filterLabels(filters) {
  if (!filters) return [];
  const labels = [];
  for (const code of filters.countries || []) labels.push({ kind: "country", value: code, label: countryName(code) });
  for (const code of filters.collections || []) labels.push({ kind: "collection", value: code, label: COLLECTIONS[code] || code });
  const years = yearsLabel(filters.year_from, filters.year_to);
  if (years) labels.push({ kind: "years", label: years });
  for (const doc of filters.documents || []) labels.push({ kind: "document", value: doc, label: `document ${doc}` });
  return labels;
}

function renderChips() {
  const labels = filterLabels(filtersPayload());
  const chips = labels.map((item) =>
    h(
      "li",
      { class: "chip", "data-kind": item.kind },
      h("span", {}, item.label),
      h(
        "button",
        {
          type: "button",
          class: "chip-remove",
          "aria-label": `Remove the filter ${item.label}`,
          onclick: () => removeFilter(item),
        },
        icon("close"),
      ),
    ),
  );
  $("#filter-chips").replaceChildren(...chips);
  $("#filters-clear").hidden = !labels.length;
  const toggle = $("#filters-toggle");
  toggle.lastChild.textContent = labels.length ? `Filters (${labels.length})` : "Filters";
}

function removeFilter(item) {
  const f = state.filters;
  if (item.kind === "country") f.countries = f.countries.filter((c) => c !== item.value);
  if (item.kind === "collection") {
    f.collections = f.collections.filter((c) => c !== item.value);
    const box = $(`#collection-options input[value="${item.value}"]`);
    if (box) box.checked = false;
  }
  if (item.kind === "years") {
    f.yearFrom = f.yearTo = null;
    $("#year-from").value = "";
    $("#year-to").value = "";
  }
  renderChips();
  announce(`Filter removed: ${item.label}`);
  $("#question").focus();
}

// --- asking -----------------------------------------------------------------------------------
function setupComposer() {
  const input = $("#question");
  const form = $("#composer");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!state.controller) form.requestSubmit();
    }
  });
  input.addEventListener("input", () => grow(input));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.controller) {
      if (event.submitter === $("#send")) state.controller.abort();
      return;
    }
    const question = input.value.trim();
    if (!question) {
      input.focus();
      return;
    }
    input.value = "";
    grow(input);
    ask(question);
  });
}

function grow(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${Math.min(textarea.scrollHeight, 200)}px`;
}

function setSending(sending) {
  const send = $("#send");
  send.replaceChildren(icon(sending ? "stop" : "send"));
  send.setAttribute("aria-label", sending ? "Stop the answer" : "Send question");
  send.classList.toggle("stop", sending);
}

function renderSuggestions(questions, hint) {
  const list = $(".suggestions");
  list.replaceChildren(
    ...questions.map((text) =>
      h("li", {}, h("button", { type: "button", class: "suggestion", onclick: () => ask(text) }, text)),
    ),
  );
  const note = $("#suggestions-hint");
  note.hidden = !hint;
  note.textContent = hint || "";
}

async function loadSuggestions() {
  try {
    const { questions, hint } = await api.get("/api/suggestions");
    renderSuggestions(questions, hint);
  } catch {
    // keep the generic suggestion
  }
}

function showEmptyState(show) {
  $("#empty-state").hidden = !show;
}

async function ask(question) {
  if (state.controller) return;
  showEmptyState(false);
  closeFiltersPanel();
  const turn = new Turn(question);
  $("#messages").append(turn.root);
  scrollWithin($("#conversation"), turn.root);
  const body = { question };
  const filters = filtersPayload();
  if (filters) body.filters = filters;
  if (state.conversationId) body.conversation_id = state.conversationId;
  const controller = new AbortController();
  state.controller = controller;
  setSending(true);
  let text = "";
  try {
    for await (const { event, data } of api.stream("/api/ask/stream", body, { signal: controller.signal })) {
      if (event === "understood") {
        turn.understood(data);
      } else if (event === "delta") {
        text += data.text || "";
        turn.stream(text);
      } else if (event === "citations") {
        turn.citations = data.citations || [];
      } else if (event === "done") {
        turn.finish(data.answer);
        scrollWithin($("#conversation"), turn.root);
        if (data.answer.conversation_id) state.conversationId = data.answer.conversation_id;
        break; // the answer is complete: the composer takes the next question at once
      } else if (event === "error") {
        turn.fail(data.detail || "the answer failed", () => retry(turn, question));
        break;
      }
    }
    if (!turn.answer && !turn.failed) turn.fail("the answer stopped before it was complete", () => retry(turn, question));
  } catch (error) {
    if (error.name === "AbortError") {
      turn.stop(text);
    } else {
      if (error.status === 404 && body.conversation_id) state.conversationId = null;
      turn.fail(error.message, () => retry(turn, question));
    }
  } finally {
    state.controller = null;
    setSending(false);
  }
  loadHistory().catch(() => {});
}

function retry(turn, question) {
  turn.root.remove();
  ask(question);
}

/** One question and its answer in the conversation. */
class Turn {
  constructor(question) {
    this.citations = [];
    this.answer = null;
    this.failed = false;
    this.text = "";
    this.pendingFrame = 0;
    this.body = h("div", { class: "answer-body markdown" }, h("p", { class: "thinking" }, "Searching the documents", h("span", { class: "dots", "aria-hidden": "true" })));
    this.extras = h("div", { class: "answer-extras" });
    this.article = h(
      "article",
      { class: "msg msg-assistant", "aria-busy": "true", "aria-label": "Answer" },
      this.body,
      this.extras,
    );
    this.root = h(
      "li",
      { class: "turn" },
      h(
        "div",
        { class: "msg msg-user" },
        h("p", { class: "visually-hidden" }, "You asked:"),
        h("p", { class: "bubble" }, question),
      ),
      this.article,
    );
    this.question = question;
  }

  /** While the answer is made: what the question was read as (the stream's first event). */
  understood(data) {
    if (this.text || this.answer || this.failed) return;
    const doing = data.route === "indicator" ? "Looking it up in the indicator data" : "Searching the documents";
    const thinking = h("p", { class: "thinking" }, doing, h("span", { class: "dots", "aria-hidden": "true" }));
    const read = data.understood || (data.question && data.question !== this.question ? data.question : "");
    const parts = [thinking];
    if (read) parts.push(h("p", { class: "understood-early" }, `Understood as: ${read}`));
    this.body.replaceChildren(...parts);
  }

  /** Show the text received so far (once per animation frame). */
  stream(text) {
    this.text = text;
    if (this.pendingFrame) return;
    this.pendingFrame = requestAnimationFrame(() => {
      this.pendingFrame = 0;
      if (this.answer || this.failed) return;
      this.renderBody(this.text, true);
      keepInView(this.article);
    });
  }

  renderBody(text, streaming) {
    const fragment = renderMarkdown(text, { citation: (n) => this.citationButton(n) });
    if (streaming) {
      let last = fragment.lastChild;
      if (!last || last.nodeType !== Node.ELEMENT_NODE) fragment.append((last = h("p")));
      last.append(h("span", { class: "caret", "aria-hidden": "true" }));
    }
    this.body.replaceChildren(fragment);
    this.body.dataset.renders = String(Number(this.body.dataset.renders || 0) + 1);
  }

  citationButton(n) {
    const citation = this.citations.find((c) => c.n === n);
    const where = citation ? pageLabel(citation) : "";
    const button = h(
      "button",
      {
        type: "button",
        class: "cite",
        "data-n": n,
        disabled: !citation,
        title: citation ? `${citation.title}${where ? `, ${where}` : ""}` : null,
        "aria-label": citation ? `Source ${n}: ${citation.title}${where ? `, ${where}` : ""}` : `Source ${n}`,
      },
      String(n),
    );
    button.addEventListener("click", () => this.openCitation(n, button));
    return button;
  }

  openCitation(n, trigger) {
    const citation = this.citations.find((c) => c.n === n);
    if (!citation) return;
    document.querySelectorAll(".cite.active, .source-item.active").forEach((el) => el.classList.remove("active"));
    trigger.classList.add("active");
    panel.open(citation, this.answer ? this.answer.id : null, trigger);
  }

  finish(answer) {
    cancelAnimationFrame(this.pendingFrame);
    this.answer = answer;
    this.citations = answer.citations || [];
    this.renderBody(answer.answer, false);
    this.article.setAttribute("aria-busy", "false");
    this.article.dataset.answerId = answer.id;
    this.article.dataset.kind = answer.kind || "document";
    this.article.classList.toggle("not-grounded", answer.grounded === false);
    this.extras.replaceChildren(...this.details(answer));
    announce(answer.grounded === false ? "Answer ready: the documents do not answer this." : "Answer ready.");
  }

  fail(message, onRetry) {
    cancelAnimationFrame(this.pendingFrame);
    this.failed = true;
    this.article.setAttribute("aria-busy", "false");
    this.article.classList.add("failed");
    this.body.replaceChildren(
      h("p", { class: "error", role: "alert" }, `Sorry, no answer: ${message}`),
    );
    this.extras.replaceChildren(
      h("button", { type: "button", class: "button button-secondary small", onclick: onRetry }, "Try again"),
    );
  }

  stop(text) {
    cancelAnimationFrame(this.pendingFrame);
    this.failed = true;
    this.article.setAttribute("aria-busy", "false");
    this.renderBody(text, false);
    this.extras.replaceChildren(h("p", { class: "muted small" }, "Stopped."));
  }

  details(answer) {
    const parts = [];
    // The words around the answer in the question's language (answer.labels), English otherwise.
    const say = (key, english) => (answer.labels && answer.labels[key]) || english;
    if (answer.language && answer.language !== "en") {
      this.article.setAttribute("lang", answer.language);
      this.article.setAttribute("dir", "auto");
    }
    if (answer.grounded === false) {
      parts.unshift(h("p", { class: "badge badge-warning" }, "Not answered by the documents"));
    }
    if (answer.rewritten_question) {
      parts.push(h("p", { class: "understood small" }, "Understood as: ", h("q", {}, answer.rewritten_question)));
    }
    if (answer.understood) {
      parts.push(h("p", { class: "read-as small" }, `${say("read_as", "Read as")}: ${answer.understood}`));
    }
    if (Array.isArray(answer.table) && answer.table.length) {
      parts.push(dataTable(answer.table, say));
      const charts = h("div", { class: "charts" });
      parts.push(charts);
      drawCharts(answer.table, charts);
    }
    if (this.citations.length) parts.push(this.sources(say("sources", "Sources")));
    if (answer.filters) {
      const labels = filterLabels(answer.filters);
      parts.push(
        h(
          "p",
          { class: "applied-filters small" },
          labels.length ? "Filters applied: " : "Searched all documents (no filters).",
          labels.length
            ? h("span", { class: "chips chips-static" }, labels.map((l) => h("span", { class: "chip chip-static", "data-kind": l.kind }, l.label)))
            : null,
        ),
      );
    }
    for (const note of answer.notes || []) parts.push(h("p", { class: "muted small" }, note));
    parts.push(this.actions());
    return parts;
  }

  sources(title = "Sources") {
    return h(
      "section",
      { class: "sources", "aria-label": "Sources of this answer" },
      h("h3", { class: "sources-title" }, title),
      h(
        "ol",
        { class: "source-list" },
        this.citations.map((c) => {
          const button = h(
            "button",
            { type: "button", class: "source-item", "data-n": c.n },
            h("span", { class: "source-n", "aria-hidden": "true" }, String(c.n)),
            h("span", { class: "visually-hidden" }, `Source ${c.n}: `),
            h("span", { class: "source-name" }, c.title),
            h(
              "span",
              { class: "source-where" },
              [pageLabel(c), c.data_row ? `row ${c.data_row}` : "", COLLECTIONS[c.collection] || c.collection]
                .filter(Boolean)
                .join(" · "),
            ),
          );
          button.addEventListener("click", () => this.openCitation(c.n, button));
          return h("li", {}, button);
        }),
      ),
    );
  }

  actions() {
    const status = h("p", { class: "action-status small", role: "status" });
    const copy = h("button", { type: "button", class: "button button-ghost small", "data-action": "copy" }, icon("copy"), "Copy");
    copy.addEventListener("click", async () => {
      const ok = await copyText(answerAsText(this.answer));
      status.textContent = ok ? "Answer and sources copied." : "Copying is blocked by the browser.";
    });
    const up = h("button", { type: "button", class: "icon-button thumb", "aria-label": "Helpful", "aria-pressed": "false", "data-rating": "1" }, icon("thumbUp"));
    const down = h("button", { type: "button", class: "icon-button thumb", "aria-label": "Not helpful", "aria-pressed": "false", "data-rating": "-1" }, icon("thumbUp", { flip: true }));
    const comment = h("textarea", { id: `comment-${this.answer.id}`, rows: 2, maxlength: 4000 });
    const label = h("label", { for: comment.id });
    const form = h(
      "form",
      { class: "feedback-form", hidden: true },
      label,
      comment,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "button", class: "button button-ghost small", "data-cancel": true }, "Cancel"),
        h("button", { type: "submit", class: "button button-primary small" }, "Send feedback"),
      ),
    );
    let rating = 0;
    const choose = (value) => {
      rating = value;
      up.setAttribute("aria-pressed", String(value === 1));
      down.setAttribute("aria-pressed", String(value === -1));
      label.textContent = value === 1 ? "What was useful? (optional)" : "What was wrong or missing? (optional)";
      form.hidden = false;
      comment.focus();
    };
    up.addEventListener("click", () => choose(1));
    down.addEventListener("click", () => choose(-1));
    form.querySelector("[data-cancel]").addEventListener("click", () => {
      form.hidden = true;
      up.setAttribute("aria-pressed", "false");
      down.setAttribute("aria-pressed", "false");
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = form.querySelector("[type=submit]");
      submit.disabled = true;
      try {
        await api.json("POST", "/api/feedback", {
          answer_id: this.answer.id,
          rating,
          comment: comment.value.trim(),
        });
        form.hidden = true;
        status.textContent = "Thank you: your feedback was saved.";
      } catch (error) {
        status.textContent = `Feedback not saved: ${error.message}`;
      } finally {
        submit.disabled = false;
      }
    });
    return h(
      "div",
      { class: "answer-actions" },
      h("div", { class: "action-row" }, copy, h("span", { class: "action-label small" }, "Was this useful?"), up, down),
      form,
      status,
    );
  }
}

function keepInView(element) {
  const box = $("#conversation");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 160;
  if (nearBottom) scrollWithin(box, element, "end");
}

// --- indicator tables and charts ----------------------------------------------------------------
function dataTable(rows, say = (key, english) => english) {
  const indicators = new Set(rows.map((r) => r.indicator));
  const columns = [
    [say("country", "Country"), (r) => r.country],
    [say("year", "Year"), (r) => r.year, "num"],
    indicators.size > 1 ? [say("indicator", "Indicator"), (r) => r.indicator] : null,
    [say("value", "Value"), (r) => r.value, "num"],
    rows.some((r) => r.rank !== null && r.rank !== undefined) ? [say("rank", "Rank"), (r) => r.rank ?? "", "num"] : null,
    rows.some((r) => r.group) ? [say("group", "Group"), (r) => r.group ?? ""] : null,
    [say("source", "Source"), (r) => `${String(r.source || "").split("/").pop()}, row ${r.row}`, "source"],
  ].filter(Boolean);
  const caption = indicators.size === 1 ? [...indicators][0] : "Indicator values";
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "data-table" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map(([name, , kind]) => h("th", { scope: "col", class: kind }, name)))),
      h(
        "tbody",
        {},
        rows.map((row) => h("tr", {}, columns.map(([, value, kind]) => h("td", { class: kind }, String(value(row) ?? ""))))),
      ),
    ),
  );
}

/** Trend charts: the answer's own series, or each figure's series across survey editions. */
async function drawCharts(rows, container) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.iso3}|${row.indicator}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  let series = [];
  const point = (year, value, label) => ({ x: year, y: Number(value), label });
  const isSeries = [...groups.values()].some((g) => new Set(g.map((r) => r.year)).size > 1);
  if (isSeries) {
    series = [...groups.values()]
      .filter((g) => g.length > 1)
      .map((g) => ({ row: g[0], points: g.map((r) => point(r.year, r.value, r.value)) }));
  } else if (groups.size <= MAX_CHARTS) {
    const fetched = await Promise.all(
      [...groups.values()].map(async ([row]) => {
        const query = new URLSearchParams({ country: row.iso3, indicator: row.indicator, limit: "200" });
        try {
          const { items } = await api.get(`/api/indicators?${query}`);
          return { row, highlight: row.year, points: items.map((v) => point(v.year, v.value, v.value_text)) };
        } catch {
          return null;
        }
      }),
    );
    series = fetched.filter((s) => s && s.points.length > 1);
  }
  series = series.slice(0, MAX_CHARTS);
  if (!series.length) return;
  const domain = sharedDomain(series.map((s) => s.points));
  const indicator = series[0].row.indicator;
  container.append(
    h("p", { class: "charts-title small" }, `${indicator} across survey editions`),
    h(
      "div",
      { class: "chart-grid" },
      series.map((s) =>
        h(
          "figure",
          { class: "chart" },
          trendChart(s.points, { label: `${s.row.indicator}, ${s.row.country}`, domain, highlight: s.highlight }),
          h("figcaption", {}, s.row.country),
        ),
      ),
    ),
  );
}

// --- copy ---------------------------------------------------------------------------------------
function answerAsText(answer) {
  const lines = [answer.answer.trim()];
  if (answer.citations && answer.citations.length) {
    lines.push("", "Sources:");
    for (const c of answer.citations) {
      const where = [pageLabel(c), c.data_row ? `row ${c.data_row}` : ""].filter(Boolean).join(", ");
      const collection = COLLECTIONS[c.collection] || c.collection;
      lines.push(`[${c.n}] ${c.title}${where ? `, ${where}` : ""} (${collection}) — ${c.url || c.source}`);
    }
  }
  return lines.join("\n");
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

// --- links into the source viewer (Slack's citation links) ----------------------------------------
/**
 * `/?doc=<document id>&page=<n>&answer=<answer id>` opens the source panel on that page of the
 * document. With an answer id the answer is shown too, and the passage it cites is highlighted.
 */
async function openLink() {
  const params = new URLSearchParams(window.location.search);
  const doc = params.get("doc");
  if (!doc) return;
  const number = Number(params.get("page"));
  const page = Number.isInteger(number) && number >= 1 ? number : null;
  const answerId = params.get("answer");
  let record = null;
  if (answerId) {
    try {
      record = await api.get(`/api/answers/${encodeURIComponent(answerId)}/shared`);
    } catch (error) {
      announce(`The linked answer could not be opened: ${error.message}`);
    }
  }
  if (record) {
    const turn = showLinkedAnswer(record);
    const cited = record.citations.filter((c) => c.document_id === doc);
    const citation = cited.find((c) => page === null || (c.page ?? 1) === page);
    if (citation) {
      turn.openCitation(citation.n, turn.root.querySelector(`.source-item[data-n="${citation.n}"]`));
      return;
    }
  }
  await openDocument(doc, page, record ? record.id : null);
}

/**
 * `/?continue=<view link>` (Slack's "Continue in the web chat"): the conversation of the answer
 * the link shows, copied into one of this visitor's own (a token is asked for where tokens are
 * set), then opened as if picked from the history. The parameter is dropped from the address,
 * so that reloading the page does not copy it again.
 */
async function continueFromLink() {
  const params = new URLSearchParams(window.location.search);
  const link = params.get("continue");
  if (!link) return;
  params.delete("continue");
  const rest = params.toString();
  window.history.replaceState(null, "", `${window.location.pathname}${rest ? `?${rest}` : ""}`);
  let conversation;
  try {
    conversation = await api.json(
      "POST",
      "/api/conversations/continue",
      { answer_id: link.split(".")[0] },
      { headers: { "X-View-Link": link } },
    );
  } catch (error) {
    announce(`The conversation could not be continued here: ${error.message}`);
    $("#status").append(` · The conversation from Slack could not be opened: ${error.message}`);
    return;
  }
  await loadHistory();
  await openConversation(conversation.id);
}

function showLinkedAnswer(record) {
  showEmptyState(false);
  const turn = new Turn(record.question);
  turn.finish({
    id: record.id,
    answer: record.answer,
    grounded: record.grounded,
    citations: record.citations,
    rewritten_question: record.rewritten_question,
    kind: record.kind,
    filters: record.filters,
    table: null,
  });
  turn.root.classList.add("linked");
  turn.root.prepend(h("p", { class: "linked-note small" }, icon("chat"), "Opened from a link: this answer and its source."));
  $("#messages").append(turn.root);
  return turn;
}

/** The source panel on page `page` of document `doc` (no citation: nothing marked as current). */
async function openDocument(doc, page, answerId) {
  let meta;
  try {
    meta = await api.get(`/api/documents/${encodeURIComponent(doc)}`);
  } catch (error) {
    panel.message(`The linked document cannot be shown: ${error.message}`);
    return;
  }
  const isPdf = /\.pdf$/i.test(meta.source);
  await panel.open(
    {
      n: null,
      document_id: doc,
      title: meta.title,
      collection: meta.collection,
      source: meta.source,
      url: meta.url,
      page: page ?? (isPdf ? 1 : null),
      page_label: null,
      text: "",
      start: 0,
      end: 0,
    },
    answerId,
    null,
  );
}

// --- conversations ------------------------------------------------------------------------------
function setupSidebar() {
  $("#new-chat").addEventListener("click", () => newChat());
  $("#load-more").addEventListener("click", () => loadHistory({ more: true }));
  const toggle = $("#menu-toggle");
  toggle.addEventListener("click", () => setDrawer(!document.body.classList.contains("drawer-open")));
  $("#backdrop").addEventListener("click", () => setDrawer(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("drawer-open")) setDrawer(false);
  });
  $("#sign-out").addEventListener("click", () => {
    api.token = "";
    window.location.reload();
  });
  $("#brief-button").addEventListener("click", () => briefs.open());
}

function setDrawer(open) {
  document.body.classList.toggle("drawer-open", open);
  $("#menu-toggle").setAttribute("aria-expanded", String(open));
  $("#backdrop").hidden = !open;
  if (open) $("#new-chat").focus();
}

async function loadHistory({ more = false } = {}) {
  const offset = more ? state.history.length : 0;
  try {
    const data = await api.get(`/api/conversations?limit=${HISTORY_PAGE}&offset=${offset}`);
    state.history = more ? [...state.history, ...data.items] : data.items;
    state.historyTotal = data.total;
  } catch (error) {
    $("#history-empty").textContent = `History unavailable: ${error.message}`;
    $("#history-empty").hidden = false;
    return;
  }
  renderHistory();
}

function renderHistory() {
  const items = state.history.map((c) =>
    h(
      "li",
      { class: "conversation-item", "data-id": c.id },
      h(
        "button",
        {
          type: "button",
          class: "conversation-open",
          "aria-current": c.id === state.conversationId ? "true" : null,
          onclick: () => openConversation(c.id),
        },
        h("span", { class: "conversation-title" }, c.title),
        h("span", { class: "conversation-meta" }, `${when(c.updated)} · ${c.turn_count} ${c.turn_count === 1 ? "question" : "questions"}`),
      ),
      h(
        "button",
        { type: "button", class: "icon-button small", "data-action": "rename", "aria-label": `Rename “${c.title}”`, onclick: () => renameConversation(c) },
        icon("pencil"),
      ),
      h(
        "button",
        { type: "button", class: "icon-button small", "data-action": "delete", "aria-label": `Delete “${c.title}”`, onclick: () => deleteConversation(c) },
        icon("trash"),
      ),
    ),
  );
  $("#conversation-list").replaceChildren(...items);
  $("#history-empty").textContent = "No conversations yet.";
  $("#history-empty").hidden = items.length > 0;
  $("#load-more").hidden = state.history.length >= state.historyTotal;
}

function when(timestamp) {
  const seconds = (Date.parse(timestamp) - Date.now()) / 1000;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const units = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

function newChat() {
  if (state.controller) state.controller.abort();
  state.conversationId = null;
  $("#messages").replaceChildren();
  showEmptyState(true);
  panel.close();
  renderHistory();
  setDrawer(false);
  $("#question").focus();
}

async function openConversation(id) {
  if (state.controller) state.controller.abort();
  let conversation;
  try {
    conversation = await api.get(`/api/conversations/${encodeURIComponent(id)}`);
  } catch (error) {
    announce(`The conversation could not be opened: ${error.message}`);
    loadHistory();
    return;
  }
  state.conversationId = conversation.id;
  panel.close();
  showEmptyState(false);
  const turns = conversation.turns.map((t) => {
    const turn = new Turn(t.question);
    turn.finish({
      id: t.answer_id,
      answer: t.answer,
      grounded: t.grounded,
      citations: t.citations,
      rewritten_question: t.rewritten_question,
      kind: t.kind,
      filters: null,
      table: null,
    });
    return turn.root;
  });
  $("#messages").replaceChildren(...turns);
  renderHistory();
  setDrawer(false);
  const last = turns[turns.length - 1];
  if (last) scrollWithin($("#conversation"), last);
  announce(`Opened “${conversation.title}”: ${conversation.turns.length} questions.`);
  $("#question").focus();
}

function setupDialogs() {
  $("#signin-dialog").addEventListener("cancel", (event) => event.preventDefault()); // must sign in
  for (const dialog of document.querySelectorAll("dialog:not(#brief-dialog)")) {
    const cancel = dialog.querySelector("[data-cancel]");
    if (cancel) cancel.addEventListener("click", () => dialog.close());
  }
}

/** Open `dialog`; on submit run `action` and close, or show its error and stay open. */
function runDialog(dialog, action) {
  const form = dialog.querySelector("form");
  const error = dialog.querySelector(".error");
  error.hidden = true;
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      await action();
      dialog.close();
    } catch (caught) {
      error.textContent = caught.message;
      error.hidden = false;
    }
  };
  dialog.showModal();
}

function renameConversation(conversation) {
  const input = $("#rename-input");
  input.value = conversation.title;
  runDialog($("#rename-dialog"), async () => {
    const title = input.value.trim();
    if (!title) throw new Error("Give the conversation a name.");
    await api.json("PATCH", `/api/conversations/${encodeURIComponent(conversation.id)}`, { title });
    await loadHistory();
    announce(`Renamed to “${title}”.`);
  });
  input.select();
}

function deleteConversation(conversation) {
  $("#delete-name").textContent = conversation.title;
  runDialog($("#delete-dialog"), async () => {
    await api.json("DELETE", `/api/conversations/${encodeURIComponent(conversation.id)}`);
    if (conversation.id === state.conversationId) newChat();
    await loadHistory();
    announce(`Deleted “${conversation.title}”.`);
  });
}

boot();
