"""Follow-up questions ("And in 2022?", "What about Samoa?") made standalone.

A conversation is its earlier turns; :func:`rewrite_follow_up` carries the previous question
over with the new year or country by rules (an LLM, when configured, rewrites instead: see
:func:`assistant.answering.llm.rewrite_question`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant import countries as country_names
from assistant import crosslingual
from assistant.answering.context import AnswerContext
from assistant.answering.understanding import is_function_word, understand
from assistant.answering.wordlists import STOPWORDS
from assistant.country_groups import Group, find_groups, typed_name
from assistant.indicators import HEADS, INDICATORS, find_indicators, names_of
from assistant.language import LANGUAGES, question_language, too_short_to_tell
from assistant.text import YEAR, un_symbols


@dataclass
class Turn:
    """One earlier exchange of a conversation, as the rewriter needs it."""

    question: str
    standalone: str
    kind: str = "document"


@dataclass
class Conversation:
    """A conversation as answering needs it: its id (empty when nothing is kept) and turns."""

    id: str = ""
    turns: list[Turn] = field(default_factory=list)


def standalone_question(
    question: str, conversation: Conversation | None, context: AnswerContext
) -> str:
    """A standalone version of a follow-up question ("And in 2022?", "What about Samoa?"): by
    the configured LLM when there is one, else by :func:`rewrite_follow_up`'s rules."""
    if not conversation or not conversation.turns:
        return question
    if context.uses_llm:
        llm = context.llm()
        if llm is not None:
            from assistant.answering.llm import rewrite_question

            history = [(t.question, t.standalone) for t in conversation.turns[-4:]]
            return str(rewrite_question(llm, question, history))
    among = _which_of_them(question, [t.standalone for t in conversation.turns])
    if among is not None:
        return among
    return rewrite_follow_up(question, conversation.turns[-1].standalone)


# "which one is better?", "who is ahead?", "which of them ranks higher?": a choice among what the
# conversation has asked about, naming none of it.
_WHICH_OF_THEM = re.compile(
    r"^\W*(?:so\W+|and\W+|ok\W+)?(?:which|who)(?:\s+one)?(?:\s+of\s+(?:them|the\s+two|these|those))?"
    r"(?:\s+(?:is|was|does|did|has|had|ranks?|ranked|scores?|scored|comes?|came))?"
    r"(?:\s+the)?\s+(?:best|better|higher|highest|lower|lowest|worse|worst|ahead|behind|"
    r"first|top|stronger|strongest|weaker|weakest)\b",
    re.I,
)


def _which_of_them(question: str, earlier: list[str]) -> str | None:
    """The question a choice among the conversation's countries asks ("which one is better?"
    after "denmark's egdi rank 2024" and "and korea?"): the last question, asked of every
    country the conversation has named since its subject was set (newest last), when that is
    two or more. None when the follow-up is no such choice or names countries of its own."""
    if not earlier or not _WHICH_OF_THEM.search(question) or country_names.in_question(question):
        return None
    last = earlier[-1]
    named = country_names.in_question(last)
    if len(named) >= 2:
        return last  # the last question already asks about them all
    if len(named) != 1:
        return None
    subject = _replace_country(last, named[0], "").casefold()
    countries = list(named)
    for before in reversed(earlier[:-1]):
        found = country_names.in_question(before)
        if len(found) != 1 or _replace_country(before, found[0], "").casefold() != subject:
            break  # another question: the choice is among those asked the same one since
        if found[0] not in countries:
            countries.insert(0, found[0])
    if len(countries) < 2:
        return None
    return _replace_country(last, named[0], _joined(countries))


def rewrite_follow_up(question: str, previous: str) -> str:
    """:func:`_rewrite` for a follow-up in any language the assistant reads: one in another
    language ("네팔은?", "日本呢？") is read with its names and the previous question's in
    English (:func:`assistant.crosslingual.gloss`) and is returned as typed when it stands on
    its own."""
    earlier = question_language(previous)
    before = crosslingual.gloss(previous, earlier).text
    language = question_language(question)
    if language in (None, "en") and earlier not in (None, "en") and too_short_to_tell(question):
        language = earlier  # "kalau vietnam?" after an Indonesian question is Indonesian
    if language is None or language == "en" or language not in LANGUAGES:
        rewritten = _rewrite(question, before)
        return question if rewritten == question else rewritten
    read = crosslingual.gloss(question, language)  # names read, digits set apart ("2022년")
    if not read.read_as and earlier in LANGUAGES and earlier not in (language, "en"):
        # the detector misled by a name ("kalau vietnam?" after an Indonesian question, read as
        # Vietnamese): the conversation's language
        read = crosslingual.gloss(question, earlier)
    if read.read_as:
        # the names read and the years are what the rules can use: the words around them are
        # not English, and an English rule would misread them ("kalau", "if", as Palau)
        said = " ".join([*dict.fromkeys(read.read_as.values()), *YEAR.findall(read.text)])
        return _rewrite(said, before)
    rewritten = _rewrite(read.text, before)
    return question if rewritten == read.text else rewritten


def _rewrite(question: str, previous: str) -> str:
    """Rules for short follow-ups: carry the previous question with a new year or country.

    "And in 2022?" after "What was Fiji's EGDI in 2024?" gives "What was Fiji's EGDI in 2022?";
    "What about Samoa?" gives "What was Samoa's EGDI in 2024?". A question that stands on its own
    (long, or naming its own subject) is returned unchanged.
    """
    judged = _OPENER.sub("", question)
    words = judged.split()
    new_years = YEAR.findall(question)
    # as the plan reads them: an indicator asked of an ISO code alone ("nz egdi 2024") names it
    new_countries = country_names.in_question(question) or understand(question).countries
    new_groups = find_groups(question)
    follow_up_cue = _FOLLOW_UP_CUE.match(judged)
    # "what did it say on the digital divide": a pronoun points back, however long the question
    pointing_back = points_back(question)
    # "how does japan compare?": a comparison that names nothing to compare with is with the
    # previous question's country
    compared = bool(_OPEN_COMPARISON.search(question)) and len(new_countries) == 1
    if compared:
        old = [c for c in country_names.in_question(previous) if c not in new_countries]
        if len(old) == 1:
            return _replace_country(previous, old[0], _joined([*old, *new_countries]))
    if not (follow_up_cue or pointing_back) and (len(words) > 8 or _stands_alone(judged, words)):
        return question
    # "and hci?" after a question on Nepal's OSI: the new indicator in the old one's place
    # (not "which of them is in gtmi group a?": a question of its own)
    old_indicators = find_indicators(previous)
    new_indicators = [c for c in find_indicators(question) if c not in old_indicators]
    after_cue = judged[follow_up_cue.end() :] if follow_up_cue else judged
    if (
        not (follow_up_cue or pointing_back)
        and new_countries
        and new_indicators
        and len(new_indicators) == len(find_indicators(question))
    ):
        # "fiji egdi 2024" after "did mongolia's gtmi drop in 2025?": its own country and its own
        # indicator, and nothing saying it goes on: a question of its own, asked as typed
        return question
    if new_indicators and old_indicators and not _OWN_QUESTION.search(after_cue):
        previous = _replace_indicator(previous, old_indicators[0], new_indicators[0])
        if not (new_years or new_countries or new_groups):
            # what else the follow-up asks is asked of the new one ("and egdi rank?", "and
            # hci trend?", "what about hci and tii?")
            rest = _without_indicators(after_cue) or len(new_indicators) > 1
            return f"{previous} {after_cue.strip()}" if rest else previous
    if (
        old_indicators
        and not new_indicators
        and not new_countries
        and not country_names.in_question(previous)
    ):
        # a question about no particular country before ("top 5 in asia on egdi 2024"): a
        # follow-up asking something else of the group ("how many are above 0.75?") asks it of
        # the same indicator, year and group (after a question on Fiji, "and its rank?" is Fiji's)
        asked = _asked_of_the_group(after_cue, previous, old_indicators[0])
        if asked is not None:
            return asked
    carried = f"{previous} {question}".strip()
    own_words = judged[follow_up_cue.end() :] if follow_up_cue else judged
    if (new_years or new_countries or new_groups) and _asks_its_own(own_words, previous):
        # "and for sids, what did they launch?" after a question on the LDCs in a report: a new
        # question about the same documents, not the old one with the group replaced; what the
        # old one said of its country or group is now said of the new one ("and cambodia, any
        # renewables target?" after Lao PDR's speech: Cambodia's speech)
        return f"{_with_new_names(previous, new_countries, new_groups)} {question}".strip()
    if not (new_years or new_countries or new_groups):
        # what reaches here is short and does not stand alone ("so in euros the target is
        # what?"): it names nothing new, so it asks about the previous question's subject
        return carried
    if len(words) > 4 and not _names_what_to_replace(previous, new_countries, new_groups):
        # "where do india and china rank on it", after a question about an index: the new
        # countries are asked about the previous subject, not put in place of its own
        return carried
    result = previous
    old_years = YEAR.findall(previous)
    if new_years:
        if old_years and _ASKS_CHANGE.search(question) and old_years[-1] != new_years[-1]:
            # "what about 2025, did it drop?" after a question on 2022: the change between the
            # two years, not the new year alone
            first, last = sorted((old_years[-1], new_years[-1]))
            span = f"from {first} to {last}"
            result = re.sub(rf"\b(?:in\s+)?{old_years[-1]}\b", span, result, count=1)
        elif old_years:
            result = re.sub(rf"\b{old_years[-1]}\b", new_years[-1], result)
        else:
            result = f"{result.rstrip('?')} in {new_years[-1]}?"
    if new_countries:
        old = country_names.in_question(previous)
        new_name = _joined(new_countries)
        replaced = _replace_country(result, old[0], new_name) if old else result
        if replaced == result:
            replaced = f"{result.rstrip('?')} for {new_name}?"
        result = replaced
    if new_groups:
        old_groups = find_groups(previous)
        new_group = new_groups[0].name
        replaced = _replace_group(result, old_groups[0], new_group) if old_groups else result
        old_countries = country_names.in_question(result)
        if replaced == result and not old_groups and old_countries and not new_countries:
            # "anyone from the pacific?" after a question on the Philippines: the group in the
            # country's place
            replaced = _replace_country(result, old_countries[0], new_group)
        if replaced == result:
            replaced = f"{result.rstrip('?')} in {new_groups[0].name}?"
        result = replaced
    return result


# A follow-up asking how things moved since the year asked before ("did it drop?", "has it gone
# up?", "any change?", "better or worse?").
_ASKS_CHANGE = re.compile(
    r"\b(?:drop\w*|fell|fall\w*|declin\w*|decreas\w*|ris(?:e|en|ing)|rose|increas\w*|"
    r"improv\w*|grow\w*|grew|go(?:ne)?\s+(?:up|down)|went\s+(?:up|down)|chang\w*|better|worse|"
    r"since)\b",
    re.I,
)


# What an indicator question asks of a group of countries rather than of one: the follow-up
# that asks one of these asks its own question of the indicator and year asked about before.
_OF_THE_GROUP = frozenset({"average", "top", "bottom", "count", "improved", "declined"})


def _asked_of_the_group(own: str, previous: str, indicator: str) -> str | None:
    """The follow-up's own question of the previous question's indicator and years, when the
    previous question asked the indicator data something and the follow-up asks something of a
    group of countries that it did not ("whats the oecd avg score?" after "who were the top
    performers in the oecd dgi 2023?": the OECD average of the DGI in 2023, not the top
    performers again, nor the OECD put in place of anything)."""
    before = understand(previous).kind
    if before == "documents":
        return None  # "oecd dgi 2023 - how did countries do on proactiveness?" asked a report
    years = " ".join(dict.fromkeys(YEAR.findall(previous)))
    own = own.strip().rstrip("?")
    # the group asked about before still bounds the question unless it names its own
    groups = [] if find_groups(own) else find_groups(previous)
    where = f"in {groups[0].name}" if groups else ""
    question = " ".join(filter(None, [own, INDICATORS[indicator].name, where, years])) + "?"
    kind = understand(question).kind
    if kind in _OF_THE_GROUP and kind != before:
        return question
    return None


# A question clause of its own: a question word and at least two words after it.
_OWN_QUESTION = re.compile(r"\b(?:what|which|who|how|when|where|why)\b(?:\W+\w+){2,}", re.I)


def _asks_its_own(question: str, previous: str) -> bool:
    """Whether a follow-up (``question``: its words after the cue) that names a new country,
    group or year asks a question of its own about documents ("and for sids, what did they
    launch?", "and cambodia, any renewables target?") rather than the previous question again
    for them ("what about samoa?", "and in 2022?"): a question clause, or words of substance
    the previous question does not have. A previous question on an indicator is asked again
    for the new names ("and in 2022, what was the rank?" is that indicator's rank in 2022)."""
    if find_indicators(previous):
        return False
    if _OWN_QUESTION.search(question):
        return True
    rest = question
    for code in country_names.in_question(question):
        rest = _replace_country(rest, code, " ")
    for group in find_groups(rest):
        rest = _replace_group(rest, group, " ")
    asked_before = {w.lower() for w in re.findall(r"[^\W\d_]+", previous)}
    new = [
        w
        for w in re.findall(r"[^\W\d_]+", rest)
        if len(w) > 3 and w.lower() not in STOPWORDS and w.lower() not in asked_before
    ]
    return bool(new)


def _with_new_names(previous: str, countries: list[str], groups: list[Group]) -> str:
    """``previous`` with its country (or group) replaced by the first new one, where it has one."""
    old_countries = country_names.in_question(previous)
    if countries and old_countries:
        return _replace_country(previous, old_countries[0], _joined(countries))
    old_groups = find_groups(previous)
    if groups and old_groups:
        return _replace_group(previous, old_groups[0], groups[0].name)
    return previous


def _joined(countries: list[str]) -> str:
    """Every country a follow-up names, in place of the one asked about before ("what about
    india and china?": both are asked about, not the first alone)."""
    names = [country_names.name(c) for c in countries]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _names_what_to_replace(previous: str, countries: list[str], groups: list[Group]) -> bool:
    """Whether the previous question names a country (or a group) the new ones can stand in for;
    a question naming only a year always can."""
    if countries and not country_names.in_question(previous):
        return False
    return not (groups and not find_groups(previous))


def follow_up_focus(question: str, standalone: str) -> str | None:
    """The follow-up's own words when it was made standalone by carrying the previous question
    before it ("what about regulators" after a question on audit institutions): the sentences
    quoted should answer these, found among the passages both retrieve. None otherwise."""
    question = question.strip()
    if standalone != question and standalone.endswith(" " + question):
        return question
    return None


# Longest first: "and what about fiji?" is the cue "and what about", not "and".
_FOLLOW_UP_CUE = re.compile(
    r"^\s*(and what about|and how about|what about|how about|same for|what of|anything|and|in|"
    r"for|any)\b",
    re.I,
)
# Words a question may open with that say nothing of whether it follows on ("so", "also", "ok"):
# the question is judged without them.
_OPENER = re.compile(r"^\W*(?:so|but|also|ok|okay|then|well)\b[\s,]*", re.I)


def _replace_group(text: str, old: Group, new_name: str) -> str:
    """``text`` with the group ``old`` (any of its names, any case) named ``new_name``."""
    for name in sorted(old.names, key=len, reverse=True):
        pattern = typed_name(name)
        if re.search(pattern, text, re.I):
            return re.sub(pattern, new_name, text, count=1, flags=re.I)
    return text


_QUESTION_START = re.compile(
    r"^\s*(what|how|which|who|whom|when|where|why|does|do|did|is|are|was|were|has|have|can|"
    r"could|should|would|will|list|compare|describe|explain|summari[sz]e|tell|give|show)\b",
    re.I,
)
_BACK_REFERENCE = re.compile(
    r"\b(it|its|it's|that|this|they|them|their|there|those|these|same|then|previous|above|"
    r"he|him|his|she|her|hers)\b",
    re.I,
)


def _stands_alone(question: str, words: list[str]) -> bool:
    """A complete question of its own ("What is Fiji's EGDI?", "Which country ranked first in
    2010?"): it starts like a question, names its own subject and points back at nothing."""
    return (
        len(words) >= 4
        and bool(_QUESTION_START.match(question))
        and not _BACK_REFERENCE.search(question)
        # a choice among what the conversation asked ("which one is better?") is read by
        # _which_of_them or left as asked: there is no one subject to carry
        and (_names_a_subject(question) or bool(_WHICH_OF_THEM.search(question)))
    )


def _names_a_subject(question: str) -> bool:
    """Whether a question names what it is about: a country, a group, an indicator, a year, a UN
    symbol, a word no English dictionary knows (a body's acronym, "cepa", "unctad") or a word
    capitalised as a name is after the first ("the Committee", "the Pentagram of Action"). One
    of lower-case English words only ("who's next n how many in the pipeline?") asks about what
    the conversation is about."""
    if any(word[:1].isupper() for word in question.split()[1:]):
        return True
    if (
        country_names.in_question(question)
        or find_groups(question)
        or find_indicators(question)
        or YEAR.search(question)
        or un_symbols(question)
    ):
        return True
    return any(
        not country_names.is_english_word(word)
        for word in re.findall(r"[^\W\d_]{3,}", question)
        if not is_function_word(word)
    )


def points_back(question: str) -> bool:
    """Whether a follow-up's own words point back at what the conversation named ("by when do
    pas have to integrate it?", "who chaired it?") and name no country of their own."""
    return bool(_BACK_REFERENCE.search(question)) and not country_names.in_question(question)


# The heads of an indicator's name that say what is asked of it ("egdi rank", "osi score"),
# unlike "index" and "indicator", which are part of its name.
_ASKED_OF = frozenset(HEADS) - {"index", "indicator"}


def _without_indicators(text: str) -> list[str]:
    """The words of ``text`` that are neither an indicator's name nor a function word ("rank"
    and "score" are what is asked of it, not its name)."""
    named = {w for code in find_indicators(text) for n in names_of(code) for w in n.split()}
    named -= _ASKED_OF
    return [
        w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in named and w not in STOPWORDS
    ]


# "compare", "compares", "compared", "stack up", ending the question with nothing after it
_OPEN_COMPARISON = re.compile(r"\b(?:compare[sd]?|stacks?\s+up|measures?\s+up)\W*$", re.I)


def _replace_indicator(text: str, old: str, new: str) -> str:
    """``text`` with the indicator ``old`` (code; any of its names as typed) named as ``new``."""
    for name in sorted(names_of(old), key=len, reverse=True):
        pattern = r"(?<![\w-])" + r"[\W_]+".join(map(re.escape, name.split())) + r"(?![\w-])"
        found = re.search(pattern, text, re.I)
        if found:
            # what was asked of the old one is asked of the new: "egdi rank" -> "OSI rank"
            last = name.split()[-1]
            head = last if last in _ASKED_OF else ""
            named = " ".join(filter(None, [INDICATORS[new].name, head]))
            return text[: found.start()] + named + text[found.end() :]
    return text


def _replace_country(text: str, old: str, new_name: str) -> str:
    """``text`` with the country ``old`` (ISO3; any of its names, any case) as ``new_name``."""
    aliases = sorted(country_names.names(old), key=len, reverse=True)
    import pycountry

    record = pycountry.countries.get(alpha_3=old)
    if record is not None:
        aliases += [record.name, getattr(record, "common_name", "") or record.name]
    for alias in sorted(set(aliases), key=len, reverse=True):
        # "timor leste" as typed is "Timor-Leste": words joined by spaces or hyphens alike
        words = re.split(r"[\s-]+", alias)
        pattern = r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, words)) + r"(?![\w-])"
        if re.search(pattern, text, re.I):
            return re.sub(pattern, new_name, text, flags=re.I)
    return text
