"""Country groups from maintained data (assistant/country_groups.py)."""

from __future__ import annotations

import pytest

from assistant.country_groups import (
    asia_pacific,
    asia_pacific_sids,
    find_groups,
    group,
    without_groups,
)


def test_memberships() -> None:
    assert len(group("ASEAN").members) == 11 and "TLS" in group("ASEAN").members
    assert "FJI" in group("SIDS").members and "AUS" not in group("SIDS").members
    assert "BTN" not in group("LDC").members and "NPL" in group("LDC").members  # 2023 graduation
    assert "IND" in group("SOUTHERN_ASIA").members
    assert (
        group("PACIFIC_ISLANDS").members
        == group("OCEANIA").members - group("AUSTRALIA_AND_NEW_ZEALAND").members
    )
    assert not {"USA", "FRA", "GBR", "NLD"} & asia_pacific()
    assert {"USA", "FRA", "GBR", "NLD"} <= group("ESCAP").members
    assert asia_pacific_sids() >= {"FJI", "MDV", "SGP", "TLS"}
    assert len(group("EU").members) == 27 and len(group("OECD").members) == 38


def test_names_people_use() -> None:
    assert [g.key for g in find_groups("south-east asia and southeast asia")] == [
        "SOUTH_EASTERN_ASIA"
    ]
    assert [g.key for g in find_groups("South Asia vs Asia")] == ["SOUTHERN_ASIA", "ASIA"]
    assert [g.key for g in find_groups("ldcs, sids and the eu")] == ["LDC", "SIDS", "EU"]
    assert [g.key for g in find_groups("asia-pacific")] == ["ASIA_PACIFIC"]
    assert [g.key for g in find_groups("southern africa")] == ["SOUTHERN_AFRICA"]
    assert "south africa" not in group("SOUTHERN_AFRICA").names  # that is the country
    assert find_groups("micronesia") == []  # the country (FSM), not the sub-region


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("any info on digital id in pacific island countries", ["PACIFIC_ISLANDS"]),
        ("ldc graduation challenges in asia", ["LDC", "ASIA"]),
        # a group's name inside a proper name says nothing of where
        ("who chaired the Twelfth Asia-Pacific Forum on Sustainable Development?", []),
        ("what did the Pacific Islands Forum say about fisheries", []),
        # a capitalised word that belongs to the group's own name is not a proper name after it
        ("How did small island developing States fare in the survey?", ["SIDS"]),
    ],
)
def test_a_group_is_a_constraint_unless_inside_a_proper_name(
    question: str, expected: list[str]
) -> None:
    from assistant.country_groups import constraint_groups

    assert [g.key for g in constraint_groups(question)] == expected


def test_a_passage_is_about_a_group_by_its_name_a_members_name_or_a_members_document() -> None:
    from assistant.country_groups import about_group, group

    pacific = group("PACIFIC_ISLANDS")
    assert about_group(pacific, "Support for Pacific island countries was scaled up.")
    assert about_group(pacific, "Tuvalu launched a digital ID in 2024.")  # a member named
    assert about_group(pacific, "We launched a digital ID.", ["TUV"])  # a member's own words
    assert not about_group(pacific, "Colombia's e-procurement strategy.", ["COL"])
    assert not about_group(pacific, "Governments should adopt digital identity.")


def test_a_name_is_read_whole_and_one_in_capitals_only_as_written() -> None:
    from assistant.country_groups import about_group, group

    assert about_group(group("LDC"), "Guinea adopted a digital strategy.")
    assert not about_group(group("LDC"), "E-government in Papua New Guinea grew.")
    assert about_group(group("OCEANIA"), "Pacific states met in Suva.")
    assert not about_group(group("OCEANIA"), "The countries of Asia and the Pacific met.")
    assert about_group(group("ASIA"), "South-East Asia grew fastest.")  # a part of the group
    assert about_group(group("OECD"), "The US adopted an AI strategy.")
    assert not about_group(group("OECD"), "Let us know what you think.")


def test_a_question_less_the_groups_it_names_is_its_topic() -> None:
    assert without_groups("tax to gdp ratio in caribbean states") == "tax to gdp ratio in states"
    assert without_groups("is there an online university initiative for SIDS") == (
        "is there an online university initiative for"
    )
    assert without_groups("did any south asian country graduate?") == "did any country graduate?"
    assert without_groups("fiji's egdi") == "fiji's egdi"  # a country is no group


def test_an_intercardinal_point_abbreviated_names_its_region() -> None:
    assert [g.key for g in find_groups("top 3 SE asian countries by egdi 2024")] == [
        "SOUTH_EASTERN_ASIA"
    ]
    assert [g.key for g in find_groups("se asia digital id")] == ["SOUTH_EASTERN_ASIA"]
    # a single letter is not read as a point: "n" is as often "and"
    assert [g.key for g in find_groups("india n asia")] == ["ASIA"]
