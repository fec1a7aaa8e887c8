"""Query understanding: the question as typed turned into a :class:`QueryPlan` the answerers use.

Practitioners type "fiji egdi 2024", "FIJI's e-gov ranking", "cambodia vs laos vs myanmar
telecom infrastructure", "top 5 in asia on egdi", "which pacific islands improved most". The plan
holds what such a question names and asks, found by general rules that do not depend on case,
accents, possessives or punctuation:

* **countries**, by any of their names (``assistant.countries``) and, for a word no English
  dictionary knows, by the nearest country name (rapidfuzz; "indonesai" is Indonesia);
* **groups**: UN regions and sub-regions, SIDS, LDCs, ASEAN, OECD… (``assistant.country_groups``);
* **indicators**, by code, name or alias (the registry in ``assistant.indicators``);
* **years**, and what is asked: a value, a rank, a trend, a change, the top or bottom N, who
  improved most, a count (above a threshold or in an EGDI level), the weakest or strongest
  component, or a comparison.

:meth:`QueryPlan.describe` is the "Understood as …" line an answer carries, so that a reader sees
what was searched and computed. Nothing here answers; the router and answerers read the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import jellyfish

from assistant import countries as country_names
from assistant import crosslingual
from assistant.answering.sources import attributed
from assistant.answering.wordlists import FIGURE, NOT_A_FIGURE, RANKING, SCORE_WORDS, STOPWORDS
from assistant.country_groups import Group, find_groups
from assistant.country_groups import groups as all_groups
from assistant.indicators import INDICATORS, find_indicators, names_of
from assistant.storage.acronyms import in_order
from assistant.text import YEAR, fold

# "fiji's", "FIJI’s" -> "fiji", "FIJI": a possessive never changes what is named.
POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b", re.I)

_NUMBER_WORDS = {"three": 3, "five": 5, "ten": 10, "two": 2, "four": 4, "six": 6, "twenty": 20}
_N = r"(\d{1,3}|three|five|ten|two|four|six|twenty)"

# What an indicator question asks, each by the words English uses for it.
_TOP_N = re.compile(
    rf"\b(?:top|best|highest|leading|first)\s+{_N}\b|\b{_N}\s+(?:best|highest|top|leading|strongest)\b",
    re.I,
)
_BOTTOM_N = re.compile(
    rf"\b(?:bottom|worst|lowest|last|weakest)\s+{_N}\b|\b{_N}\s+(?:worst|lowest|weakest)\b", re.I
)
_BEST = re.compile(
    r"\b(top|tops|topped|best|highest|leading|leader|leads|strongest|first place|ranked first|"
    r"number one|no\.? ?1)\b",
    re.I,
)
# "which country ...", "who was first", "who came top": the top of a ranking (no country named)
_WHO_FIRST = re.compile(r"\bwhich countr|\b(who|which)\b.{0,30}\b(first|top|tops|topped)\b", re.I)
_WORST = re.compile(r"\b(bottom|worst|lowest|weakest|last place|ranked last)\b", re.I)
# The verbs of going up and of going down a question asks the most of ("improved most", "jumped
# the most", "biggest slide"): the change between two editions, the greatest first. Not
# "advanced": "the most advanced" is the best, not the most changed.
_MOVED = r"(went|go(es|ing)?|mov(e|ed|ing))"
_UP = (
    r"improv\w*|gain\w*|increas\w*|rose|risen|ris(e|es|ing)|grew|grown|progress\w*|climb\w*|"
    rf"jump\w*|leap\w*|soar\w*|{_MOVED} up"
)
_DOWN = (
    r"declin\w*|fell|fall\w*|dropp?\w*|decreas\w*|lost|slipp?\w*|slid\w*|plung\w*|"
    rf"{_MOVED} down"
)
# A word of going up or down on its own: of a country named, it asks how its value changed
# ("did mongolia's gtmi drop in 2025?", "has fiji's osi improved?").
_MOVED_UP_OR_DOWN = re.compile(rf"\b({_UP}|{_DOWN})\b", re.I)
# ... not when a way to change it is asked ("how can mongolia improve its gtmi score?").
_ADVICE = re.compile(
    rf"\b(how (can|could|should|might|to|do(es)?)|ways? to|in order to|to)\W+(\w+\W+){{0,4}}({_UP}|{_DOWN})\b",
    re.I,
)
_IMPROVED = re.compile(
    rf"\b({_UP})\b.{{0,20}}\b(most|fastest|biggest|largest|greatest)\b|"
    rf"\b(most|fastest|biggest|largest|greatest)\b.{{0,20}}\b({_UP})\b",
    re.I,
)
_DECLINED = re.compile(
    rf"\b({_DOWN})\b.{{0,20}}\b(most|fastest|biggest|largest)\b|"
    rf"\b(most|biggest|largest)\b.{{0,20}}\b({_DOWN})\b",
    re.I,
)
# "number 2", "no. 2", "#2", "the 2nd", "ranked 5th": one position of a ranking.
_POSITION = re.compile(
    r"\b(?:number|no\.?|#)\s*(\d{1,3})\b|#(\d{1,3})\b|\b(\d{1,3})(?:st|nd|rd|th)\b(?!\s+(?:century|edition|session))",
    re.I,
)
_COUNT = re.compile(r"\b(how many|number of|no\.? of|count of|count)\b", re.I)
_COUNTRIES = re.compile(r"\b(countr(y|ies)|nations?|states|economies|members)\b", re.I)
# "average egdi of sids", "mean osi in south asia": one figure over a group's values (not "above
# the average", a comparison with it)
_AVERAGE = re.compile(r"\b(average|mean|median|avg)\b", re.I)
_AGAINST_AVERAGE = re.compile(
    r"\b(above|below|over|under|than|vs\.?|versus)\s+(the\s+)?(\w+\s+)?(average|mean|median)\b",
    re.I,
)
# What a list of countries is asked with: "which", "list", "name", or the countries themselves
_LISTED = re.compile(r"\b(which|list|name|countr(y|ies))\b", re.I)
_VALUE = r"(0?\.\d+|1(?:\.0+)?)\b"
# "above 0.75", "at least 0.5", "0.5 or more": a threshold a count is over
_THRESHOLD = re.compile(
    r"\b(above|over|more than|greater than|at least|no less than|exceed\w*|higher than|below|"
    rf"under|less than|lower than|at most|no more than)\s+{_VALUE}|"
    rf"(?<![\w.]){_VALUE}\s+or\s+(more|above|higher|greater|less|below|lower)\b",
    re.I,
)
# "at least 0.75" and "0.75 or more" include the bound; "above 0.75" does not.
_INCLUSIVE = re.compile(r"^(at least|no less than|at most|no more than)$", re.I)
_BELOW = re.compile(r"^(below|under|less than|lower than|at most|no more than|less|lower)$", re.I)
# The E-Government Survey's EGDI levels (its methodology): very high above 0.75, high 0.50-0.75,
# middle 0.25-0.50, low below 0.25.
EGDI_LEVELS: dict[str, tuple[float, float]] = {
    "very high": (0.75, 1.0),
    "high": (0.5, 0.75),
    "middle": (0.25, 0.5),
    "low": (0.0, 0.25),
}
# "the very high egdi group", "high level", "very high egdi": a level by the Survey's name for it
_LEVEL = re.compile(
    r"\b(very high|high|middle|low)\b[\s-]+"
    r"(?:(?:egdi\s+)?(?:group|level|category|tier)|egdi)\b"
    r"(?![\s-]+(?:political|panel|meeting|event|segment|forum|dialogue|conference|summit|week))",
    re.I,
)
# "group A", "group b": the letter a data file puts on each row (the GTMI's groups A to D)
_DATA_GROUP = re.compile(r"\bgroup\s+([a-d])\b(?![.'’-])", re.I)
_COMPONENT = re.compile(
    r"\b(weakest|strongest|lowest|highest|worst|best)\b.{0,25}\b(component|sub-?index|sub-?indices|pillar|part|area|dimension)\b|"
    r"\b(component|sub-?index|pillar|dimension)s?\b.{0,25}\b(weakest|strongest|lowest|highest|worst|best)\b",
    re.I,
)
_CHANGE = re.compile(
    r"\b(chang\w*|differen\w*|gain\w*|grow\w*|grew|how much .{0,20}(rise|rose|fall|fell|improv\w*|increas\w*|decreas\w*))\b",
    re.I,
)
_TREND = re.compile(
    r"\b(trend\w*|since|over time|over the years|evolv\w*|history|historical|progress\w*|"
    r"(over|across|in|through) (the |all |every )?(\w+ ){0,2}(editions|rounds|waves|surveys)|"
    r"all (the )?years|every edition)\b",
    re.I,
)
_RANK = re.compile(r"\b(rank\w*|position|place[ds]?|standing)\b", re.I)
_COMPARE = re.compile(
    r"\b(compare\w*|comparison|versus|vs\.?|v\.|against|differ\w*|higher|lower|better|worse|both)\b",
    re.I,
)

# The components of a composite indicator: the EGDI is the mean of OSI, HCI and TII (the Survey's
# methodology); the GTMI of its four indices (the World Bank's); the OECD DGI of its six
# dimensions (the OECD's: an unweighted average of them).
COMPONENTS: dict[str, tuple[str, ...]] = {
    "egdi": ("osi", "hci", "tii"),
    "gtmi": ("cgsi", "psdi", "dcei", "gtei"),
    "dgi": (
        "dgi_digital_design",
        "dgi_data_driven",
        "dgi_govt_as_platform",
        "dgi_open_default",
        "dgi_user_driven",
        "dgi_proactiveness",
    ),
}


@dataclass
class QueryPlan:
    """What a question names and asks. ``kind`` is one of: ``value``, ``rank``, ``trend``,
    ``change``, ``top``, ``bottom``, ``improved``, ``declined``, ``count``, ``average``,
    ``component``, ``comparison`` (indicator questions) or ``documents`` (anything else)."""

    question: str
    text: str  # the question with possessives removed and spaces single
    countries: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    kind: str = "documents"
    top_n: int | None = None
    threshold: tuple[str, float] | None = None  # (">", ">=", "<" or "<=", value)
    level: str | None = None  # an EGDI level: "very high", "high", "middle", "low"
    # a group the data file gives each row ("group A": the GTMI's groups A to D)
    data_group: str | None = None
    # a count of the countries ranked in the "top" or "bottom" ``top_n`` ("how many sids are in
    # the top 50")
    rank_cut: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> country name
    expansions: dict[str, str] = field(default_factory=dict)  # acronym -> the documents' name
    language: str = "en"  # the language the question is written in (ISO 639-1)
    # whose words the question asks for and how many documents are theirs ("from cepa (3
    # documents)"): :mod:`assistant.answering.sources`
    source: str | None = None

    @property
    def indicator(self) -> str | None:
        return self.indicators[0] if self.indicators else None

    @property
    def members(self) -> frozenset[str] | None:
        """The countries the named groups share (None when no group is named)."""
        if not self.groups:
            return None
        members = self.groups[0].members
        for group in self.groups[1:]:
            members = members & group.members
        return members

    def describe(self) -> str:
        """One line for the reader: "EGDI · top 5 · Asia · 2024"; for a question in another
        language, what is asked and the countries in that language ("EGDI · 값 · 피지 · 2024")."""
        parts: list[str] = []
        if self.indicator and self.kind != "documents":
            asked = self.indicators if self.kind in ASKED_OF_EACH else [self.indicator]
            parts.append(" and ".join(_short_name(c) for c in dict.fromkeys(asked)))
        if self.kind != "documents":
            parts.append(crosslingual.kind_label(self.kind, self.top_n, self.language))
        if self.countries:
            parts.append(
                ", ".join(crosslingual.local_country_name(c, self.language) for c in self.countries)
            )
        for group in self.groups:
            parts.append(f"{group.name} ({len(group.members)} countries)")
        if self.level:
            parts.append(f"EGDI level {self.level}")
        if self.data_group:
            parts.append(f"group {self.data_group}")
        if self.rank_cut and self.top_n:
            parts.append(f"{self.rank_cut} {self.top_n}")
        if self.threshold:
            sign = {">=": "≥", "<=": "≤"}.get(self.threshold[0], self.threshold[0])
            parts.append(f"{sign} {self.threshold[1]}")
        if self.years:
            parts.append("–".join(str(y) for y in sorted({self.years[0], self.years[-1]})))
        if self.source:
            parts.append(self.source)
        for acronym, name in self.expansions.items():
            parts.append(f"{acronym} = {name}")
        if self.corrections:
            parts.append(
                "reading "
                + ", ".join(f"{typed!r} as {name}" for typed, name in self.corrections.items())
            )
        return " · ".join(parts)


# What may be asked of several indicators at once ("fiji tii vs hci", "egdi and epi for korea"):
# each is answered in turn. A ranking, a count or an average is of one indicator.
ASKED_OF_EACH = frozenset({"value", "rank", "comparison", "trend", "change"})


def _short_name(code: str) -> str:
    info = INDICATORS.get(code)
    if info is None:
        return code.upper()
    match = re.search(r"\(([^)]+)\)\s*$", info.name)
    return match.group(1) if match else info.name


# E-government named alone or as the UN's survey ("egov", "e-gov", "e-government survey") ...
_EGOV = re.compile(r"\b(?:e[\s-]?gov(?:ernment)?|egov(?:ernment)?)\b", re.I)


def with_egov_spelt_out(text: str) -> str:
    """``text`` with e-government typed short ("egov", "e-gov", "e gov") followed by the word the
    documents write, for search: "the 2024 egov survey" finds "the E-Government Survey 2024"."""
    return re.sub(
        r"\b(?:e[\s-]?gov|egov)\b(?![\w-])",
        lambda m: f"{m.group(0)} (e-government)",
        text,
        flags=re.I,
    )


# ... with a rank, a top N or a score asked of it.
_EGOV_RANKED = re.compile(r"\b(?:rank\w*|top\s*\d+|score[sd]?)\b", re.I)


def understand(question: str) -> QueryPlan:
    """The plan for a standalone question (follow-ups are rewritten first)."""
    text = " ".join(POSSESSIVE.sub("", question).split())
    plan = QueryPlan(question=question, text=text)
    spelled, fixed = _names_spelling(text)
    plan.indicators = find_indicators(spelled)
    if not plan.indicators and RANKING.search(text) and re.search(r"\brank", text, re.I):
        plan.indicators = ["egdi"]  # "Which country ranked first in 2010?": the UN ranking
    if (
        not plan.indicators
        and _EGOV_RANKED.search(text)
        and _EGOV.search(text)
        and attributed(text) is None
    ):
        # "samoa rank in the 2022 un egov survey", "top 5 asean egov 2024": the UN
        # E-Government Survey ranks countries by the EGDI (not when whose words are asked for:
        # "what did cepa say about e-government rankings")
        plan.indicators = ["egdi"]
    # with an indicator named, "chad" and "georgia" are the countries, not the words
    plan.countries, plan.corrections = country_names.find_in_question(
        text, ambiguous=bool(plan.indicators)
    )
    # "OECD" in "OECD Digital Government Index" names the index, not the group
    unnamed = f" {spelled} "
    for alias in sorted((a for c in plan.indicators for a in names_of(c)), key=len, reverse=True):
        unnamed = unnamed.replace(f" {alias} ", " ")
    groups = [g for g in find_groups(unnamed) if not _is_a_country_name(g, plan.countries)]
    plan.countries, plan.groups = _longer_name_wins(fold(text), plan.countries, groups)
    if (
        plan.indicators
        and not plan.countries
        and not plan.groups
        and country_names.mostly_english(text)
    ):
        # an indicator's values are by country: asked of none by name, a country's ISO code
        # typed alone is the one meant ("nz egdi 2024", "sg osi 22 vs 24"); in another
        # language two letters are as often a word of it ("vụ")
        words = frozenset(w for c in plan.indicators for a in names_of(c) for w in a.split())
        plan.countries = country_names.codes_alone(text, words)
    if plan.indicators:
        plan.corrections.update(fixed)
    plan.years = sorted({int(y) for y in YEAR.findall(text)})
    if plan.indicators and not plan.years:
        plan.years = _two_digit_years(text, of_a_country=bool(plan.countries))
    plan.kind = _kind(plan)
    return plan


# Two editions typed by their last two digits and joined ("22 to 24", "'22 vs '24", "22-24"), in
# a question on indicator data that gives no year in full: 2022 and 2024 (echoed in the plan;
# when they are not years, see _two_digit_years).
_TWO_DIGIT_YEARS = re.compile(
    r"(?<![\w.#])'?([0-4]\d)\s*(?:to|vs\.?|versus|->|=>|-|–|and|&|→)\s*'?([0-4]\d)(?![\w.%])",
    re.I,
)
# What makes two numbers positions, ages or shares instead: a word for a position or a range of
# them just before ("ranked between 10 and 20", "bottom 10 to 20", "top-10 to 20"), an age ("youth
# (15-24)"), a share after ("40 and 45 percent").
_POSITION_BEFORE = re.compile(
    r"(\b(rank\w*|top|bottom|first|last|no\.?|position\w*|place\w*|ages?|aged|youth)|#|\()"
    r"[\s-]*(between|from)?\s*$",
    re.I,
)
_RANK_BEFORE = re.compile(r"\brank\w*\s*$", re.I)
# ... the noun alone: "egdi rank 22 to 24" of a country named is two editions of its rank, "is
# fiji ranked 10 to 20" a range of places.
_RANK_NOUN_BEFORE = re.compile(r"\branks?\s*$", re.I)
_ARROW = re.compile(r"->|=>|→")


def _two_digit_years(text: str, *, of_a_country: bool = False) -> list[int]:
    """The years two joined two-digit numbers stand for (see _TWO_DIGIT_YEARS), none when they
    are positions, ages or shares (see _POSITION_BEFORE) or a year to come. Right after "rank"
    they are editions only when a change is asked ("jumped the most in egdi rank 22 to 24"), an
    arrow joins them ("rank 22 -> 24"), or the noun "rank" is of a country the question names
    (``of_a_country``: its rank is one place, not a range of them: "marshall islands egdi rank 22
    to 24"; "is fiji ranked 10 to 20" is a range)."""
    asks_change = bool(_IMPROVED.search(text) or _DECLINED.search(text) or _CHANGE.search(text))
    for match in _TWO_DIGIT_YEARS.finditer(text):
        before = text[: match.start()]
        changed = asks_change or bool(_ARROW.search(match.group(0)))
        editions = (changed and bool(_RANK_BEFORE.search(before))) or (
            of_a_country and bool(_RANK_NOUN_BEFORE.search(before))
        )
        if _POSITION_BEFORE.search(before) and not editions:
            continue
        if re.match(r"\s*(%|per ?cent)", text[match.end() :], re.I):
            continue
        first, second = (2000 + int(g) for g in match.groups())
        if first != second and second <= date.today().year:
            return sorted({first, second})
    return []


@lru_cache(maxsize=1)
def _name_vocabulary() -> frozenset[str]:
    """Every word of every indicator name and alias and of every country group's name (folded),
    five letters or more: the words a slip is read as in the names a question uses."""
    indicators = (w for code in INDICATORS for a in names_of(code) for w in a.split())
    group_names = (w for g in all_groups().values() for n in g.names for w in fold(n).split())
    return frozenset(w for w in (*indicators, *group_names) if len(w) >= 5)


# An English word used this often (pyspellchecker's frequency list) is what it says, never a
# contraction of a word of an indicator's name: "process" (46,639 uses) holds the letters of
# "proactiveness" in order; "govt" (53) is "government".
EVERYDAY_WORD_USES = 1_000


def _names_spelling(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with misspelt words of indicator and group names corrected ("digital goverment
    index", "pacfic islands"), and the corrections: a word no English dictionary knows becomes
    the name word one slip away (two for ten letters or more); a contraction of one such word is
    that word ("digital govt index"), unless it is an everyday English word (see
    EVERYDAY_WORD_USES: "process" is no "proactiveness"); a word after a name word that begins
    only one such word is that word cut short ("telecom infra")."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    vocabulary = _name_vocabulary()
    fixed: dict[str, str] = {}
    words = fold(text).split()
    for i, word in enumerate(words):
        if len(word) < 4 or word in vocabulary:
            continue
        everyday = country_names.english_uses(word) >= EVERYDAY_WORD_USES
        contracted = [] if everyday else [v for v in vocabulary if _contracts(word, v)]
        if len(contracted) == 1:
            fixed[word] = words[i] = contracted[0]  # "digital govt index": government
            continue
        longer = sorted(v for v in vocabulary if v.startswith(word) and len(v) >= len(word) + 3)
        if i > 0 and words[i - 1] in vocabulary and len(longer) == 1 and not contracted:
            fixed[word] = words[i] = longer[0]  # a name's word cut short: "telecom infra"
            continue
        if len(word) < 5 or country_names.is_english_word(word):
            continue
        allowed = 2 if len(word) >= 10 else 1
        best = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=allowed)
        if best:
            fixed[word] = words[i] = best[0]
    return " ".join(words), fixed


def _contracts(typed: str, word: str) -> bool:
    """Whether ``typed`` is a contraction of ``word`` as people write them: its first two
    letters and its last, the rest in order ("govt": government, "mgmt": management). Such a
    word is that word, not a cut-short start of another ("govt" is no "govtech")."""
    if len(word) < len(typed) + 3 or typed[:2] != word[:2] or typed[-1] != word[-1]:
        return False
    rest = iter(word[2:-1])
    return all(letter in rest for letter in typed[2:-1])


def _spans(folded: str, names: Iterable[str]) -> list[tuple[int, int]]:
    text = f" {folded} "
    return [
        (m.start(), m.end())
        for name in names
        for m in re.finditer(rf"(?<= ){re.escape(name)}(?= )", text)
    ]


def _longer_name_wins(
    folded: str, countries: list[str], groups: list[Group]
) -> tuple[list[str], list[Group]]:
    """Where a country's name and a group's overlap, the longer is what the question names:
    "South America" is the group (not America), "South Africa" the country (not Africa)."""
    names = country_names.folded_names()
    country_spans = {
        c: _spans(folded, [n for n, code in names.items() if code == c]) for c in countries
    }
    group_spans = {g.key: _spans(folded, g.names) for g in groups}

    def inside(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
        return any(a <= span[0] and span[1] <= b and b - a > span[1] - span[0] for a, b in others)

    all_groups = [s for spans in group_spans.values() for s in spans]
    all_countries = [s for spans in country_spans.values() for s in spans]
    kept_countries = [
        c
        for c in countries
        if not country_spans[c] or not all(inside(s, all_groups) for s in country_spans[c])
    ]
    kept_groups = [
        g
        for g in groups
        if not group_spans[g.key] or not all(inside(s, all_countries) for s in group_spans[g.key])
    ]
    return kept_countries, kept_groups


def _is_a_country_name(group: Group, countries: list[str]) -> bool:
    """A group name that is also the name of a country named in the question is the country."""
    return any(fold(country_names.name(c)) in group.names for c in countries)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


# The fewest words a count question must name beyond the indicator, its countries, groups and
# years for it to count something else than the countries with a value (see
# :func:`unmeasured_words`): one ("policies") may be how people say "with a value".
UNMEASURED_WORDS = 2
# How people say what an indicator's data holds of a country: that it is in it ("economies",
# "member states", "covered", "assessed", "ranked") and which way its value moved ("saw it
# increase", "improved significantly").
_IN_THE_DATA = re.compile(
    r"\b(?:economies|members?|nations|territories|covered|included|assessed|measured|ranked|"
    r"listed|surveyed|scored|saw|see|got|improv\w*|increas\w*|decreas\w*|declin\w*|rose|fell|"
    r"grew|dropp\w*|significantly|sharply|slightly)\b",
    re.I,
)


def unmeasured_words(plan: QueryPlan) -> list[str]:
    """The content words of ``plan``'s question that name none of its indicators, countries,
    groups or years and ask for no figure: what it asks about beyond the indicator's values
    ("mandate user testing" in "what % of countries mandate user testing (2023 dgi)")."""
    text = plan.text
    for asks in (
        _AVERAGE,
        _AGAINST_AVERAGE,
        _IMPROVED,
        _DECLINED,
        _THRESHOLD,
        _LEVEL,
        _IN_THE_DATA,
    ):
        text = asks.sub(" ", text)  # what the data can test: a level, a threshold, a change
    text = f" {fold(text)} "
    for code in plan.indicators:
        for name in sorted(names_of(code), key=len, reverse=True):
            text = text.replace(f" {name} ", " ")
    for group in plan.groups:
        for name in sorted(group.names, key=len, reverse=True):
            text = text.replace(f" {name} ", " ")
    words = []
    for word in re.findall(r"[a-z][a-z'-]+", text):
        if (
            word in STOPWORDS
            or FIGURE.fullmatch(word)
            or SCORE_WORDS.fullmatch(word)
            or RANKING.fullmatch(word)
            or country_names.in_question(word)
            or shortened_function_word(word)
        ):
            continue
        words.append(word)
    return words


def _kind(plan: QueryPlan) -> str:
    """What an indicator question asks (``documents`` when it names no indicator)."""
    text = plan.text
    if not plan.indicators or _asks_a_document(plan):
        return "documents"
    # "who ..." asks for names, unless it asks who ranks or moved on the indicator it names, or
    # which of the countries it names stands ahead ("fiji vs samoa vs tonga - who's ahead?")
    asks_for_figures = (
        FIGURE.search(text)
        or _POSITION.search(text)
        or _IMPROVED.search(text)
        or (len(plan.countries) >= 2 and _STANDING_BETWEEN.search(text))
    )
    if NOT_A_FIGURE.search(text) and not asks_for_figures and not _DECLINED.search(text):
        return "documents"  # "What is Italy's e-procurement platform called?"
    if plan.indicators[0].startswith("ims_") and not SCORE_WORDS.search(text):
        # "e-procurement" names a GovTech system score only when a score is asked for: "How
        # much does KONEPS save?" is a question for the documents
        return "documents"
    if _COMPONENT.search(text) and plan.indicator in COMPONENTS:
        return "component"
    level, data_group, threshold = (p.search(text) for p in (_LEVEL, _DATA_GROUP, _THRESHOLD))
    meets_a_rule = level or data_group or threshold
    ranked = _TOP_N.search(text) or _BOTTOM_N.search(text)
    if (
        _AVERAGE.search(text)
        and not _AGAINST_AVERAGE.search(text)
        and not plan.countries
        and not meets_a_rule
        and not ranked
    ):
        return "average"
    # "which asean countries are in gtmi group a", "central asian countries w/ osi above 0.75":
    # a rule (an EGDI level, a data group, a threshold), no country named, and countries asked
    # for (by "which", or a group) asks for the countries that meet it, which the count lists
    listed = _LISTED.search(text) or plan.groups
    # "how many e-services does nauru's portal offer" asks a quantity of the one country it
    # names, not how many countries: a count is of countries, of a group or of the world
    counts_countries = not (
        len(plan.countries) == 1 and not plan.groups and not _COUNTRIES.search(text)
    )
    if (
        _COUNT.search(text)
        and counts_countries
        and not meets_a_rule
        and not ranked
        and len(unmeasured_words(plan)) >= UNMEASURED_WORDS
    ):
        # "how many countries use ai to improve policies (oecd dgi 2023)": a count of countries
        # doing something the indicator's values cannot tell, not of those with a value
        return "documents"
    if (_COUNT.search(text) and counts_countries) or (
        meets_a_rule and not plan.countries and listed
    ):
        if ranked:
            # "how many pacific islands are in the top 100": those ranked within it
            plan.top_n = _number(next(g for g in ranked.groups() if g))
            plan.rank_cut = "top" if _TOP_N.search(text) else "bottom"
        if level:
            plan.level = level.group(1).lower()
        elif data_group:
            plan.data_group = data_group.group(1).upper()
        if threshold:
            words, value, or_value, or_words = threshold.groups()
            sign = "<" if _BELOW.match(words or or_words) else ">"
            if or_value or _INCLUSIVE.match(words):
                sign += "="
            plan.threshold = (sign, float(value or or_value))
        return "count"
    if plan.countries and ranked:
        # "has korea stayed in the top 5": the country's rank, over time when asked so
        return "trend" if (len(plan.years) >= 2 or _TREND.search(text)) else "rank"
    if _IMPROVED.search(text):
        return "improved"
    if _DECLINED.search(text):
        return "declined"
    position = _POSITION.search(text)
    if position and not plan.countries:
        plan.top_n = int(next(g for g in position.groups() if g))
        return "position"
    top = _TOP_N.search(text)
    bottom = _BOTTOM_N.search(text)
    if bottom and not top:
        plan.top_n = _number(bottom.group(1) or bottom.group(2))
        return "bottom"
    if top:
        plan.top_n = _number(top.group(1) or top.group(2))
        return "top"
    # a country's value gone up or down, with at most one year: the change into that year (or
    # into the latest edition) from the edition before; "since" asks for the trend from a year
    moved = (
        _MOVED_UP_OR_DOWN.search(text)
        and len(plan.years) <= 1
        and not _TREND.search(text)
        and not _ADVICE.search(text)
    )
    if len(plan.countries) >= 2:
        if len(plan.years) >= 2 or _TREND.search(text):
            return "trend"
        return "change" if moved else "comparison"
    if plan.countries:
        if (len(plan.years) >= 2 and _CHANGE.search(text)) or moved:
            return "change"
        if len(plan.years) >= 2 or _TREND.search(text) or _CHANGE.search(text):
            return "trend"
        if _RANK.search(text):
            return "rank"
        return "value"
    if _WORST.search(text) and not _BEST.search(text):
        return "bottom"
    if _BEST.search(text) or _RANK.search(text) or _WHO_FIRST.search(text):
        return "top"
    if plan.groups and attributed(text) is None:
        # "pacific islands egdi 2024", "asean osi 2022 any numbers?": an indicator asked of a
        # group, and nothing more of it, asks for every member's value (not when whose words
        # are asked for: "what did the pacific islands say about the egdi")
        return "members"
    return "documents"


# Words for where countries stand against each other, asked of two or more named: their figures.
_STANDING_BETWEEN = re.compile(
    r"\b(?:ahead|behind|better|worse|leads?|leading|stronger|weaker)\b", re.I
)


def _asks_a_document(plan: QueryPlan) -> bool:
    """Whether a question asks a document something its indicator data cannot tell: it
    attributes its answer to a source that names no indicator nor the survey that publishes
    them, and what it asks of it has words the indicator does not measure
    (:data:`UNMEASURED_WORDS`, see :func:`unmeasured_words`): "italy 3yr ict plan - by when did
    PAs have to integrate spid in their online services?" (a word of an indicator's name,
    "online services", is the plan's topic there). Not "oecd report: korea dgi rank 2023" nor
    "unctad report: fiji tii 2024", which ask the indicator's figures of a publisher's name, nor
    "govtech maturity index 2025: malaysia vs thailand, who scores higher?", whose source is
    the data's."""
    source = attributed(plan.text)
    if source is None or find_indicators(source) or _EGOV.search(source):
        return False
    asked = replace(plan, text=plan.text.replace(source, " "))
    return len(unmeasured_words(asked)) >= UNMEASURED_WORDS


# --- acronyms in questions -----------------------------------------------------------------


def acronym_candidates(text: str) -> list[str]:
    """Words of a question that may be acronyms the documents define: written in capitals
    ("CEPA", "LDCs"), or, in an English question, typed in lower case and unknown to an English
    dictionary ("cepa", "wsis", "intosai"; in "quali servizi offre" those are Italian words).
    Whether one is an acronym is for the corpus to say."""
    found: list[str] = []
    english = country_names.mostly_english(text)
    # a word before an apostrophe and letters is a contraction's ("isn't"), not an acronym
    for word in re.findall(
        r"(?<![\w-])[A-Za-z][A-Za-z0-9&]{1,9}(?![\w-]|['’]\w)", POSSESSIVE.sub("", text)
    ):
        capitals = word.isupper() or (word[:-1].isupper() and word.endswith("s") and len(word) > 2)
        unknown = (
            english
            and word.islower()
            and len(word) >= 3
            and not country_names.is_english_word(word)
            and shortened_function_word(word) is None  # "abt" is "about", not ABT
            and not english_word_form(word)  # "renewables", "centres": no acronyms
        )
        if (capitals or unknown) and word not in found:
            found.append(word)
    return found


def is_function_word(word: str) -> bool:
    """A word that says nothing of a question's topic: a stop word, or one typed short."""
    lowered = word.lower()
    return (
        lowered in STOPWORDS
        or lowered in _contraction_parts()
        or lowered.replace("’", "'") in _contractions().values()  # "isn't", "doesn’t"
        or shortened_function_word(lowered) is not None
    )


@lru_cache(maxsize=1)
def _contraction_parts() -> frozenset[str]:
    """What a contraction leaves before its apostrophe when a question's words are split there,
    where that is no English word of its own ("isn", "doesn"; not "won", "don")."""
    parts = {c.split("'")[0] for c in _contractions().values()}
    return frozenset(p for p in parts if not country_names.is_english_word(p))


# British spellings as an American dictionary (pyspellchecker's) knows the word: "labour",
# "centre", "programme", "organisation", "summarised", "analyse", "defence", "travelled".
_BRITISH = (
    ("our", "or"),
    ("tre", "ter"),
    ("programme", "program"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ence", "ense"),
    ("ll", "l"),
)
# A plural ending is read off words this long or longer: shorter ones are as often acronyms
# ("sids": SIDS, not "sid"s).
PLURAL_WORD_LETTERS = 6


def english_word_form(word: str) -> bool:
    """Whether ``word`` (lower case), unknown to the English dictionary, is an English word
    all the same: a plural of a word it knows ("renewables"), a British spelling ("labour",
    "summarised"), or both ("centres")."""
    forms = {word}
    if len(word) >= PLURAL_WORD_LETTERS:
        for ending, singular in (("ies", "y"), ("es", ""), ("s", "")):
            if word.endswith(ending):
                forms.add(word[: -len(ending)] + singular)
    for form in list(forms):
        for british, american in _BRITISH:
            at = form.find(british)
            while at >= 0:
                forms.add(form[:at] + american + form[at + len(british) :])
                at = form.find(british, at + 1)
    return any(country_names.is_english_word(f) for f in forms - {word})


@lru_cache(maxsize=1)
def _contractions() -> dict[str, str]:
    """English contractions as typed without their apostrophe ("isnt": "isn't"), from NLTK's
    English stop words."""
    from assistant.storage.lexicon import stopwords

    return {w.replace("'", ""): w for w in stopwords(("english",)) if "'" in w}


def shortened_function_word(word: str) -> str | None:
    """The function word a typed short form stands for, the way people shorten words in chat:
    three or four letters starting with the word's first two, ending with its last, the rest in
    order ("abt": "about", "wht": "what"), or a spelling of it by sound (see
    :func:`spelt_by_sound`: "wat", "wen"). None when it shortens none (the
    corpus's acronyms, "tir", "cepa", "dgi", shorten no function word)."""
    typed_without_apostrophe = _contractions().get(word)
    if typed_without_apostrophe and not country_names.is_english_word(word):
        return typed_without_apostrophe  # "isnt", "doesnt" (not "wont", "well": words)
    if not (3 <= len(word) <= 4 and word.isalpha() and word.islower()):
        return None
    for full in sorted(STOPWORDS):
        if (
            len(full) > len(word)
            and full[:2] == word[:2]
            and full[-1] == word[-1]
            and in_order(word, full)
        ):
            return full
    return spelt_by_sound(word)


# A typed word English uses at least this many times less often than the function word it
# sounds like is a chat spelling of it ("wat": 680 uses in the dictionary's frequency list
# against "what"'s 17 million, "wen", "thru", "tho"); a word of its own that sounds like one is
# not ("sum": some, 250 times; "meta": might, "mac": make, "wit": what, a few thousand).
CHAT_SPELLING_RARITY = 10_000


def spelt_by_sound(word: str) -> str | None:
    """The function word ``word`` (three or four lower-case letters: two are as often an
    acronym, "hr", "it") is typed for by its sound, as people do in chat: the same first letter
    and the same Metaphone code (jellyfish's) as a longer function word ("wat": "what", "wen":
    "when"), and a word the English dictionary knows, but far rarer (CHAT_SPELLING_RARITY). A
    word the dictionary does not know at all is more often an acronym typed in lower case
    ("hiv": have, "sme": some, "dna": done) than a spelling."""
    if not (3 <= len(word) <= 4 and word.isalpha() and word.islower()):
        return None
    uses = country_names.english_uses(word)
    if uses == 0:
        return None
    for full in _function_words_by_sound().get(jellyfish.metaphone(word), ()):
        if (
            full[0] == word[0]
            and len(full) > len(word)
            and uses * CHAT_SPELLING_RARITY < country_names.english_uses(full)
        ):
            return full
    return None


@lru_cache(maxsize=1)
def _function_words_by_sound() -> dict[str, tuple[str, ...]]:
    by_sound: dict[str, list[str]] = {}
    for word in sorted(STOPWORDS):
        if word.isalpha():
            by_sound.setdefault(jellyfish.metaphone(word), []).append(word)
    return {code: tuple(words) for code, words in by_sound.items()}
