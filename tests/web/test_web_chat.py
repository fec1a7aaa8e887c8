"""The web chat (``bots/web``) in a real browser against a live server over a tiny corpus.

Each test opens its own tab on the page, does what a member of staff would do and checks what
they would see, and what the server stored. Screenshots of the main states are saved under
``test-output/web/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from assistant import Citation
from bots.slack.formatting import source_url
from tests.web.harness import TOKEN, LiveServer, Watched, open_page, screenshot

pytestmark = pytest.mark.browser

PDF_QUESTION = "What does the Committee recommend about procurement data?"
FIJI_QUESTION = "What does the digital identity programme in Fiji do?"
XSS_QUESTION = "What did the Quokka registry auditors find in the comment field and the certificate name field?"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


KIRIBATI_QUESTION = "How do outer island residents of Kiribati renew permits?"


def ask(page: Any, question: str, turn: int = 1) -> Any:
    """Type a question, press Enter and wait for answer number ``turn`` to be complete."""
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.locator(f"#messages > li:nth-child({turn}) article[aria-busy=false]").wait_for()
    return page.locator(f"#messages > li:nth-child({turn}) article")


def answer_id(article: Any) -> str:
    value = article.get_attribute("data-answer-id")
    assert value, "the answer has no id"
    return str(value)


def unnamed_controls(page: Any) -> list[str]:
    """Visible controls that a screen reader could not name."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('button, input, textarea, a[href]')]
                .filter(el => el.offsetParent !== null)
                .filter(el => !(el.getAttribute('aria-label') || el.textContent.trim()
                                || (el.labels && el.labels.length) || el.closest('label')))
                .map(el => el.outerHTML.slice(0, 80))"""
        )
    )


# --- the page itself ------------------------------------------------------------------------
def test_page_is_served_by_the_app_and_loads_nothing_from_outside(
    chat: Watched, live: LiveServer
) -> None:
    page = chat.page
    assert page.title() == "Governance Knowledge Assistant · UNPOG"
    outside = [u for u in chat.requests if not u.startswith((live.url, "data:", "blob:"))]
    assert outside == []
    assert any(u.endswith("/app.js") for u in chat.requests)
    assert page.locator("#status").inner_text().startswith("10 documents")
    assert page.get_by_role("button", name="Draft a brief").is_visible()
    screenshot(page, "01-start")


# --- asking, streaming, citations -------------------------------------------------------------
def test_answer_streams_in_and_a_citation_opens_the_highlighted_passage(
    chat: Watched, live: LiveServer
) -> None:
    page = chat.page
    # slow the network so that the answer's events arrive over a few seconds
    cdp = chat.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 1000, "uploadThroughput": -1},
    )
    page.evaluate(
        """() => {
          window.__seen = [];
          window.__early = [];
          // every line shown before the answer, however briefly (polling may miss one)
          new MutationObserver((records) => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.nodeType === 1 && node.matches('.understood-early')) {
                  window.__early.push(node.textContent);
                }
              }
            }
          }).observe(document.querySelector('#messages'), { childList: true, subtree: true });
          const timer = setInterval(() => {
            const article = document.querySelector('#messages article');
            if (!article) return;
            window.__seen.push({
              busy: article.getAttribute('aria-busy'),
              text: article.querySelector('.answer-body').textContent,
              caret: !!article.querySelector('.caret'),
              thinking: !!article.querySelector('.thinking'),
            });
            if (article.getAttribute('aria-busy') === 'false') clearInterval(timer);
          }, 20);
        }"""
    )
    article = ask(page, FIJI_QUESTION)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    seen = page.evaluate("window.__seen")
    final = article.locator(".answer-body").inner_text()
    assert "secure online credential" in final
    # before any of the answer: what is being done and what the question was read as
    waiting = [s for s in seen if s["thinking"]]
    assert page.evaluate("window.__early") == ["Understood as: Fiji"]
    assert waiting and all("Searching the documents" in s["text"] for s in waiting)
    streaming = [
        s for s in seen if s["busy"] == "true" and not s["thinking"] and "Fiji" in s["text"]
    ]
    assert streaming, f"no part of the answer was shown before it was complete: {seen[-3:]}"
    assert all(s["caret"] for s in streaming)
    assert not article.locator(".caret").count()
    assert int(article.locator(".answer-body").get_attribute("data-renders") or 0) >= 2
    screenshot(page, "02-answer")

    # a citation marker opens the source panel on the cited passage
    marker = article.locator(".answer-body .cite[data-n='1']")
    assert marker.get_attribute("aria-label", timeout=1000).startswith(
        "Source 1: Digital identity in Fiji"
    )
    marker.click()
    panel = page.locator("#source-panel")
    panel.locator("mark.current").first.wait_for()
    assert panel.locator(".source-title").inner_text() == "Digital identity in Fiji"
    assert "Case studies" in panel.locator("dl").inner_text()
    record = live.api("GET", f"/api/answers/{answer_id(article)}", page=page).json()
    cited = record["citations"][0]
    highlighted = " ".join(panel.locator("mark.current").all_inner_texts())
    assert " ".join(cited["text"].split()) in " ".join(highlighted.split())
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.dataset.n") == "1"  # focus back on the marker


def test_pdf_citation_shows_the_printed_page_and_opens_the_pdf_at_that_page(
    chat: Watched, live: LiveServer
) -> None:
    page = chat.page
    article = ask(page, PDF_QUESTION)
    article.locator(".source-item[data-n='1']").click()
    panel = page.locator("#source-panel")
    panel.locator("mark.current").first.wait_for()
    assert "procurement data" in " ".join(panel.locator("mark.current").all_inner_texts())
    meta = panel.locator("dl").inner_text()
    assert "Studies & reports" in meta
    assert "2/2 (page 2 of 2 in the file)" in meta
    link = panel.locator("a.open-original")
    assert link.inner_text().strip() == "Open the PDF at page 2"
    href = link.get_attribute("href")
    assert href and href.endswith("/file#page=2")
    with chat.context.expect_page() as opened:
        link.click()
    pdf = opened.value
    pdf.wait_for_load_state()
    assert pdf.url == live.url + href
    assert pdf.evaluate("document.contentType") == "application/pdf"
    pdf.close()
    # the pager moves to the other page, where nothing of this answer is cited
    panel.get_by_role("button", name="Previous page").click()
    panel.get_by_text("Page 1/2 · 1 of 2").wait_for()
    assert panel.locator("mark.current").count() == 0
    panel.get_by_role("button", name="Next page").click()
    panel.locator("mark.current").first.wait_for()
    screenshot(page, "03-source-panel")


# --- filters ----------------------------------------------------------------------------------
def test_filters_are_sent_with_every_question_and_echoed_with_the_answer(chat: Watched) -> None:
    page = chat.page
    page.click("#filters-toggle")
    page.fill("#country-input", "Fiji")
    page.click("#country-add")
    page.locator("#collection-options label", has_text="Case studies").click()
    page.fill("#year-from", "2020")
    page.press("#year-from", "Tab")
    chips = page.locator("#filter-chips .chip")
    assert chips.all_inner_texts() == ["Fiji", "Case studies", "from 2020"]

    with page.expect_request("**/api/ask/stream") as sent:
        article = ask(page, FIJI_QUESTION)
    assert sent.value.post_data_json["filters"] == {
        "countries": ["FJI"],
        "collections": ["case"],
        "year_from": 2020,
    }
    echoed = article.locator(".applied-filters .chip").all_inner_texts()
    assert echoed == ["Fiji", "Case studies", "from 2020"]
    titles = set(article.locator(".source-name").all_inner_texts())
    assert titles == {"Digital identity in Fiji"}
    article.locator(".answer-body .cite[data-n='1']").click()
    page.locator("#source-panel mark.current").first.wait_for()
    screenshot(page, "04-filters")
    page.keyboard.press("Escape")

    # removing a chip changes what the next question sends
    page.get_by_role("button", name="Remove the filter Case studies").click()
    with page.expect_request("**/api/ask/stream") as sent:
        ask(page, "And who helped design it?", turn=2)
    assert sent.value.post_data_json["filters"] == {"countries": ["FJI"], "year_from": 2020}

    # an unknown country is refused with a message, not sent
    page.click("#filters-toggle")
    page.fill("#country-input", "Atlantis")
    page.click("#country-add")
    assert "Atlantis" in page.locator("#filter-error").inner_text()
    assert chips.all_inner_texts() == ["Fiji", "from 2020"]


# --- indicators, follow-ups -------------------------------------------------------------------
def test_indicator_trend_renders_a_table_and_a_chart_and_a_follow_up_continues(
    chat: Watched, live: LiveServer
) -> None:
    page = chat.page
    with page.expect_request("**/api/ask/stream") as first_request:
        first = ask(page, "How has Fiji's EGDI changed since 2020?")
    assert "conversation_id" not in first_request.value.post_data_json
    table = first.locator("table.data-table")
    assert table.locator("caption").inner_text() == "E-Government Development Index (EGDI)"
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    assert rows.nth(2).locator("td").all_inner_texts()[:4] == ["Fiji", "2024", "0.67544", "93"]
    chart = first.locator("svg.trend-chart")
    assert chart.get_attribute("data-points") == "3"
    assert "2020 0.65850, 2022 0.62350, 2024 0.67544" in (chart.get_attribute("aria-label") or "")
    # a chart with axes: the editions along the bottom, a value scale, the values written
    assert chart.locator("text.chart-year").all_text_contents() == ["2020", "2022", "2024"]
    assert chart.locator("line.chart-axis").count() == 2
    ticks = [float(t) for t in chart.locator("text.chart-tick").all_text_contents()]
    assert len(ticks) == 3 and ticks[0] <= 0.6235 and ticks[-1] >= 0.67544
    assert {"0.65850", "0.67544"} <= set(chart.locator("text.chart-value").all_text_contents())
    assert first.locator(".cite").count() == 2

    with page.expect_request("**/api/ask/stream") as follow_up:
        second = ask(page, "And Samoa?", turn=2)
    conversation = follow_up.value.post_data_json["conversation_id"]
    assert conversation
    assert "Samoa" in second.locator(".answer-body").inner_text()
    assert "Samoa" in second.locator(".understood").inner_text()
    assert second.locator("table.data-table tbody tr").count() == 3
    stored = live.api("GET", f"/api/conversations/{conversation}", page=page).json()
    assert [t["question"] for t in stored["turns"]] == [
        "How has Fiji's EGDI changed since 2020?",
        "And Samoa?",
    ]
    current = page.locator("#conversation-list [aria-current=true]")
    assert "2 questions" in current.inner_text()
    screenshot(page, "05-indicator-follow-up")


def test_country_comparison_renders_a_table_and_each_countrys_trend(chat: Watched) -> None:
    page = chat.page
    article = ask(page, "Compare the EGDI of Fiji and Samoa in 2024")
    cells = [
        row.locator("td").all_inner_texts()[:3]
        for row in article.locator("table.data-table tbody tr").all()
    ]
    assert cells == [["Fiji", "2024", "0.67544"], ["Samoa", "2024", "0.48990"]]
    charts = article.locator("figure.chart")
    charts.nth(1).wait_for()
    assert charts.locator("figcaption").all_inner_texts() == ["Fiji", "Samoa"]
    for chart in charts.locator("svg.trend-chart").all():  # each country's series, 2024 marked
        assert chart.get_attribute("data-points") == "3"
        assert chart.locator("circle.chart-dot-marked").count() == 1
    # a data citation shows the cited row of the file
    article.locator(".cite[data-n='2']").first.click()
    row = page.locator("#source-panel .data-rows mark.current")
    assert row.inner_text().startswith("2024,WSM,Samoa,140,0.48990")
    screenshot(page, "06-comparison")


def test_a_question_in_korean_gets_its_labels_and_headers_in_korean(chat: Watched) -> None:
    article = ask(chat.page, "피지와 사모아의 2024년 전자정부발전지수 비교")
    assert article.get_attribute("lang") == "ko"  # Korean glyphs, not Chinese or Japanese ones
    assert (
        article.locator(".read-as")
        .inner_text()
        .startswith("이해한 질문: EGDI · 비교 · 피지, 사모아")
    )
    headers = article.locator("table.data-table thead th").all_inner_texts()
    assert headers[:3] == ["국가", "연도", "값"]
    assert article.locator(".sources-title").inner_text() == "출처"
    assert "0.67544" in article.locator(".answer-body").inner_text()
    screenshot(chat.page, "06b-korean-question")


# --- feedback and copy ------------------------------------------------------------------------
def test_feedback_is_stored_with_its_comment(chat: Watched, live: LiveServer) -> None:
    page = chat.page
    article = ask(page, FIJI_QUESTION)
    article.get_by_role("button", name="Not helpful").click()
    assert article.get_by_role("button", name="Not helpful").get_attribute("aria-pressed") == "true"
    article.get_by_label("What was wrong or missing? (optional)").fill("Please cite the 2022 law.")
    article.get_by_role("button", name="Send feedback").click()
    article.get_by_text("your feedback was saved").wait_for()
    screenshot(page, "07-feedback")
    record = live.api("GET", f"/api/answers/{answer_id(article)}", page=page).json()
    assert [(f["rating"], f["comment"]) for f in record["feedback"]] == [
        (-1, "Please cite the 2022 law.")
    ]


def test_copy_puts_the_answer_and_its_sources_on_the_clipboard(
    browser: Any, live: LiveServer
) -> None:
    watched = open_page(browser, live.url, permissions=["clipboard-read", "clipboard-write"])
    page = watched.page
    try:
        page.wait_for_selector("body[data-ready=true]")
        article = ask(page, FIJI_QUESTION)
        article.get_by_role("button", name="Copy").click()
        article.get_by_text("Answer and sources copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        watched.context.close()
    text, _, sources = copied.partition("\n\nSources:\n")
    assert "secure online credential. [" in text
    assert sources.splitlines()[0].startswith("[1] Digital identity in Fiji (Case studies) — ")
    assert sources.splitlines()[0].endswith("notes/fiji-digital-identity.md")


# --- conversations ----------------------------------------------------------------------------
def test_history_reopens_renames_and_deletes_conversations(chat: Watched, live: LiveServer) -> None:
    page = chat.page
    article = ask(page, PDF_QUESTION)
    conversation = live.api("GET", f"/api/answers/{answer_id(article)}", page=page).json()[
        "conversation_id"
    ]
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    item = page.locator(f"#conversation-list li[data-id='{conversation}']")
    item.locator(".conversation-open").click()
    restored = page.locator("#messages > li")
    restored.locator("article[aria-busy=false]").wait_for()
    assert restored.count() == 1
    assert restored.locator(".bubble").inner_text() == PDF_QUESTION
    assert restored.locator(".answer-body .cite").count() >= 1
    restored.locator(".answer-body .cite").first.click()
    page.locator("#source-panel mark.current").first.wait_for()
    page.keyboard.press("Escape")

    # rename: the new name is text, even when it looks like markup
    name = f"Procurement {IMG}"
    item.hover()
    item.locator("[data-action=rename]").click()
    page.fill("#rename-input", name)
    page.locator("#rename-dialog").get_by_role("button", name="Rename").click()
    item.locator(".conversation-title", has_text=name).wait_for()
    assert live.api("GET", f"/api/conversations/{conversation}", page=page).json()["title"] == name
    assert page.locator("#conversation-list img").count() == 0
    screenshot(page, "08-history")

    # delete
    item.hover()
    item.locator("[data-action=delete]").click()
    assert page.locator("#delete-name").inner_text() == name
    page.locator("#delete-dialog").get_by_role("button", name="Delete").click()
    item.wait_for(state="detached")
    assert live.api("GET", f"/api/conversations/{conversation}", page=page).status_code == 404
    assert page.locator("#messages > li").count() == 0  # it was open: a new chat starts
    assert page.locator("#empty-state").is_visible()


def test_new_chat_starts_a_new_conversation(chat: Watched) -> None:
    page = chat.page
    ask(page, FIJI_QUESTION)
    page.click("#new-chat")
    assert page.locator("#messages > li").count() == 0
    with page.expect_request("**/api/ask/stream") as sent:
        ask(page, PDF_QUESTION)
    assert "conversation_id" not in sent.value.post_data_json


# --- briefs -------------------------------------------------------------------------------------
BRIEF_SECTIONS = [
    "1. Summary",
    "2. Country context",
    "3. What the documents say about Fiji on digital identity",
    "4. Comparable practice elsewhere",
    "5. Options and recommendations",
    "6. Gaps",
    "7. Sources",
]


def test_draft_a_brief_shows_its_sections_and_downloads_word_and_markdown(
    chat: Watched, live: LiveServer
) -> None:
    page = chat.page
    opener = page.get_by_role("button", name="Draft a brief")
    opener.click()
    dialog = page.locator("#brief-dialog")
    assert page.evaluate("document.activeElement.id") == "brief-country"
    dialog.get_by_label("Country").fill("Fiji")
    dialog.get_by_label("Topic").fill("digital identity")
    dialog.get_by_label("Audience (optional)").fill("Ministry of Communications")
    assert unnamed_controls(page) == []

    # hold the request to see the progress; then let it through to the server
    held: list[Any] = []
    page.route(
        "**/api/briefs",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.press("#brief-topic", "Enter")
    progress = dialog.locator("#brief-progress")
    progress.wait_for()
    assert progress.inner_text() == "Drafting the brief on digital identity in Fiji…"
    assert dialog.get_by_role("button", name="Draft the brief").get_attribute("aria-disabled") == (
        "true"
    )
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    assert held[0].request.post_data_json == {
        "country": "Fiji",
        "topic": "digital identity",
        "audience": "Ministry of Communications",
    }
    held[0].fulfill(response=held[0].fetch())
    page.unroute("**/api/briefs")

    result = dialog.locator("#brief-result")
    result.wait_for()
    assert progress.is_hidden()
    assert dialog.locator("#brief-result-title").inner_text() == "Fiji: digital identity"
    assert page.evaluate("document.activeElement.id") == "brief-result-title"
    body = dialog.locator("#brief-body")
    assert body.locator("h3").inner_text() == "Advisory brief: digital identity in Fiji"
    assert body.locator("h4").all_inner_texts() == BRIEF_SECTIONS
    assert "prepared for Ministry of Communications" in body.locator("p em").first.inner_text()
    text = " ".join((body.text_content() or "").split())
    assert "Fiji launched a national digital identity programme" in text
    assert "to give every citizen a secure online credential [2]." in text
    rows = body.locator("table tbody tr")
    assert rows.nth(2).locator("td").all_inner_texts()[:3] == ["2024", "0.67544", "93"]
    stored = live.api("GET", "/api/briefs", page=page).json()["items"][0]
    assert (stored["title"], stored["iso3"]) == ("Fiji: digital identity", "FJI")
    screenshot(page, "14-brief")

    # the downloads go through fetch (with the token when there is one) and a blob URL
    with page.expect_download() as word:
        dialog.get_by_role("button", name="Download Word").click()
    assert word.value.suggested_filename == "brief-fiji-digital-identity.docx"
    assert word.value.url.startswith(f"blob:{live.url}/")
    document = docx.Document(word.value.path())
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "Advisory brief: digital identity in Fiji"
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == BRIEF_SECTIONS
    assert any("Fiji launched a national digital identity programme" in p.text for p in paragraphs)
    assert document.tables, "the Word brief has no indicator table"
    dialog.get_by_text("Downloaded brief-fiji-digital-identity.docx.").wait_for()
    with page.expect_download() as markdown:
        dialog.get_by_role("button", name="Download Markdown").click()
    assert markdown.value.suggested_filename == "brief-fiji-digital-identity.md"
    saved = markdown.value.path().read_text(encoding="utf-8")
    expected = live.api("GET", stored["downloads"]["markdown"], page=page).text
    assert saved == expected and saved.startswith("# Advisory brief: digital identity in Fiji")

    # errors: the server's message, next to the field it names
    dialog.get_by_role("button", name="Draft another").click()
    assert dialog.get_by_label("Country").input_value() == "Fiji"  # the request is kept
    dialog.get_by_label("Country").fill("Atlantis")
    dialog.get_by_role("button", name="Draft the brief").click()
    error = dialog.locator("#brief-error")
    error.wait_for()
    detail = live.api("POST", "/api/briefs", json={"country": "Atlantis", "topic": "x"})
    assert detail.status_code == 422
    assert (
        error.inner_text()
        == "Unknown country 'Atlantis': use an ISO3 code or a name such as 'Fiji'."
    )
    assert error.inner_text()[1:].startswith(detail.json()["detail"][1:])
    assert dialog.get_by_label("Country").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "brief-country"
    screenshot(page, "15-brief-error")
    dialog.get_by_label("Country").fill("Fiji")
    dialog.get_by_label("Topic").fill("   ")
    dialog.get_by_role("button", name="Draft the brief").click()
    assert error.inner_text() == "Name the topic of the brief, e.g. e-procurement."
    assert dialog.get_by_label("Country").get_attribute("aria-invalid") is None

    # the brief drafted earlier can be opened again; Escape closes, focus goes back
    recent = dialog.locator("#brief-recent").get_by_role("button", name="Fiji: digital identity")
    recent.first.click()
    result.wait_for()
    assert body.locator("h4").all_inner_texts() == BRIEF_SECTIONS
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert page.evaluate("document.activeElement.id") == "brief-button"


# --- links from Slack -----------------------------------------------------------------------------
def test_a_slack_conversation_continues_in_the_web_chat(chat: Watched, live: LiveServer) -> None:
    from assistant.links import ViewLinks
    from bots.slack.formatting import continue_url
    from tests.conftest import make_settings

    page = chat.page
    first = live.api("POST", "/api/ask", json={"question": FIJI_QUESTION}).json()
    follow = {"question": "And who runs it?", "conversation_id": first["conversation_id"]}
    second = live.api("POST", "/api/ask", json=follow).json()
    # Slack's link button, signed with the key the server made in its data directory
    links = ViewLinks.for_settings(make_settings(live.log.parent / "data"))
    page.goto(continue_url(live.url, links.sign(second["id"])))
    page.wait_for_selector("body[data-ready=true]")
    turns = page.locator("#messages > li")
    turns.nth(1).locator("article").wait_for()
    assert turns.count() == 2
    assert turns.nth(0).locator(".bubble").inner_text() == FIJI_QUESTION
    assert "continue=" not in page.url  # a reload does not copy it again
    assert page.locator("#conversation-list li").count() == 1  # now this browser's own
    article = ask(page, "What about Kiribati?", turn=3)
    assert "Kiribati" in article.inner_text()
    mine = live.api("GET", "/api/conversations", page=page).json()["items"]
    assert len(mine) == 1 and mine[0]["id"] != first["conversation_id"]
    assert mine[0]["turn_count"] == 3
    screenshot(page, "17-continued-from-slack")


def test_slack_source_links_open_the_cited_passage(chat: Watched, live: LiveServer) -> None:
    page = chat.page
    answer = live.api("POST", "/api/ask", json={"question": PDF_QUESTION}).json()
    cited = Citation.model_validate(answer["citations"][0])
    link = source_url(live.url, cited, answer["id"])  # as the Slack bot writes it
    assert link.startswith(f"{live.url}/?doc=") and "&page=2&answer=" in link
    page.goto(link)
    page.wait_for_selector("body[data-ready=true]")
    panel = page.locator("#source-panel")
    panel.locator("mark.current").first.wait_for()
    assert panel.locator("#panel-title").inner_text() == "Source 1"
    assert page.evaluate("document.activeElement.id") == "panel-title"
    assert panel.locator(".source-title").inner_text() == cited.title
    assert "2/2 (page 2 of 2 in the file)" in panel.locator("dl").inner_text()
    highlighted = " ".join(" ".join(panel.locator("mark.current").all_inner_texts()).split())
    assert " ".join(cited.text.split()) in highlighted
    # the answer is shown with it, its source marked as the one open
    turn = page.locator("#messages > li.linked")
    assert turn.locator(".bubble").inner_text() == PDF_QUESTION
    assert turn.locator(".source-item.active").get_attribute("data-n") == "1"
    screenshot(page, "16-slack-link")

    # without an answer id: the page of the document, nothing marked
    page.goto(f"{live.url}/?doc={cited.document_id}&page=1")
    page.wait_for_selector("body[data-ready=true]")
    panel.get_by_text("Page 1/2 · 1 of 2").wait_for()
    assert panel.locator("#panel-title").inner_text() == "Source"
    assert "1/2 (page 1 of 2 in the file)" in panel.locator("dl").inner_text()
    assert "Most small island states now run a national portal." in panel.inner_text()
    assert panel.locator("mark").count() == 0
    assert page.locator("#messages > li").count() == 0

    # a document that is not there: a message, not an empty panel
    page.goto(f"{live.url}/?doc=no-such-document&page=3")
    page.wait_for_selector("body[data-ready=true]")
    assert panel.get_by_role("alert").inner_text() == (
        "The linked document cannot be shown: no document with id 'no-such-document'"
    )


# --- safety -----------------------------------------------------------------------------------
def test_markup_in_documents_shows_as_text_and_never_runs(chat: Watched) -> None:
    page = chat.page
    article = ask(page, XSS_QUESTION)
    body = article.locator(".answer-body").inner_text()
    assert SCRIPT in body and IMG in body
    source_names = article.locator(".source-name").all_inner_texts()
    assert source_names[0] == f"Quokka registry {IMG} audit note"
    article.locator(".cite[data-n='1']").first.click()
    panel = page.locator("#source-panel")
    panel.locator("mark.current").first.wait_for()
    assert panel.locator(".source-title").inner_text() == f"Quokka registry {IMG} audit note"
    page_text = panel.locator(".page-text").inner_text()
    assert SCRIPT in page_text and IMG in page_text
    # nothing from the document became an element: no <img>, no second <script>
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "09-markup-as-text")


def test_markup_in_a_brief_shows_as_text(chat: Watched) -> None:
    page = chat.page
    page.get_by_role("button", name="Draft a brief").click()
    dialog = page.locator("#brief-dialog")
    dialog.get_by_label("Country").fill("Singapore")
    dialog.get_by_label("Topic").fill("Quokka registry audit")
    dialog.get_by_label("Audience (optional)").fill(f"Ministry {IMG}")
    dialog.get_by_role("button", name="Draft the brief").click()
    body = dialog.locator("#brief-body")
    body.locator("h4").first.wait_for()
    text = body.inner_text()
    assert f"registry audit found the string {SCRIPT} stored" in text
    assert f"auditors also found {IMG} in the comment field" in text
    assert f"prepared for Ministry {IMG};" in text
    assert dialog.locator("#brief-result-title").inner_text() == "Singapore: Quokka registry audit"
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 1


MARKDOWN_CASES = {
    "**Fiji**: quoted [1]": '<p><strong>Fiji</strong>: quoted <button data-n="1">1</button></p>',
    "two sources [1][2] and [3, 4]": (
        '<p>two sources <button data-n="1">1</button><button data-n="2">2</button> and '
        '<button data-n="3">3</button><button data-n="4">4</button></p>'
    ),
    f"{SCRIPT} and {IMG}": (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;</p>"
    ),
    "[click](javascript:alert(1)) [x](//evil.example) [data](data:text/html,hi)": (
        "<p>click x data</p>"
    ),
    "[UN](https://www.un.org) and https://unpog.org/a.pdf.": (
        '<p><a href="https://www.un.org" rel="noopener noreferrer" target="_blank">UN</a> and '
        '<a href="https://unpog.org/a.pdf" rel="noopener noreferrer" target="_blank">'
        "https://unpog.org/a.pdf</a>.</p>"
    ),
    "- one\n- two *three*\n\n1. first\n2. second": (
        "<ul><li>one</li><li>two <em>three</em></li></ul><ol><li>first</li><li>second</li></ol>"
    ),
    "| Country | EGDI |\n|---|--:|\n| Fiji | 0.67544 |": (
        '<div class="table-scroll"><table><thead><tr><th scope="col">Country</th>'
        '<th class="align-right" scope="col">EGDI</th></tr></thead><tbody><tr><td>Fiji</td>'
        '<td class="align-right">0.67544</td></tr></tbody></table></div>'
    ),
    "```\n<b>bold?</b>\n```": "<pre><code>&lt;b&gt;bold?&lt;/b&gt;</code></pre>",
    "# Heading\n> quoted `<i>`": (
        "<h3>Heading</h3><blockquote><p>quoted <code>&lt;i&gt;</code></p></blockquote>"
    ),
    "2 * 3 * 4 and snake_case_name": "<p>2 * 3 * 4 and snake_case_name</p>",
    "line one\nline two": "<p>line one line two</p>",
}


def test_markdown_renderer_builds_safe_nodes(chat: Watched) -> None:
    rendered = chat.page.evaluate(
        """async (cases) => {
          const { renderMarkdown } = await import('/markdown.js');
          const citation = (n) => {
            const button = document.createElement('button');
            button.dataset.n = n;
            button.textContent = n;
            return button;
          };
          return cases.map((source) => {
            const box = document.createElement('div');
            box.append(renderMarkdown(source, { citation }));
            return box.innerHTML;
          });
        }""",
        list(MARKDOWN_CASES),
    )
    assert dict(zip(MARKDOWN_CASES, rendered, strict=True)) == MARKDOWN_CASES


# --- keyboard, screen readers, phones ---------------------------------------------------------
def test_keyboard_use_and_labels(chat: Watched) -> None:
    page = chat.page
    box = page.get_by_label("Your question")
    box.focus()
    with page.expect_request("**/api/ask/stream", timeout=3000) as sent:
        page.keyboard.type("first line")
        page.keyboard.press("Shift+Enter")
        page.keyboard.type("second line")
        page.wait_for_timeout(300)
        assert box.input_value() == "first line\nsecond line"
        assert page.locator("#messages > li").count() == 0
        page.keyboard.press("Enter")
    assert sent.value.post_data_json["question"] == "first line\nsecond line"
    page.locator("#messages article[aria-busy=false]").wait_for()
    assert box.input_value() == ""

    # every control has a name a screen reader can read
    assert unnamed_controls(page) == []
    # focus is visible when moving with the keyboard
    page.focus("#new-chat")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2
    assert page.locator("#messages").get_attribute("aria-label") == "Questions and answers"


def test_phone_width(browser: Any, live: LiveServer) -> None:
    watched = open_page(
        browser,
        live.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = watched.page
    try:
        page.wait_for_selector("body[data-ready=true]")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        sidebar = page.locator("#sidebar")
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off screen
        page.get_by_role("button", name="Conversations").click()
        page.wait_for_function(
            "() => document.querySelector('#sidebar').getBoundingClientRect().left >= 0"
        )
        assert (
            page.get_by_role("button", name="Conversations").get_attribute("aria-expanded")
            == "true"
        )
        page.keyboard.press("Escape")
        article = ask(page, FIJI_QUESTION)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = article.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        screenshot(page, "10-phone")
        article.locator(".cite[data-n='1']").first.tap()
        panel = page.locator("#source-panel")
        panel.locator("mark.current").first.wait_for()
        assert panel.bounding_box()["width"] == 390
        screenshot(page, "11-phone-source")
        page.get_by_role("button", name="Close the source panel").tap()
        assert panel.is_hidden()
        # the brief form: one column of fields; the brief fits the width, its table scrolls
        page.get_by_role("button", name="Draft a brief").tap()
        dialog = page.locator("#brief-dialog")
        country, topic = dialog.get_by_label("Country"), dialog.get_by_label("Topic")
        assert topic.bounding_box()["y"] > country.bounding_box()["y"]
        country.fill("Samoa")
        topic.fill("mobile tax filing")
        dialog.get_by_role("button", name="Draft the brief").tap()
        dialog.locator("#brief-body h4").first.wait_for()
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert dialog.get_by_role("button", name="Download Word").is_visible()
        screenshot(page, "17-phone-brief")
        dialog.get_by_role("button", name="Close the brief").tap()
        assert dialog.is_hidden()
        assert not watched.errors
    finally:
        watched.context.close()


# --- dark mode, tables at phone width, the source panel's title -----------------------------
CONTRAST = """(sel) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ground = (el) => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (!bg.startsWith("rgba(0, 0, 0, 0)") && bg !== "transparent") return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const el = document.querySelector(sel);
  const [a, b] = [lum(getComputedStyle(el).color), lum(ground(el))];
  return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), ground: lum(ground(el)) };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_follow_the_system_setting_and_stay_readable(
    browser: Any, live: LiveServer, scheme: str
) -> None:
    watched = open_page(browser, live.url, color_scheme=scheme)
    page = watched.page
    try:
        page.wait_for_selector("body[data-ready=true]")
        article = ask(page, "How has Fiji's EGDI changed since 2020?")
        article.locator("svg.trend-chart").first.wait_for()
        body = page.evaluate(CONTRAST, "body")
        assert (body["ground"] < 0.05) == (scheme == "dark")  # a dark ground in dark mode
        # text, links, citation markers, table figures and primary buttons: at least 4.5:1
        for selector in (
            "body",
            "#messages .answer-body",
            "#messages .cite",
            "#messages .data-table td.num",
            "#messages .trend-chart text.chart-value",
            ".button-primary",
        ):
            ratio = page.evaluate(CONTRAST, selector)["ratio"]
            assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f} in {scheme} mode"
        screenshot(page, f"18-{scheme}-mode")
        assert not watched.errors
    finally:
        watched.context.close()


def test_tables_scroll_at_phone_width_and_never_break_a_figure(
    browser: Any, live: LiveServer
) -> None:
    watched = open_page(browser, live.url, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = watched.page
    try:
        page.wait_for_selector("body[data-ready=true]")
        article = ask(page, "Compare the EGDI of Fiji and Samoa in 2024")
        table = article.locator("table.data-table")
        table.wait_for()
        # every figure on one line (a range over its text has one box)
        lines = page.evaluate(
            """() => [...document.querySelectorAll('#messages .data-table td')].map((td) => {
                 const range = document.createRange();
                 range.selectNodeContents(td);
                 return [td.textContent, new Set([...range.getClientRects()].map(r => r.top)).size];
               })"""
        )
        figures = [(text, n) for text, n in lines if text.replace(".", "").isdigit()]
        assert figures and all(n == 1 for _, n in figures), figures
        # the table is wider than the phone: its box scrolls sideways, the page does not
        scroller = article.locator(".table-scroll").first
        wide = scroller.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
        assert wide[0] > wide[1]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # the top bar's buttons keep their labels on one line
        for button in page.locator(".topbar-actions .button:visible").all():
            box = page.evaluate(
                "(el) => { const r = document.createRange(); r.selectNodeContents(el);"
                " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }",
                button.element_handle(),
            )
            assert box == 1, button.inner_text()
        screenshot(page, "19-phone-table")
        assert not watched.errors
    finally:
        watched.context.close()


def test_the_source_title_stays_in_view_while_its_text_scrolls(
    browser: Any, live: LiveServer
) -> None:
    watched = open_page(browser, live.url, viewport={"width": 1280, "height": 420})
    page = watched.page
    try:
        page.wait_for_selector("body[data-ready=true]")
        article = ask(page, FIJI_QUESTION)
        article.locator(".answer-body .cite[data-n='1']").click()
        panel = page.locator("#source-panel")
        panel.locator("mark.current").first.wait_for()
        body = panel.locator(".panel-body")
        assert body.evaluate("(el) => el.scrollHeight > el.clientHeight + 100")  # it can scroll
        body.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_function(
            "() => { const b = document.querySelector('#source-panel .panel-body');"
            " return b.scrollTop > 100; }"
        )
        title = panel.locator(".source-title").bounding_box()
        frame = body.bounding_box()
        assert frame["y"] - 1 <= title["y"] <= frame["y"] + 2
        # and it hides what scrolls under it
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('.source-title') !== null",
            [title["x"] + 10, title["y"] + title["height"] / 2],
        )
        assert hit
        screenshot(page, "20-source-scrolled")
        assert not watched.errors
    finally:
        watched.context.close()


# --- no tokens: each browser its own ---------------------------------------------------------
def test_without_tokens_each_browser_sees_only_its_own_history(
    browser: Any, live: LiveServer
) -> None:
    first, second = open_page(browser, live.url), open_page(browser, live.url)
    try:
        for watched in (first, second):
            watched.page.wait_for_selector("body[data-ready=true]")
        answer = answer_id(ask(first.page, FIJI_QUESTION))
        record = live.api("GET", f"/api/answers/{answer}", page=first.page)
        assert record.status_code == 200
        conversation = record.json()["conversation_id"]
        first.page.reload()
        first.page.wait_for_selector(f"#conversation-list li[data-id='{conversation}']")
        second.page.reload()
        second.page.wait_for_selector("body[data-ready=true]")
        assert second.page.locator(f"#conversation-list li[data-id='{conversation}']").count() == 0
        ids = {first.page.evaluate("localStorage.getItem('gka.client-id')")}
        ids.add(second.page.evaluate("localStorage.getItem('gka.client-id')"))
        assert len(ids) == 2 and None not in ids
        # as the other browser, or as a client that sends no id: it does not exist
        for page in (second.page, None):
            assert (
                live.api("GET", f"/api/conversations/{conversation}", page=page).status_code == 404
            )
            assert live.api("GET", f"/api/answers/{answer}", page=page).status_code == 404
        assert not first.errors and not second.errors
    finally:
        first.context.close()
        second.context.close()


def test_an_html_original_is_downloaded_not_opened(chat: Watched, live: LiveServer) -> None:
    page = chat.page
    article = ask(page, KIRIBATI_QUESTION)
    article.locator(".cite[data-n='1']").click()
    page.locator("#source-panel mark.current").first.wait_for()
    with page.expect_download() as got:
        page.locator("#source-panel a.open-original").click()
    assert "one-stop citizen portal" in Path(got.value.path()).read_text(encoding="utf-8")
    assert page.evaluate("localStorage.getItem('gka.pwned')") is None


# --- tokens -------------------------------------------------------------------------------------
def test_a_slack_view_link_opens_its_source_without_a_token(
    browser: Any, live_with_tokens: LiveServer
) -> None:
    from assistant.links import ViewLinks
    from tests.conftest import make_settings

    live = live_with_tokens
    answer = live.api("POST", "/api/ask", json={"question": PDF_QUESTION}).json()
    cited = Citation.model_validate(answer["citations"][0])
    # the key the server made in its data directory, as the Slack bot beside it reads it
    links = ViewLinks.for_settings(make_settings(live.log.parent / "data"))
    link = source_url(live.url, cited, answer["id"], links.sign(answer["id"]))
    watched = open_page(browser, live.url)  # a first visit: the sign-in prompt
    page = watched.page
    try:
        page.locator("#signin-dialog").wait_for()
        page.goto(link)  # the link from Slack, in the same tab
        page.wait_for_selector("body[data-ready=true]")
        panel = page.locator("#source-panel")
        panel.locator("mark.current").first.wait_for()
        assert panel.locator(".source-title").inner_text() == cited.title
        assert page.locator("#signin-dialog").is_hidden()  # nothing asked of a Slack reader
        assert "opened from Slack" in page.locator("#status").inner_text()
        turn = page.locator("#messages > li.linked")
        assert turn.locator(".bubble").inner_text() == PDF_QUESTION
        assert page.evaluate("sessionStorage.getItem('gka.token')") is None
        # asking a question of one's own needs a token: the prompt comes then
        page.fill("#question", "What else is there?")
        page.press("#question", "Enter")
        page.locator("#signin-dialog").wait_for()
    finally:
        watched.context.close()
    assert not watched.errors, watched.errors


def test_sign_in_prompt_when_tokens_are_configured(
    browser: Any, live_with_tokens: LiveServer
) -> None:
    watched = open_page(browser, live_with_tokens.url)
    page = watched.page
    try:
        dialog = page.locator("#signin-dialog")
        dialog.wait_for()
        screenshot(page, "12-sign-in")
        page.fill("#token-input", "not-the-token")
        page.press("#token-input", "Enter")
        page.get_by_text("This token was not accepted").wait_for()
        page.keyboard.press("Escape")  # the prompt stays: nothing works without a token
        assert dialog.is_visible()
        page.fill("#token-input", TOKEN)
        page.press("#token-input", "Enter")
        page.wait_for_selector("body[data-ready=true]")
        assert dialog.is_hidden()
        assert page.evaluate("sessionStorage.getItem('gka.token')") == TOKEN
        stored = page.evaluate("Object.values(localStorage)")
        assert TOKEN not in stored and page.evaluate("localStorage.getItem('gka.token')") is None
        with page.expect_request("**/api/ask/stream") as sent:
            article = ask(page, FIJI_QUESTION)
        assert sent.value.header_value("authorization") == f"Bearer {TOKEN}"
        assert "secure online credential" in article.inner_text()
        assert page.locator("#sign-out").is_visible()
        # a plain link cannot send the token: the PDF opens from a blob, at the cited page
        pdf_answer = ask(page, PDF_QUESTION, turn=2)
        pdf_answer.locator(".cite[data-n='1']").click()
        page.locator("#source-panel mark.current").first.wait_for()
        with watched.context.expect_page() as opened:
            page.locator("#source-panel a.open-original").click()
        popup = opened.value
        popup.wait_for_url("blob:**")
        assert popup.url.startswith(f"blob:{live_with_tokens.url}/") and popup.url.endswith(
            "#page=2"
        )
        popup.wait_for_load_state()
        assert popup.evaluate("document.contentType") == "application/pdf"
        screenshot(popup, "13-pdf-at-the-cited-page")
        popup.close()
        # an HTML original is downloaded, never opened from a blob on the chat's own origin
        html_answer = ask(page, KIRIBATI_QUESTION, turn=3)
        html_answer.locator(".cite[data-n='1']").click()
        page.locator("#source-panel mark.current").first.wait_for()
        with page.expect_download() as got:
            page.locator("#source-panel a.open-original").click()
        assert "one-stop citizen portal" in Path(got.value.path()).read_text(encoding="utf-8")
        page.wait_for_timeout(500)
        assert len(watched.context.pages) == 1  # no window was left open on a blob
        assert page.evaluate("localStorage.getItem('gka.pwned')") is None
        # the brief's downloads send the token too
        page.get_by_role("button", name="Draft a brief").click()
        dialog = page.locator("#brief-dialog")
        dialog.get_by_label("Country").fill("FJI")
        dialog.get_by_label("Topic").fill("digital identity")
        dialog.get_by_role("button", name="Draft the brief").click()
        dialog.locator("#brief-body h4").first.wait_for()
        with page.expect_request("**/api/briefs/*/docx") as fetched, page.expect_download() as got:
            dialog.get_by_role("button", name="Download Word").click()
        assert fetched.value.header_value("authorization") == f"Bearer {TOKEN}"
        assert docx.Document(got.value.path()).paragraphs[0].text == (
            "Advisory brief: digital identity in Fiji"
        )
        page.keyboard.press("Escape")
        # the token survives a reload of the tab
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        assert dialog.is_hidden()
        assert not watched.errors
    finally:
        watched.context.close()


# --- a store without indicator data ---------------------------------------------------------------
def test_without_indicator_data_the_page_says_how_to_add_it(browser: Any, tmp_path: Path) -> None:
    from tests.web.harness import ingest, server_env, start_server, stop_server

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "# Digital identity in Fiji\n\nFiji launched a national digital identity programme to "
        "give every citizen one trusted credential for public services.\n",
        encoding="utf-8",
    )
    env = server_env(tmp_path / "data", corpus)
    ingest(tmp_path, env)
    server = start_server(tmp_path, env)
    watched = open_page(browser, server.url)
    try:
        page = watched.page
        page.wait_for_selector("body[data-ready=true]")
        hint = page.locator("#suggestions-hint")
        assert hint.is_visible() and "python -m ingest fetch" in hint.inner_text()
        chips = page.locator(".suggestions button").all_inner_texts()
        # only what is ingested: the document, not indicator questions
        assert chips == ["What do the documents say about Digital identity in Fiji?"]
    finally:
        watched.context.close()
        stop_server(server)
    assert not watched.errors, watched.errors
