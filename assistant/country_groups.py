"""Country groups people name in questions: UN regions and sub-regions, SIDS, LDCs, LLDCs, OECD,
EU, ASEAN, ESCAP (Asia and the Pacific), the Pacific islands.

Membership comes from maintained data, not from lists written here: the ``countrygroups``
package (openclimatedata; the UN Statistics Division's M49 regions, SIDS, LDC, LLDC, OECD, EU)
and ``resources/country_groups.json`` for what it does not ship (ASEAN, ESCAP) or ships out of
date (two LDC graduations), each with its source and the date it was checked.

The names a group answers to are made from its official name by general rules (the M49
"South-eastern Asia" is also "South-East Asia" and "Southeast Asia"; "Southern Asia" is also
"South Asia"; an acronym is also its plural, "LDCs"), plus the group's acronym and the name its
source gives it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from assistant.countries import folded_names, names, to_iso3
from assistant.text import fold


@dataclass(frozen=True)
class Group:
    key: str  # "ASIA", "SOUTH_EASTERN_ASIA", "SIDS"
    name: str  # how an answer names it: "South-eastern Asia"
    members: frozenset[str]  # ISO3 codes
    names: tuple[str, ...]  # folded names it answers to
    source: str

    @property
    def is_region(self) -> bool:
        """A UN M49 region or sub-region (a place), not a membership (SIDS, ASEAN, OECD)."""
        return self.source == M49


def _titled(key: str) -> str:
    """ "SOUTH_EASTERN_ASIA" -> "South-eastern Asia" (the M49 spelling)."""
    words = key.lower().split("_")
    text = " ".join(words).capitalize()
    text = text.replace("South eastern", "South-eastern").replace("Sub saharan", "Sub-Saharan")
    for word in ("asia", "africa", "europe", "america", "caribbean", "zealand", "new", "latin"):
        text = re.sub(rf"\b{word}\b", word.capitalize(), text)
    return text.replace(" and the Caribbean", " and the Caribbean")


def _variants(name: str) -> set[str]:
    """The ways people write a region's name: "Southern Asia" -> "south asia"; "South-eastern
    Asia" -> "south east asia", "southeast asia"; "Northern America" -> "north america"."""
    folded = fold(name)
    out = {folded}
    short = re.sub(r"\b(south|north|east|west)ern\b", r"\1", folded)
    out.add(short)
    out.add(re.sub(r"\b(south|north) (east|west)\b", r"\1\2", short))
    return out


def _adjectives(names: set[str]) -> set[str]:
    """The adjective names a region too: "asian countries", "south east asian", "african"."""
    out = set()
    for name in names:
        out.add(re.sub(r"\b(asia|africa|america|oceania)$", r"\1n", name))
        out.add(re.sub(r"\beurope$", "european", name))
    return out


def _acronym(acronym: str, *names: str) -> set[str]:
    return {fold(acronym), fold(acronym) + "s", *(fold(n) for n in names)}


def _regions(node: Any, out: dict[str, frozenset[str]]) -> None:
    """Every named node of countrygroups' M49 tree (a list of codes whose sub-regions are its
    attributes), by node key: "ASIA", "SOUTH_EASTERN_ASIA", ..."""
    for key, child in vars(node).items():
        if key not in ("ANTARCTICA", "CHANNEL_ISLANDS"):
            out[key] = frozenset(str(code) for code in child)
            _regions(child, out)


# The source of the UN M49 regions and sub-regions.
M49 = "UN M49 (countrygroups UNSTATS_GEOGRAPHICAL_REGIONS)"


@lru_cache(maxsize=1)
def groups() -> dict[str, Group]:
    """Every group, by key."""
    import countrygroups as cg

    extra = json.loads(
        resources.files("assistant").joinpath("resources/country_groups.json").read_text("utf-8")
    )
    found: dict[str, Group] = {}
    regions: dict[str, frozenset[str]] = {}
    _regions(cg.UNSTATS_GEOGRAPHICAL_REGIONS, regions)
    for key, members in regions.items():
        name = _titled(key)
        # a variant that is a country's name is the country ("South Africa")
        names = {n for n in _variants(name) if n == fold(name) or to_iso3(n) is None}
        names |= _adjectives(names - {fold(name)} if to_iso3(name) else names)
        if key == "MICRONESIA":  # the sub-region; "Micronesia" alone is the country (FSM)
            names = {"micronesia region", "micronesian region"}
        found[key] = Group(key, name, members, tuple(sorted(names)), M49)
    oceania = found["OCEANIA"]
    found["OCEANIA"] = Group(
        "OCEANIA",
        "Oceania",
        oceania.members,
        tuple(sorted({*oceania.names, "pacific", "the pacific", "pacific region"})),
        M49,
    )
    islands = oceania.members - found["AUSTRALIA_AND_NEW_ZEALAND"].members
    found["PACIFIC_ISLANDS"] = Group(
        "PACIFIC_ISLANDS",
        "the Pacific islands (Melanesia, Micronesia and Polynesia)",
        frozenset(islands),
        ("pacific island", "pacific island countries", "pacific island states", "pacific islands"),
        M49,
    )
    package = "countrygroups " + getattr(cg, "__version__", "")
    graduated = set(extra["LDC_GRADUATED_SINCE_PACKAGE"]["members"])
    specs = [
        (
            "SIDS",
            "small island developing States",
            cg.SIDS,
            _acronym(
                "SIDS",
                "small island developing states",
                "small island states",
                "small island developing state",
                "small islands",
            ),
        ),
        (
            "LDC",
            "least developed countries",
            set(cg.LDC) - graduated,
            _acronym("LDC", "least developed countries", "least developed country"),
        ),
        (
            "LLDC",
            "landlocked developing countries",
            cg.LLDC,
            _acronym(
                "LLDC",
                "landlocked developing countries",
                "landlocked countries",
                "landlocked developing country",
            ),
        ),
        (
            "OECD",
            "OECD members",
            cg.OECD,
            _acronym("OECD", "oecd countries", "oecd members", "oecd member countries"),
        ),
        (
            "EU",
            "European Union",
            cg.EUROPEAN_UNION,
            _acronym("EU", "european union", "eu member states", "eu countries"),
        ),
    ]
    for key, name, members, names in specs:
        found[key] = Group(key, name, frozenset(members), tuple(sorted(names)), package)
    for key, aliases in (
        ("ASEAN", ("asean", "asean countries", "asean members", "asean member states")),
        ("ESCAP", ("escap", "escap members", "escap member states")),
    ):
        entry = extra[key]
        found[key] = Group(
            key, entry["name"], frozenset(entry["members"]), aliases, entry["source"]
        )
    outside = extra["ESCAP_NON_REGIONAL"]
    found["ASIA_PACIFIC"] = Group(
        "ASIA_PACIFIC",
        "Asia and the Pacific (ESCAP's regional members)",
        found["ESCAP"].members - set(outside["members"]),
        ("apac", "asia and the pacific", "asia pacific", "asia pacific region"),
        f"{found['ESCAP'].source}; less {outside['source']}",
    )
    return found


@lru_cache(maxsize=1)
def _name_index() -> list[tuple[str, str]]:
    """(folded name, group key), longest names first."""
    pairs = [(n, g.key) for g in groups().values() for n in g.names]
    # a country's adjective is not its region's: "south african" names no group (key "")
    pairs += [(n, "") for n in _adjectives(set(folded_names())) if n not in folded_names()]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def typed_name(name: str) -> str:
    """A pattern (to match in any case) for a group's folded ``name`` as typed: its words
    joined by spaces or hyphens, a whole word ("small island developing states",
    "Small-Island Developing States")."""
    return r"(?<![\w-])" + r"[\s-]+".join(re.escape(w) for w in name.split()) + r"(?![\w-])"


def without_groups(text: str) -> str:
    """``text`` less the names of the groups it names, as typed ("tax to gdp ratio in the
    caribbean": "tax to gdp ratio in the")."""
    for group in find_groups(text):
        for name in sorted(group.names, key=len, reverse=True):
            text = re.sub(typed_name(name), " ", text, flags=re.I)
    return " ".join(text.split())


# The intercardinal points as people abbreviate them ("se asia", "SE asian countries"): the
# region is named by the points written out. (A single letter is not read: "n" is as often
# "and", "e" "electronic".)
_COMPASS_POINTS = {"se": "south east", "sw": "south west", "ne": "north east", "nw": "north west"}
_COMPASS_POINT = re.compile(r"(?<= )(?:se|sw|ne|nw)(?= )")


def find_groups(text: str) -> list[Group]:
    """The groups named in ``text``, in order of mention; a longer name wins over the names
    inside it ("South-eastern Asia", not also "Asia")."""
    folded = _COMPASS_POINT.sub(lambda m: _COMPASS_POINTS[m.group(0)], f" {fold(text)} ")
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for name, key in _name_index():
        for match in re.finditer(rf"(?<= ){re.escape(name)}(?= )", folded):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            hits.append((span[0], key))
    table = groups()
    ordered: list[Group] = []
    for _, key in sorted(hits):
        if key and table[key] not in ordered:
            ordered.append(table[key])
    return ordered


def constraint_groups(text: str) -> list[Group]:
    """The groups ``text`` names as a constraint on what it asks (where, whose: "digital id in
    pacific island countries"), less those named only inside a proper name: a group's name
    followed by a capitalised word is part of that name ("the Asia-Pacific Forum on Sustainable
    Development", "the Pacific Islands Forum"), which says nothing of where. A name not found
    as typed (spelt differently once folded) counts as a constraint."""
    out = []
    for found in find_groups(text):
        spans = [
            match
            for name in found.names
            for match in re.finditer(
                r"(?<!\w)" + r"[\W_]+".join(map(re.escape, name.split())) + r"(?!\w)", text, re.I
            )
        ]
        if not spans or any(not re.match(r"[\s-]+[A-Z][a-z]", text[m.end() :]) for m in spans):
            out.append(found)
    return out


def about_group(group: Group, text: str, countries: Sequence[str] = ()) -> bool:
    """Whether a passage speaks for or of ``group``: its document is by members only
    (``countries``: a member's statement), or ``text`` names the group or one of its members.
    A group within it counts ("South-East Asia" for Asia); a name inside a longer place name is
    not one ("Guinea" in "Papua New Guinea", "Pacific" in "Asia and the Pacific"), and a name
    written in capitals ("US") counts only as written ("let us know" names nobody)."""
    if countries and set(countries) <= group.members:
        return True
    table = groups()
    return any(
        key == group.key
        or key in group.members
        # a part of the group ("South-East Asia" speaks of Asia)
        or (key in table and bool(table[key].members) and table[key].members <= group.members)
        for key in places_in(text)
    )


@lru_cache(maxsize=4096)
def places_in(text: str) -> frozenset[str]:
    """The countries (ISO3) and groups (keys) ``text`` names, each name read whole: the
    longest name at a place wins over the names inside it."""
    folded, capitals, spelt = _place_patterns()
    found = {key for m in folded.finditer(f" {fold(text)} ") for key in spelt[m.group(0)]}
    found |= {key for m in capitals.finditer(text) for key in spelt[m.group(0)]}
    return frozenset(found)


@cache
def _place_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, frozenset[str]]]:
    """Every country's and group's names as two patterns: folded (matched in folded text) and,
    for names written in capitals in the data ("US", "UK", "PNG"), as written; and what each
    name stands for."""
    spelt: dict[str, set[str]] = {}
    for found in groups().values():
        for name in found.names:
            spelt.setdefault(name, set()).add(found.key)
    members = {code for found in groups().values() for code in found.members}
    for code in members:
        for name in names(code):
            written = name if name.replace(".", "").isupper() else fold(name)
            if written:
                spelt.setdefault(written, set()).add(code)

    def alternatives(keep: Callable[[str], bool]) -> str:
        chosen = sorted((n for n in spelt if keep(n)), key=len, reverse=True)
        return "|".join(re.escape(n) for n in chosen)

    capital = str.isupper
    folded = re.compile(rf"(?<= )(?:{alternatives(lambda n: not capital(n))})(?= )")
    capitals = re.compile(rf"(?<![\w.])(?:{alternatives(capital)})(?![\w])")
    return folded, capitals, {n: frozenset(keys) for n, keys in spelt.items()}


def group(key: str) -> Group:
    return groups()[key]


def asia_pacific() -> frozenset[str]:
    """UNPOG's region: ESCAP's regional members."""
    return group("ASIA_PACIFIC").members


def asia_pacific_sids() -> frozenset[str]:
    """The small island developing States of Asia and the Pacific."""
    return group("SIDS").members & asia_pacific()
