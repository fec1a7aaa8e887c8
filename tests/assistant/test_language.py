"""Telling a question's language and the words of it the English passages cannot share
(assistant/language.py)."""

from __future__ import annotations

import pytest

from assistant.language import foreign_script_words, language_name, question_language


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("피지의 2024년 전자정부발전지수는?", "ko"),
        ("CEPA 对人工智能有什么建议？", "zh"),
        ("CEPAは人工知能について何を勧告しましたか", "ja"),
        ("Что CEPA рекомендовал об искусственном интеллекте?", "ru"),
        ("Quel est l'indice de développement de l'administration en ligne des Fidji ?", "fr"),
        ("¿Qué recomendó el CEPA sobre la inteligencia artificial?", "es"),
        ("ดัชนีรัฐบาลอิเล็กทรอนิกส์ของฟิจิ", "th"),
        ("Chỉ số phát triển chính phủ điện tử của Fiji năm 2024 là bao nhiêu?", "vi"),
        ("what did the committee of experts say about artificial intelligence", "en"),
        ("fiji egdi 2024", "en"),  # too short to tell from its letters: Latin script reads English
        # names of countries and indicators as English writes them say nothing of the language:
        # the words around them do (lingua reads the first as Vietnamese)
        ("lao pdr osi rank", "en"),
        ("bhutan egdi rank 2024", "en"),  # nothing but names and a year
        ("cual es el egdi de chile", "es"),  # "es", "el", "de" are English words too
        ("cambodia e-government development index rank", "en"),
        ("chỉ số egdi của lào năm 2024", "vi"),
        ("kapan timor leste menjadi anggota pbb", "id"),
        # a possessive typed without its apostrophe is a name
        ("whats fijis egdi", "en"),
        # a code of letters and digits is a word of no language (lingua: Spanish)
        ("apfsd13 dates in 2026?", "en"),
        # too little left besides the names to tell a language by (lingua: French, Malay)
        ("png vs solomons hci 2024", "en"),
        ("usa's dgi score 2023", "en"),
        ("avg egdi asean 2024", "en"),
        ("btw png vs solomons hci 2024", "en"),  # chat words are English ("hinglish" lists them)
        ("usa dgi score 2023 lol", "en"),
        # but a few words of the language with the names are enough
        ("Fidji IDEG combien en 2024", "fr"),
        # trigrams take a short question for a language none of its words are in (lingua:
        # Malay); the French dictionary knows them
        ("Singapour durée du mandat de l'Auditor-General", "fr"),
        # a Malay question with no word French knows stays Malay
        ("berapa lama tempoh jawatan Ketua Audit Negara Singapura", "ms"),
    ],
)
def test_the_language_a_question_is_written_in(question: str, code: str) -> None:
    assert question_language(question) == code


def test_a_question_of_no_letters_has_no_language() -> None:
    assert question_language("2024?") is None
    assert language_name(None) == "another language" and language_name("ko") == "Korean"


def test_words_in_another_script_are_the_runs_of_that_script() -> None:
    assert foreign_script_words("fiji egdi 2024 in Suva") == []
    assert foreign_script_words("Quel est l'indice des Fidji ?") == []  # Latin script
    assert foreign_script_words("CEPA 对人工智能有什么建议？") == ["对人工智能有什么建议"]
    assert foreign_script_words("피지의 2024년 EGDI") == ["피지의", "년"]
    # Thai vowel and tone marks stay with their letters
    assert foreign_script_words("ดัชนีของฟิจิ") == ["ดัชนีของฟิจิ"]


def test_a_function_word_of_another_language_keeps_a_short_question_out_of_english() -> None:
    """ "kalau" (Indonesian "if") is a word of another language, though too few letters are left
    besides the name for trigrams to say which: the question is not English."""
    assert question_language("kalau Vietnam?") not in (None, "en")
