"""Questions about English documents asked in the region's other languages, without an LLM: the
multilingual sentence index beside the passages (kept in line by ingestion), search by meaning,
and the gate on what is quoted. Real files, real Chroma on disk, the real multilingual model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answering.documents import (
    _countries_read,
    _holds_phrase,
    _holds_rare_name,
    _speaks_of_its_words,
    _typed_in_latin,
    _typed_phrases,
    english_only,
)
from assistant.language import spaced_scripts
from assistant.retrieval import _without_country_names
from assistant.sentences import states_nothing
from assistant.storage.lexicon import Reading
from assistant.storage.vectors import SentenceIndex, VectorStore, indexed_sentences
from ingest.pipeline import Pipeline
from tests.conftest import copy_corpus, make_settings, mended_after_a_change_with_it_off

pytestmark = pytest.mark.slow

FIJI = "general-debate-2024/session79_2024/FJI_79_2024.txt"
SAMOA = "general-debate-2024/session79_2024/WSM_79_2024.txt"


def _versions(settings) -> tuple[dict[str, str], dict[str, str]]:
    store = VectorStore(settings)
    return store.doc_versions(), SentenceIndex(settings).doc_versions()


def test_the_sentence_index_follows_the_passages_through_changes_and_settings(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = copy_corpus(shared_corpus, tmp_path / "corpus", [FIJI, SAMOA])
    # stored first with the index off: no sentences collection is made
    off = make_settings(tmp_path / "data", corpus_dirs=[corpus], multilingual_index=False)
    assert Pipeline(off).run().totals()["ingested"] == 2
    passages, _ = _versions(off)
    assert len(passages) == 2
    # an API with the setting on does not search an index ingestion has not built yet: the
    # question is refused as unread, saying why (not "the documents do not answer")
    on = make_settings(tmp_path / "data", corpus_dirs=[corpus])
    early = Assistant(on).ask("萨摩亚在联大谈到了什么气候问题")
    assert early.kind == "refusal" and "I read the question as Chinese" in early.answer

    # turned on: the stored passages are indexed, nothing is parsed or embedded again
    report = Pipeline(on).run()
    assert report.totals()["unchanged"] == 2 and report.timings["embed"] == 0.0
    assert report.timings["sentences"] > 0
    passages, sentences = _versions(on)
    assert sentences == passages
    again = Pipeline(on).run()  # in line: nothing is read or indexed again
    assert again.timings["sentences"] == 0.0

    # a file changed while the index is off leaves it stale; the next run with it on mends it
    mended_after_a_change_with_it_off(corpus, off, on, _versions)
    # the new sentence is found by a question in Chinese, the old ones are gone
    found = SentenceIndex(on).query(
        Assistant(on).retriever.multilingual.embed_query("斐济的电子采购门户"), 3
    )
    assert found[0][1].startswith("Fiji now runs a national e-procurement portal")

    # a removed file takes its sentences with it
    (corpus / FIJI).unlink()
    Pipeline(on).run(prune=True)
    passages, sentences = _versions(on)
    assert sentences == passages and len(passages) == 1


def test_sentences_worth_indexing_by_meaning() -> None:
    text = "Contents. The Committee recommended that Governments adopt open data policies. 12"
    assert indexed_sentences(text) == [
        "The Committee recommended that Governments adopt open data policies."
    ]


def test_lines_that_state_nothing_find_no_passage_by_meaning(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A running head, a footer or a line of a list of contents is in the sentence index too,
    and near any question: it finds no passage."""
    head = "28  2023 OECD DIGITAL GOVERNMENT INDEX © OECD 2024"
    contents = "Future work of the Committee ........................................"
    said = "The Committee recommended that Governments adopt open data policies."
    assert states_nothing(head) and states_nothing(contents) and not states_nothing(said)
    sentences = assistant.retriever.store.sentences
    assert sentences is not None
    found = [("head", head, 0.5), ("contents", contents, 0.45), ("said", said, 0.4)]
    monkeypatch.setattr(sentences, "query", lambda vector, k, where=None: found)
    assert assistant.retriever._by_meaning("공개 데이터 정책", 5, None) == ["said"]


def test_a_name_typed_in_latin_letters_is_split_from_the_script_around_it() -> None:
    assert spaced_scripts("CEPA는 인공지능에 대해") == "CEPA 는 인공지능에 대해"
    assert spaced_scripts("シンガポールのAIガバナンス") == "シンガポールの AI ガバナンス"
    assert spaced_scripts("2024년 EGDI") == "2024 년 EGDI"
    assert spaced_scripts("l'Auditor-General élu") == "l'Auditor-General élu"


@pytest.fixture(scope="module")
def assistant(small_store) -> Assistant:
    return Assistant(small_store)


@pytest.mark.parametrize(
    ("question", "document", "quoted"),
    [
        # Chinese: Singapore's statement on its programme for small states (FOSS)
        ("新加坡在联大提到的小国论坛能力建设计划", "SGP_79_2024.txt", "Forum of Small States"),
        # Russian: the same, in Cyrillic
        (
            "Сингапур программа для Форума малых государств",
            "SGP_79_2024.txt",
            "Forum of Small States",
        ),
    ],
)
def test_a_question_in_another_script_is_answered_from_the_english_sentence_it_means(
    assistant: Assistant, question: str, document: str, quoted: str
) -> None:
    answer = assistant.ask(question)
    assert answer.grounded, answer.answer
    assert quoted in answer.answer
    assert answer.citations[0].source.endswith(document)
    assert answer.language not in (None, "en")
    # it says, in the question's language first, how it was found and that quotes are not
    # translated
    assert answer.notes and answer.notes[0].endswith("not translated.)")
    assert not answer.notes[0].startswith("Found")


def test_a_question_in_another_script_on_what_the_documents_do_not_hold_is_refused(
    assistant: Assistant,
) -> None:
    # the documents name Cambodia, but nothing on the number of its civil servants
    answer = assistant.ask("캄보디아 공무원 수는 몇 명인가요")
    assert not answer.grounded and answer.kind == "refusal"
    assert "I read the question as" not in answer.answer  # searched, not refused as unread
    # that nothing answers is said first in the reader's language, the details in English
    local, english = answer.answer.split("\n\n", 1)
    assert local.startswith("문서에서 이 질문의 답을 찾지 못했습니다")
    assert english.startswith("The documents do not answer this question.")
    answer = assistant.ask("how many civil servants does cambodia have")
    assert answer.answer.startswith("The documents do not answer this question.")


def test_without_the_index_such_a_question_is_refused_saying_why(small_store) -> None:
    # the setting off: English passages share no word with a Korean or Chinese question, so
    # nothing can show that a sentence found answers it, and none is passed off as the answer
    assistant = Assistant(small_store.model_copy(update={"multilingual_index": False}))
    for question, language, local in (
        ("CEPA는 인공지능에 대해 무엇을 권고했나요?", "Korean", "영어로 해 주세요"),
        ("CEPA 对人工智能有什么建议？", "Chinese", "请用英文提问"),
    ):
        answer = assistant.ask(question)
        assert not answer.grounded and answer.kind == "refusal", question
        assert local in answer.answer.split("\n\n")[0]  # the reader's language first
        assert f"I read the question as {language}" in answer.answer
        assert "ask in English" in answer.answer


def test_the_search_by_meaning_keeps_to_the_countries_the_question_names(
    assistant: Assistant,
) -> None:
    # sentences on climate change from every speech would outrank Fiji's own by meaning alone
    question = "¿qué dijo fiyi sobre el cambio climático?"
    found = assistant.retriever.search("Fiji", k=6, meaning=question)
    assert any(p.document.source.endswith("FJI_79_2024.txt") for p in found[:3])


def test_a_search_reads_a_query_as_an_answer_reads_its_question(assistant: Assistant) -> None:
    from assistant.answering.pipeline import searched_for

    chinese = "新加坡在联大提到的小国论坛能力建设计划"
    searched, meaning = searched_for(chinese, assistant.context)
    assert meaning == chinese and "Singapore" in searched
    # the detector gives this one to French; its words are English and it is answered as
    # English: searched as English too, not by its meaning across languages
    assert searched_for("who chaired apfsd 12?", assistant.context) == (
        "who chaired apfsd 12?",
        None,
    )


def test_a_question_in_a_latin_script_language_naming_only_a_country_keeps_its_language(
    assistant: Assistant,
) -> None:
    # no word of it was read into English but the country's name, as English spells it: it is
    # Vietnamese all the same, and searched as such (not as English)
    answer = assistant.ask("fiji nói gì về biến đổi khí hậu ở đại hội đồng")
    assert answer.language == "vi"


def test_a_sentence_holding_a_rare_name_the_question_typed_is_on_its_topic(
    assistant: Assistant,
) -> None:
    # the multilingual model finds little in common between a Korean question and the English
    # sentence on Cambodia's payment system, but the sentence holds the name asked about, which
    # one passage uses
    answer = assistant.ask("캄보디아의 Bakong 시스템은 무엇인가요?")
    assert answer.grounded, answer.answer
    assert "called Bakong" in answer.answer
    assert answer.citations[0].source.endswith("KHM_79_2024.txt")
    # a name no passage uses shows nothing: still refused
    refused = assistant.ask("캄보디아의 Wingpay 시스템은 무엇인가요?")
    assert not refused.grounded and refused.kind == "refusal"


def test_a_question_in_another_language_is_searched_by_its_words_read_in_english(
    assistant: Assistant,
) -> None:
    # "기후 변화" (climate change) shares no word with the English passages; read in English,
    # its words reach the keyword index
    question = "피지는 기후 변화에 대해 뭐라고 했나"
    read = assistant.retriever.read_in_english(question)
    assert "climate" in read, read
    # Vietnamese, which the model was not trained on, is not read (its words come out as
    # unrelated terms); it is searched by meaning and by its names
    assert assistant.retriever.readings("fiji nói gì về biến đổi khí hậu ở đại hội đồng") == []
    searched: list[str] = []
    keyword_search = assistant.retriever._keyword_search

    def recorded(query, *args):  # type: ignore[no-untyped-def]
        searched.append(query)
        return keyword_search(query, *args)

    assistant.retriever._keyword_search = recorded  # type: ignore[method-assign]
    try:
        assistant.retriever.search("Fiji", k=3, meaning=question)
    finally:
        del assistant.retriever._keyword_search
    assert searched and "climate" in searched[0].split()


def test_which_names_in_a_question_put_a_sentence_on_its_topic(assistant: Assistant) -> None:
    sentence = (
        "I am happy to note our significant advancement in financial inclusion, with the "
        "introduction of an interoperable digital payment system called Bakong."
    )
    on_topic = lambda question: _holds_rare_name(  # noqa: E731
        sentence, question, ("public",), assistant.context
    )
    assert on_topic("캄보디아의 Bakong 시스템은 무엇인가요?")  # one passage uses it
    assert on_topic("Bakong ของกัมพูชาคือระบบอะไร")  # first, but in a Thai question
    assert not on_topic("Bakong c'est quoi au Cambodge ?")  # first word of a French question
    assert not on_topic("캄보디아의 bakong 시스템")  # not typed as a name
    assert not on_topic("캄보디아의 Wingpay 시스템")  # not in the sentence
    # a quoted name counts however common its words; a quoted number does not
    quoted = 'Singapore labelled this programme "FOSS for Good", a package of courses.'
    assert _holds_rare_name(
        quoted, "Сингапур «FOSS for Good» что это?", ("public",), assistant.context
    )
    assert not _holds_rare_name(
        "Singapore has 2024 courses.", "Сингапур «2024» курсы", ("public",), assistant.context
    )


def test_a_sentence_holding_the_english_reading_of_half_the_questions_words_speaks_of_them(
    assistant: Assistant,
) -> None:
    # "기후 변화" (climate change) and "해수면" (sea level) read in English, word by word
    readings = assistant.retriever.readings("기후 변화와 해수면 상승")
    assert readings and all(r.parts for r in readings)
    speaks = lambda sentence: _speaks_of_its_words(sentence, readings)  # noqa: E731
    assert speaks("Climate change and the rise of the sea level threaten our islands.")
    assert not speaks("Our islands welcome visitors.")  # none of its words
    assert not speaks("The climate of the talks was good.")  # one word is chance
    assert not _speaks_of_its_words("Climate change and sea level rise.", [])  # nothing read
    # the countries it names, read into English, are words of it too: "해수면" alone is one
    # word, with Fiji two
    sea = [r for r in assistant.retriever.readings("해수면 상승") if r.word == "해수면"]
    fiji = _countries_read("Fiji 해수면")  # the question as read into English
    assert fiji == ["FJI"]
    assert not _speaks_of_its_words("The sea-level rise threatens Fiji.", sea)
    assert _speaks_of_its_words("The sea-level rise threatens Fiji.", sea, fiji)
    # a country is held only where the sentence names it ("us" is no United States)
    assert not _speaks_of_its_words("The sea-level rise threatens us.", sea, ["USA"])


# Words few passages use say what a question is about (see documents.TYPED_WORD_SHARE): here,
# any but the common ones
COMMON = {"united", "nations", "government", "member", "states"}


def _specific(word: str) -> bool:
    return word.casefold() not in COMMON


def _held(sentence: str, question: str) -> bool:
    """Whether ``sentence`` holds a phrase ``question`` types in Latin letters."""
    return _holds_phrase(sentence, _typed_phrases(question, _specific))


def test_words_typed_in_latin_letters_in_another_script_are_words_read_as_themselves() -> None:
    # "討論" (discussion) read by the lexicon, "AI" typed as the documents write it
    discussion = [Reading("討論", ("討論",), ("discussion",))]
    question = "日本の国連一般討論演説 AIガバナンスについて何て言ってた"
    typed = _typed_in_latin(question, discussion, _specific)
    assert typed == ["AI"]
    sentence = "We will continue to contribute to the discussions on AI at the United Nations."
    assert _speaks_of_its_words(sentence, discussion, (), typed)
    assert not _speaks_of_its_words(sentence, discussion)  # one word read is chance
    assert not _speaks_of_its_words("The discussions went on.", discussion, (), typed)
    # a country typed is counted as a country, every word of its name; a Latin-script
    # language's words are its own
    assert _typed_in_latin("Fiji 해수면 상승", [], _specific) == []
    assert _typed_in_latin("Sri Lanka の宇宙政策は", [], _specific) == []
    assert _typed_in_latin("que dit le Japon sur l'IA", [], _specific) == []
    # words in a quarter of all passages say nothing of what is asked
    assert _typed_in_latin("United Nations のサイバー犯罪条約", [], _specific) == []
    # a word the lexicon read already is not counted twice
    fintech = [Reading("fintech", ("fintech",), ("fintech",))]
    assert _typed_in_latin("fintech 규제 동향", fintech, _specific) == []
    assert _typed_in_latin("fintech 규제 동향", [], _specific) == ["fintech"]


def test_a_phrase_typed_in_latin_letters_in_another_script_is_held_word_after_word() -> None:
    question = "CEPA 猛暑対策で chief heat officer について何か提言ある?"
    answer = "Chief heat officers could helpfully be designated to lead task forces."
    assert _held(answer, question)  # plural and capitalised
    assert not _held("The chief of the heat-response office.", question)
    assert not _held("He was chief. Heat officers met.", question)
    # acronyms alone stand in headings and lists: no term of art
    assert not _held("The OECD DGI 2023 results.", "OECD DGI 2023 的结果如何")
    # nor common words, nor a country's name
    budget = "The United Nations budget was adopted by the Member States."
    assert not _held(budget, "United Nations のサイバー犯罪条約")
    assert not _held("Viet Nam grew.", "Viet Nam 경제 성장률")
    # in a Latin-script language the words in Latin letters are the question's own
    latin = "que recommande la CEPA sur le chief heat officer"
    assert not _held(answer, latin)


def test_a_country_named_in_the_questions_language_is_not_read_again_by_the_lexicon() -> None:
    # the lexicon reads names as noise ("日本" as "suisse"); the gloss reads it as Japan
    read = [
        Reading("日本", ("日本",), ("suisse",)),
        Reading("国連", ("国連",), ("nations",)),
    ]
    kept = _without_country_names(read, "日本の国連一般討論演説")
    assert [r.word for r in kept] == ["国連"]
    assert _without_country_names(read[1:], "国連一般討論演説") == read[1:]


def test_the_topic_of_a_question_read_from_another_language_is_checked_in_its_english_words(
    assistant: Assistant,
) -> None:
    # the reading turned "combien de pays" into "how many" and left the rest as typed: those
    # French words are no topic an English passage must hold (the gate judged them)
    typed = "eGovernment Benchmark UE combien de pays couverts et combien d'événements de vie"
    read = "eGovernment Benchmark UE how many couverts et combien d'événements de vie"
    assert english_only(read, typed, assistant.retriever) == "eGovernment Benchmark UE how many"
    # an English word typed in the question, and names, stay; so does a word neither
    # language's dictionary knows: it is what the topic check must see
    typed = "que dit le government sur la transformation numérique des services publics"
    read = "what government transformation numérique des services publics"
    assert english_only(read, typed, assistant.retriever) == (
        "what government transformation services"
    )
    typed = "¿qué dijo Fiji sobre blockchain en la asamblea general?"
    read = "what did Fiji say blockchain en la asamblea"
    assert "blockchain" in english_only(read, typed, assistant.retriever)


def test_warming_up_loads_what_questions_in_other_languages_are_read_with(small_store) -> None:
    """An API worker warms up before it serves: the multilingual model, the lexicon, and the
    collections beside the passages are open before the first question in Korean (about 4 s
    on it otherwise, in each worker)."""
    from pythainlp.tokenize import word_dict_trie

    from assistant import crosslingual

    crosslingual._pattern.cache_clear()
    word_dict_trie.cache_clear()
    assistant = Assistant(small_store)
    assert assistant.retriever.searches_by_meaning()
    assistant.warm()
    # each language's names and terms are patterns already, and Thai's dictionary a trie
    compiled = crosslingual._pattern.cache_info().misses
    for question, code in [("피지의 전자정부 순위", "ko"), ("斐济的电子政务", "zh")]:
        crosslingual.gloss(question, code)
    assert crosslingual._pattern.cache_info().misses == compiled
    assert word_dict_trie.cache_info().currsize == 1
    assert assistant.retriever.multilingual._model is not None
    assert assistant.retriever._lexicon is not None
    assert assistant.store.sentences is not None
    assert assistant.store.sentences.store._collection is not None
    assert assistant.store.sentence_vectors is not None
    assert assistant.store.sentence_vectors.store._collection is not None
