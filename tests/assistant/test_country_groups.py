"""Country groups from maintained data (assistant/country_groups.py)."""

from __future__ import annotations

from assistant.country_groups import asia_pacific, asia_pacific_sids, find_groups, group


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
