"""A question's words in another language read as the English words the documents use
(assistant/storage/lexicon.py): which words are read, which English terms they may become, and the
lexicon as derived data next to the keyword index. The real multilingual model throughout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.embedding import MultilingualEmbedder
from assistant.storage import lexicon
from assistant.storage.lexicon import Lexicon, Reading, question_words, vocabulary, words_held
from ingest.pipeline import Pipeline
from tests.conftest import copy_corpus, make_settings

NONE_ENGLISH = lambda word: False  # noqa: E731


def test_words_that_carry_no_meaning_of_their_own_are_not_read() -> None:
    # Japanese: particles and endings written in kana alone are left out; single Han
    # characters are read only as a pair ("対" + "策": countermeasures)
    words = question_words("猛暑対策について何か提言ある", NONE_ENGLISH)
    assert "猛暑" in words and "対策" in words and "提言" in words
    assert not {"について", "ある", "か", "対", "策"} & set(words)
    # Thai is segmented into words (no spaces), and its stop words are not read
    words = question_words("ความยากจนของโลก", NONE_ENGLISH)
    assert "ความยากจน" in words and "ของ" not in words
    # French: stop words are not read, nor paired across
    words = question_words("le taux de pauvreté", NONE_ENGLISH)
    assert words == ["taux", "pauvreté"]
    # a katakana loanword is one word, not characters for jieba to pair
    assert "インターネット" in question_words("インターネットの利用率", NONE_ENGLISH)


def test_names_acronyms_and_english_words_are_searched_as_typed() -> None:
    english = {"auditor-general", "chief", "heat"}.__contains__
    words = question_words("Singapour durée du mandat de l'Auditor-General Tan", english)
    assert "durée" in words and "mandat" in words
    # an English word behind an elided article, a name
    assert not any("Auditor" in w or "Tan" in w for w in words), words
    assert question_words("CEPA 권고 ПРООН", NONE_ENGLISH) == ["권고"]  # acronyms are not read


def test_the_terms_a_word_may_be_read_as() -> None:
    texts = [
        "Internet use among women grows, and the gender gap on the internet narrows.",
        "Poverty in the world fell; poverty is measured by household surveys.",
        "President Nyusi spoke. The govern- ment of the world discussed poverty.",
        "Les pays et les projets dans le monde.",
    ] * 8
    terms = vocabulary(texts)
    assert {"internet", "gender", "poverty", "gender gap", "world"} <= set(terms)
    assert "nyusi" not in terms  # a name: always capitalised
    assert "ment" not in terms  # the tail of a word broken over a line
    assert "les" not in terms and "dans" not in terms  # French stop words
    assert all(len(t) >= 3 for t in terms)
    # names only ever written where a sentence could open (after "Mr." or "authors:"), pieces
    # of web and e-mail addresses, and the ASCII fragment of a word with other letters are no
    # English words (such a model reads an unknown foreign word as one of them)
    terms = vocabulary(
        [
            "Mr. JOOSTE spoke for South Africa; authors: Odongo, Agnes.",
            "For all reports visit https://www.unjiu.org/content or write to a@odongo.org.",
            "Türkiye and Viet Nam; the reports of the geospatial unit.",
        ]
        * 8
    )
    assert {"reports", "geospatial", "spoke"} <= set(terms)
    assert not {"jooste", "odongo", "unjiu", "rkiye", "org"} & set(terms), terms
    # two-word phrases are two words with a space between them: not across punctuation, and
    # no term ends in a hyphen
    terms = vocabulary(["Extreme poverty fell; climate rose, and long- and short-term plans."] * 10)
    assert "poverty fell" in terms and "fell climate" not in terms
    assert not any(t.endswith("-") for t in terms) and "short-term" in terms


@pytest.fixture(scope="module")
def model() -> MultilingualEmbedder:
    return MultilingualEmbedder()


def test_words_in_other_languages_are_read_as_the_nearest_english_terms(
    model: MultilingualEmbedder,
) -> None:
    texts = [
        "Internet use grows while the gender gap narrows in least developed countries.",
        "Poverty in the world fell, and extreme poverty is measured by household surveys.",
        "The committee extended the term of its advisory board by two years.",
        "Public procurement portals publish every tender and contract award.",
        "Mobile internet and public procurement reach the poor.",  # in lower case inside
    ] * 6
    built = Lexicon.build(texts, model.embed, generation=3)
    assert "internet" in built.read("인터넷 이용 성별 격차", model.embed)
    assert "poverty" in built.read("ความยากจน", model.embed)
    assert "poverty" in built.read("taux de pauvreté", model.embed)
    assert "procurement" in " ".join(built.read("公共采购", model.embed))
    # nothing of meaning to read: nothing read
    assert built.read("について の", model.embed) == []
    # each word with what it was read as; a pair stands for its two words
    readings = built.readings("인터넷 이용 성별 격차", model.embed)
    assert next(r.parts for r in readings if " " in r.word) == ("인터넷", "이용")
    assert "internet" in next(r.terms for r in readings if r.word == "인터넷")


def test_how_many_of_a_questions_words_a_sentence_speaks_of() -> None:
    readings = [
        Reading("市场", ("市场",), ("market", "markets")),
        Reading("规模", ("规模",), ("size",)),
        Reading("市场规模", ("市场", "规模"), ("market size",)),
        Reading("报告", ("报告",), ("report",)),
        Reading("的", ("的",), ()),  # read as nothing: not counted
    ]
    holds = lambda text: lambda term: term in text  # noqa: E731
    assert words_held(readings, holds("the largest market size")) == (2, 3)
    # a pair read as one word holds one of its two
    one = [
        Reading("市场", ("市场",), ("market",)),
        Reading("市场规模", ("市场", "规模"), ("scale",)),
    ]
    assert words_held(one, holds("to scale up")) == (1, 2)
    assert words_held(one, holds("market scale")) == (1, 2)  # "scale" may be "market"'s
    assert words_held(readings, holds("a report")) == (1, 3)
    assert words_held(readings, holds("nothing of it")) == (0, 3)
    assert words_held([], holds("anything")) == (0, 0)


def test_the_lexicon_is_saved_atomically_and_a_damaged_one_is_rebuilt(
    tmp_path: Path, model: MultilingualEmbedder
) -> None:
    built = Lexicon.build(["Open data portals publish government data."] * 6, model.embed, 7)
    path = tmp_path / "lexicon.npz"
    built.save(path)
    loaded = Lexicon.load(path)
    assert loaded is not None and loaded.generation == 7 and loaded.terms == built.terms
    assert np.allclose(loaded.vectors, built.vectors)
    assert [p.name for p in tmp_path.iterdir()] == ["lexicon.npz"]  # no temporary file left
    assert Lexicon.saved_generation(path) == 7  # read without the terms and vectors
    path.write_bytes(path.read_bytes()[:100])
    assert Lexicon.load(path) is None and Lexicon.saved_generation(path) is None
    assert Lexicon.load(tmp_path / "missing.npz") is None
    assert Lexicon.saved_generation(tmp_path / "missing.npz") is None
    # a collection with no English: an empty lexicon reads nothing, and saves and loads
    empty = Lexicon.build([], model.embed, 2)
    assert empty.terms == [] and empty.read("기후 변화", model.embed) == []
    empty.save(path)
    again = Lexicon.load(path)
    assert again is not None and again.terms == [] and again.generation == 2


FIJI = "general-debate-2024/session79_2024/FJI_79_2024.txt"
SAMOA = "general-debate-2024/session79_2024/WSM_79_2024.txt"


@pytest.mark.slow
def test_ingestion_builds_the_lexicon_and_a_question_in_another_language_searches_with_it(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [FIJI])
    settings = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    Pipeline(settings).run()
    path = lexicon.saved_beside(settings.keyword_path)
    saved = Lexicon.load(path)
    assert saved is not None and "climate" in saved.terms
    assistant = Assistant(settings)
    assert saved.generation == assistant.catalog.generation()
    assert "climate" in " ".join(assistant.retriever.read_in_english("기후 변화"))
    # a store that moved on is read with a lexicon rebuilt at its generation
    copy_corpus(shared_corpus, corpus, [SAMOA])
    Pipeline(settings).run()
    moved = Assistant(settings)
    again = moved.retriever.lexicon()
    assert again is not None and again.generation == moved.catalog.generation() > saved.generation
    # the API rebuilds a lost one, and uses it unsaved where it cannot write the data folder
    path.unlink()
    assert Assistant(settings).retriever.lexicon() is not None and path.exists()
    path.unlink()
    path.mkdir()  # where the file should go, something it cannot replace
    unsaved = Assistant(settings).retriever.lexicon()
    assert unsaved is not None and "climate" in unsaved.terms and path.is_dir()
    assert not [p for p in path.parent.iterdir() if ".tmp-" in p.name]  # nothing left half-written
    # without the search by meaning, no lexicon is built, and none is read
    off = make_settings(tmp_path / "data-off", corpus_dirs=[corpus], multilingual_index=False)
    Pipeline(off).run()
    assert not lexicon.saved_beside(off.keyword_path).exists()
    assistant_off = Assistant(off)
    assistant_off.retriever.search("Fiji", k=3, meaning="피지는 기후 변화에 대해 뭐라고 했나")
    assert assistant_off.retriever._lexicon is None
