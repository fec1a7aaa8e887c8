"""Settings, grants, the manifest, and what the bot remembers (threads, handled events)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pydantic import SecretStr
from slack_bolt import App
from slack_fakes import FakeSlack

from assistant import Assistant, Settings
from bots.slack import SlackConfig, SlackConfigError
from bots.slack.config import parse_grants
from bots.slack.state import MAIN_LINE, SlackState

MANIFEST = Path(__file__).resolve().parents[3] / "bots" / "slack" / "manifest.yaml"


def test_grants_are_parsed_and_apply_only_in_direct_messages() -> None:
    config = SlackConfig(private_grants=parse_grants('{"U1": ["hr", "hr"], "U2": "*", "U3": []}'))
    assert config.private_grants == {"U1": ("hr",), "U2": ("*",), "U3": ()}
    assert config.access_for("U1", direct=True) == ("public", "hr")
    assert config.access_for("U2", direct=True) is None
    assert config.access_for("U3", direct=True) == ("public",)
    assert config.access_for("U9", direct=True) == ("public",)
    for user in ("U1", "U2", None):
        assert config.access_for(user, direct=False) == ("public",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["U1"]', "must be a JSON object"),
        ('{"U1": [3]}', "grants of 'U1'"),
        ('{"": ["hr"]}', "Slack user id"),
    ],
)
def test_bad_grants_name_the_setting(raw: str, message: str) -> None:
    with pytest.raises(SlackConfigError, match=message) as info:
        parse_grants(raw)
    assert "RAG_SLACK_PRIVATE_GRANTS" in str(info.value)


def test_from_settings_reads_slack_settings_when_they_exist(tmp_path: Path) -> None:
    settings = SimpleNamespace(
        slack_bot_token=SecretStr("xoxb-1"),
        slack_signing_secret=SecretStr("sec"),
        slack_app_token=SecretStr("xapp-1"),
        slack_ask_command="/gka",
        slack_private_grants='{"U1": ["hr"]}',
        public_url="https://chat.example.org",
        data_dir=tmp_path,
    )
    config = SlackConfig.from_settings(settings)
    assert (config.bot_token, config.signing_secret, config.app_token) == (
        "xoxb-1",
        "sec",
        "xapp-1",
    )
    assert config.ask_command == "/gka" and config.brief_command == "/brief"
    assert config.private_grants == {"U1": ("hr",)}
    assert config.public_url == "https://chat.example.org"
    assert config.state_path == tmp_path / "slack.sqlite3"
    config.require("socket")
    config.require("http")


def test_from_settings_works_with_the_real_settings_class(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, public_url="https://x.org")  # type: ignore[call-arg]
    config = SlackConfig.from_settings(settings)
    assert config.public_url == "https://x.org"
    assert config.state_path == tmp_path / "slack.sqlite3"
    for name in ("bot_token", "signing_secret", "ask_command", "brief_command"):
        if f"slack_{name}" in Settings.model_fields:  # once the settings exist, defaults agree
            default = Settings.model_fields[f"slack_{name}"].default
            plain = default.get_secret_value() if isinstance(default, SecretStr) else default
            assert plain == getattr(SlackConfig(), name)


def test_each_mode_names_what_it_lacks() -> None:
    with pytest.raises(SlackConfigError, match="RAG_SLACK_BOT_TOKEN and RAG_SLACK_APP_TOKEN"):
        SlackConfig().require("socket")
    with pytest.raises(SlackConfigError, match="needs RAG_SLACK_SIGNING_SECRET"):
        SlackConfig(bot_token="xoxb-1").require("http")


def test_manifest_declares_what_the_app_registers() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    config = SlackConfig()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "app_mentions:read",
        "chat:write",
        "im:history",
        "im:read",
        "commands",
        "files:write",
        "assistant:write",
        "channels:read",  # Slack Connect: whether a channel is shared (conversations.info)
        "groups:read",
        "channels:history",  # channels answered without a mention
        "groups:history",
    } <= scopes
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "message.channels",
        "message.groups",
        "app_home_opened",
        "assistant_thread_started",
        "assistant_thread_context_changed",
    }
    assert settings["interactivity"]["is_enabled"] is True
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {config.ask_command, config.brief_command}
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    urls += [c["url"] for c in manifest["features"]["slash_commands"]]
    assert all(u.endswith("/slack/events") for u in urls)
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    prompts = manifest["features"]["assistant_view"]["suggested_prompts"]
    assert 1 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)


# --- state -------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def new_state(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], SlackState]:
    """A SlackState as one more process would open it: on the data directory's SQLite file,
    or on the PostgreSQL database several hosts share (RAG_DATABASE_URL)."""
    url = request.getfixturevalue("database_url") if request.param == "postgresql" else ""
    return lambda: SlackState(tmp_path / "s.sqlite3", url)


def test_an_event_is_new_once_across_processes(new_state: Callable[[], SlackState]) -> None:
    first, second = new_state(), new_state()
    assert first.first_time("Ev1") is True
    assert first.first_time("Ev1") is False
    assert second.first_time("Ev1") is False  # another worker, or another host
    assert second.first_time("Ev2") is True
    first.mark_panel_thread("T", "D1", "9.9")
    first.mark_panel_thread("T", "D1", "9.9")
    assert second.is_panel_thread("T", "D1", "9.9") and not second.is_panel_thread("T", "D1", "1")


def test_threads_map_to_conversations_and_a_dm_line_goes_stale(
    new_state: Callable[[], SlackState],
) -> None:
    state = new_state()
    assert state.conversation("T", "C1", "1.1") is None
    state.link("T", "C1", ["1.1", "1.2", None], "conv-a")
    assert state.conversation("T", "C1", "1.2") == "conv-a"
    assert state.conversation("T", "C2", "1.1") is None  # channels never share
    state.link("T", "D1", [MAIN_LINE], "conv-b")
    assert state.conversation("T", "D1", MAIN_LINE, max_age_s=60) == "conv-b"
    time.sleep(0.02)
    assert state.conversation("T", "D1", MAIN_LINE, max_age_s=0.01) is None
    state.link("T", "C1", ["1.1"], "conv-c")  # re-linked: the latest wins
    assert new_state().conversation("T", "C1", "1.1") == "conv-c"


# --- Socket Mode ------------------------------------------------------------------------------


def test_socket_mode_without_tokens_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bots.slack import __main__ as entry

    monkeypatch.setattr(entry, "get_settings", lambda: Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    assert entry.main() == 2
    err = capsys.readouterr().err
    assert "RAG_SLACK_BOT_TOKEN and RAG_SLACK_APP_TOKEN" in err


def test_socket_mode_starts_the_app_with_the_app_level_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    from bots.slack import __main__ as entry

    started: list[tuple[object, str]] = []

    class Handler:
        def __init__(self, app: object, token: str) -> None:
            self.app, self.token = app, token

        def start(self) -> None:
            started.append((self.app, self.token))

    config = SlackConfig(
        bot_token="xoxb-test-token",
        app_token="xapp-1-test",
        api_url=f"{fake_slack.url}/api/",
        state_path=tmp_path / "slack.sqlite3",
    )
    warmed: list[bool] = []
    monkeypatch.setattr(entry, "get_settings", lambda: Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    monkeypatch.setattr(entry.SlackConfig, "from_settings", classmethod(lambda cls, s: config))
    monkeypatch.setattr(
        entry, "Assistant", lambda s: SimpleNamespace(warm=lambda: warmed.append(True))
    )
    monkeypatch.setattr(entry, "SocketModeHandler", Handler)
    assert entry.main() == 0
    [(app, token)] = started
    assert token == "xapp-1-test" and warmed == [True]
    assert fake_slack.calls_to("auth.test")  # the bot token was checked at start
    assert isinstance(app, App)


def test_a_loopback_public_url_is_reported_at_start_up(caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from bots.slack.app import warn_if_links_are_local

    with caplog.at_level(logging.WARNING, logger="bots.slack.app"):
        assert warn_if_links_are_local("http://127.0.0.1:8000")
        assert warn_if_links_are_local("http://localhost:8000/")
        assert warn_if_links_are_local("http://0.0.0.0:8000")  # where it listens, not an address
        assert not warn_if_links_are_local("https://assistant.unpog.org")
    messages = [r.getMessage() for r in caplog.records if "RAG_PUBLIC_URL" in r.getMessage()]
    assert len(messages) == 3 and "cannot open" in messages[0]


def test_the_slack_app_reports_a_loopback_public_url_when_it_starts(caplog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import logging

    from bots.slack.app import create_app

    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assistant = Assistant(settings)
    with caplog.at_level(logging.WARNING, logger="bots.slack.app"):
        create_app(assistant, SlackConfig(signing_secret="s", public_url="http://127.0.0.1:8000"))
        create_app(assistant, SlackConfig(signing_secret="s", public_url="https://gka.unpog.org"))
    warned = [r for r in caplog.records if "RAG_PUBLIC_URL" in r.getMessage()]
    assert len(warned) == 1 and "127.0.0.1" in warned[0].getMessage()


def test_the_bot_keeps_its_state_in_the_shared_database_when_there_is_one(tmp_path: Path) -> None:
    url = "postgresql://gka:secret@db:5432/gka"
    shared = SlackConfig.from_settings(
        Settings(_env_file=None, data_dir=tmp_path, database_url=url)  # type: ignore[call-arg]
    )
    assert shared.database_url == url
    alone = SlackConfig.from_settings(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    assert alone.database_url == "" and alone.state_path == tmp_path / "slack.sqlite3"
