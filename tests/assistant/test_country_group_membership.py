"""Country groups (assistant/country_groups.py): memberships from maintained data, and the names
people use for them, found in text with the longer name winning."""

from __future__ import annotations

import re

import pytest

from assistant.country_groups import asia_pacific, asia_pacific_sids, find_groups, group, groups
from assistant.text import fold

ISO3 = re.compile(r"^[A-Z]{3}$")


def test_every_group_has_iso3_members_a_name_and_a_source() -> None:
    for key, g in groups().items():
        assert g.key == key
        assert g.members and all(ISO3.match(c) for c in g.members), key
        assert g.name and g.source, key
        assert g.names and all(n == fold(n) for n in g.names), key  # names are kept folded


def test_asean_has_eleven_members_with_timor_leste() -> None:
    asean = group("ASEAN").members
    assert len(asean) == 11
    assert asean == {"BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"}


def test_sids() -> None:
    sids = group("SIDS").members
    assert {"FJI", "WSM", "TON", "MDV", "SGP", "JAM"} <= sids
    assert not {"AUS", "NZL", "JPN", "GBR"} & sids  # islands, but not SIDS


def test_ldcs_leave_out_the_graduated() -> None:
    ldc = group("LDC").members
    assert "BTN" not in ldc  # graduated in 2023
    assert {"NPL", "BGD", "KHM", "LAO", "TLS", "SLB", "TUV", "KIR"} <= ldc
    assert "IND" not in ldc


def test_asia_pacific_is_escap_without_its_members_from_outside_the_region() -> None:
    outside = {"USA", "FRA", "GBR", "NLD"}
    assert outside <= group("ESCAP").members
    assert not outside & asia_pacific()
    assert asia_pacific() == group("ESCAP").members - outside
    assert {"FJI", "IND", "JPN", "AUS", "KAZ", "TUR", "RUS"} <= asia_pacific()


def test_asia_pacific_sids() -> None:
    sids = asia_pacific_sids()
    assert sids == group("SIDS").members & asia_pacific()
    assert {"FJI", "WSM", "MDV", "SGP", "TLS", "PNG"} <= sids
    assert not {"JAM", "CUB", "MUS"} & sids  # SIDS of other regions


def test_un_regions() -> None:
    assert {"IND", "PAK", "BGD", "NPL", "LKA", "BTN", "MDV", "AFG", "IRN"} == set(
        group("SOUTHERN_ASIA").members
    )
    assert group("SOUTH_EASTERN_ASIA").members <= group("ASIA").members
    assert group("SOUTHERN_ASIA").members <= group("ASIA").members
    assert "ZAF" in group("SOUTHERN_AFRICA").members and "ZAF" in group("AFRICA").members
    assert "FSM" in group("MICRONESIA").members  # the sub-region holds the country


def test_pacific_islands_are_oceania_without_australia_and_new_zealand() -> None:
    islands = group("PACIFIC_ISLANDS").members
    assert islands == group("OCEANIA").members - group("AUSTRALIA_AND_NEW_ZEALAND").members
    assert {"FJI", "WSM", "TON", "PNG"} <= islands and not {"AUS", "NZL"} & islands


def test_sizes_of_the_fixed_groups() -> None:
    assert len(group("EU").members) == 27 and "GBR" not in group("EU").members
    assert len(group("OECD").members) == 38 and "KOR" in group("OECD").members


def test_a_country_name_is_not_a_group_name() -> None:
    every_name = {n for g in groups().values() for n in g.names}
    assert "south africa" not in every_name  # Southern Africa's short form is the country
    assert "micronesia" not in every_name  # the country (FSM); the sub-region is "... region"
    assert "southern africa" in group("SOUTHERN_AFRICA").names


def test_unknown_group_key() -> None:
    with pytest.raises(KeyError):
        group("ATLANTIS")


# --- find_groups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("top 5 in asia", ["ASIA"]),
        ("south-east asia", ["SOUTH_EASTERN_ASIA"]),
        ("South East Asia", ["SOUTH_EASTERN_ASIA"]),
        ("southeast asia", ["SOUTH_EASTERN_ASIA"]),
        ("south asia", ["SOUTHERN_ASIA"]),
        ("east asia", ["EASTERN_ASIA"]),
        ("sub-saharan africa", ["SUB_SAHARAN_AFRICA"]),
        ("latin america and the caribbean", ["LATIN_AMERICA_AND_THE_CARIBBEAN"]),
        ("the caribbean", ["CARIBBEAN"]),
        ("asia and the pacific", ["ASIA_PACIFIC"]),
        ("Asia-Pacific region", ["ASIA_PACIFIC"]),
        ("apac", ["ASIA_PACIFIC"]),
        ("pacific islands", ["PACIFIC_ISLANDS"]),
        ("pacific island countries", ["PACIFIC_ISLANDS"]),
        ("the pacific", ["OCEANIA"]),
        ("australia and new zealand", ["AUSTRALIA_AND_NEW_ZEALAND"]),
        ("small island developing states", ["SIDS"]),
        ("least developed countries", ["LDC"]),
        ("LDCs", ["LDC"]),
        ("lldcs", ["LLDC"]),
        ("eu member states", ["EU"]),
        ("ASEAN member states", ["ASEAN"]),
        ("micronesia region", ["MICRONESIA"]),
    ],
)
def test_the_longest_name_wins(text: str, found: list[str]) -> None:
    assert [g.key for g in find_groups(text)] == found


def test_groups_come_in_order_of_mention_once_each() -> None:
    text = "sids, then asean, then the sids again and south asia and asia"
    assert [g.key for g in find_groups(text)] == ["SIDS", "ASEAN", "SOUTHERN_ASIA", "ASIA"]


@pytest.mark.parametrize(
    "text",
    ["micronesia", "eurasia", "landlocked", "the sidsa report", "pacifica", ""],
)
def test_no_group_inside_other_words(text: str) -> None:
    assert find_groups(text) == []
