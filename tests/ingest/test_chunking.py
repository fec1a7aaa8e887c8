from assistant.text import sentence_spans
from ingest.chunking import chunk_document
from ingest.parsers.base import Block, Heading, ParsedDocument, ParsedPage


def _words(n: int, prefix: str = "word") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def test_sentence_spans_respect_abbreviations_and_paragraphs() -> None:
    text = "See e.g. The plan works. Mr. Smith agreed.\n\nA new paragraph starts here"
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["See e.g. The plan works.", "Mr. Smith agreed.", "A new paragraph starts here"]


def test_chunks_are_exact_slices_and_never_cross_pages() -> None:
    sentence = "The ministry publishes open data on a national portal every quarter. "
    pages = [ParsedPage(text=sentence * 30, number=n, label=str(n - 1)) for n in (1, 2)]
    chunks = chunk_document("doc", ParsedDocument(pages=pages), max_words=60, overlap=1)
    assert {c.page for c in chunks} == {1, 2}
    for chunk in chunks:
        page = pages[chunk.page - 1]
        assert page.text[chunk.start : chunk.end] == chunk.text
        assert chunk.page_label == str(chunk.page - 1)
        assert len(chunk.text.split()) <= 60 + 12
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_overlap_repeats_one_sentence() -> None:
    text = " ".join(f"Sentence number {i} is about e-government services." for i in range(40))
    chunks = chunk_document(
        "d", ParsedDocument(pages=[ParsedPage(text=text)]), max_words=40, overlap=1
    )
    assert len(chunks) > 3
    first_tail = chunks[0].text.split(". ")[-1]
    assert chunks[1].text.startswith(first_tail.rstrip("."))


def test_headings_start_new_passages_and_label_them() -> None:
    intro = "Intro text about the strategy. " * 5
    body = "Digital identity lets citizens log in once. " * 5
    text = intro + body
    page = ParsedPage(
        text=text, headings=[Heading(0, "Overview"), Heading(len(intro), "Digital identity")]
    )
    chunks = chunk_document("d", ParsedDocument(pages=[page]), max_words=500)
    assert [c.section for c in chunks] == ["Overview", "Digital identity"]
    assert chunks[1].text.startswith("Digital identity lets")


def test_tables_stay_whole_with_caption() -> None:
    before = "Spending grew in every year of the plan. " * 3
    table = "Table 2. ICT spending\nYear | Amount\n2016 | 5.1\n2017 | 5.3\n2018 | 5.6"
    after = " The plan expects savings."
    text = before + table + after
    start = len(before)
    page = ParsedPage(
        text=text, blocks=[Block(start, start + len(table), "table", "Table 2. ICT spending")]
    )
    chunks = chunk_document("d", ParsedDocument(pages=[page]), max_words=500)
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 1 and tables[0].text == table


def test_huge_run_on_text_is_cut_at_word_gaps() -> None:
    page = ParsedPage(text=_words(1000))
    chunks = chunk_document("d", ParsedDocument(pages=[page]), max_words=100, overlap=0)
    assert len(chunks) == 10
    assert all(len(c.text.split()) == 100 for c in chunks)


def test_empty_pages_give_no_chunks() -> None:
    doc = ParsedDocument(pages=[ParsedPage(text="   \n", number=1), ParsedPage(text="", number=2)])
    assert chunk_document("d", doc) == []
