"""The word lists that steer answering, in one place, each with the rule it implements.

Every list here is a judgement about English questions, not about particular questions: an entry
belongs only if the rule in its comment explains it. Checked on: the public set (P01–P30) and the
team set (T01–T30) as a whole (``python -m assistant eval``), no entry tuned on the practitioner
set's test half. Entries marked "pending" were added for a single team-set question and are kept
until a change to them can be checked on questions they were not tuned on (issue 14's
practitioner set); see the README's evaluation section.
"""

from __future__ import annotations

import re

# Words too common to say what a question is about: not used to pick the sentences that answer,
# and not required in the evidence ("nothing mentions …" checks skip them). Besides function
# words, the verbs of reporting ("according", "say", "states") and the nouns every question here
# shares ("country", "document", "report"); and the words of courtesy a chat message carries, in
# full or as typed ("pls", "thx"): a request's manners, never its topic (not the verb "thank":
# "which governments did the Commission thank").
STOPWORDS = frozenset(
    """
    a an the of to in on for and or by with from at as is are was were be been being this
    that these those it its their there which who whom whose what when where why how did
    does do done has have had not no yes can could should would will shall may might must
    than then so such about into over under between among per via any all each other more
    most less least many much some also only just very according report reports say said
    says state states stated his her they them we you your our us i me my he she one two
    three first second new use used using based within without across following followed up
    upon whether while during before after since until get got give given make made country
    countries document documents
    please pls plz thanks thx ty tq hi hello hey
    """.split()
)

# Capitalised words that do not name anything specific: question words, sentence-initial
# function words, and the generic parts of institutional names ("Committee", "Report",
# "Secretary-General", "Index"). A capitalised phrase made only of these is not a name the
# evidence must contain. Pending: "Three-Year", "Constitution", "President", "Minister" (each
# added for one team-set question).
GENERIC_CAPS = frozenset(
    """
    What Which Who Whom Whose When Where Why How Did Does Do Is Are Was Were Can Could
    Should Would According Compare Following The In On For And Of A An To By UN United
    Nations Report Secretary General Secretary-General Committee Commission Council Assembly
    Index Survey Government Plan Annex Chapter Article Section Page Table Figure Forum
    Resolution Draft Session Conference Declaration Programme Agenda Goals Development
    Sustainable World Bank Public Administration Digital E-Government Three-Year ICT
    Constitution President Minister
    """.split()
)

# Indicator questions ask for a ranking with these words ("which country ranked first", "top 5").
RANKING = re.compile(
    r"\b(rank(?:ed|s)?\s+(?:first|top|highest|number one|1st)|top\s*\d*|highest|best|lead(?:s|ing)?|first place|which countr(?:y|ies))\b",
    re.I,
)

# ... and for a series over time with these ("since 2012", "how has it changed", "improved").
TREND = re.compile(
    r"\b(chang\w*|trend\w*|since|over time|evolv\w*|between|go(?:ne)? up|go(?:ne)? down|rise|rose|fall|fell|"
    r"improv\w*|declin\w*|progress\w*|across editions|history)\b",
    re.I,
)

# Questions about names, purposes and reasons, which figures do not answer ...
NOT_A_FIGURE = re.compile(
    r"\b(called|named|supposed to|purpose|aims?|describe|explain|why|who|whom|what does|"
    r"what did|how does|how do|how did)\b",
    re.I,
)
# ... unless they also ask for one.
FIGURE = re.compile(
    r"\b(value|score[sd]?|index|indices|rank(ed|ing)?|level|how (much|high|low|well)|change[sd]?|"
    r"trend|compare[sd]?|higher|lower|top|tops|topped|first|last|best|worst|number one|"
    r"in (19|20)\d\d)\b",
    re.I,
)

# A name that is both a system and a score ("e-procurement") asks for the score only with these.
SCORE_WORDS = re.compile(
    r"\b(scor\w*|rat(ed|ing)|rank\w*|index|maturity|GTMI|value|level|adopt\w*|compare[sd]?|"
    r"higher|lower|in place|status)\b",
    re.I,
)

# A question comparing countries says so: these words (with two or more countries named) send it
# to the per-country comparison rather than to one search over all of them.
COMPARE_CUES = re.compile(r"\b(compare|comparison|versus|vs\.?|differ\w*|both|each|how do)\b", re.I)


# Words that say where something was said ("in its 2024 general debate statement"), not what:
# not the topic a named source must cover, and no help in telling one sentence of that source
# from another.
VENUE = frozenset(
    "statement statements speech speeches address report reports document documents session "
    "sessions general debate annual latest recent last edition paper papers overview summary".split()
)

# The nouns that name a gathering: an acronym standing for one ("unga": United Nations General
# Assembly, "cop": Conference of the Parties, "hlpf": High-level Political Forum), said to be
# where something was said ("at unga"), is where, not what.
GATHERINGS = frozenset("assembly conference summit forum session debate meeting congress".split())

# A meeting named by its body's acronym and number ("unga79", "csw69", "cop28", "hrc59"): where
# something was said, not what.
MEETING_NAME = re.compile(r"^([A-Za-z]{2,8})(\d{1,3})$")
