"""Fixtures for the Slack bot: a tiny store (with a private collection), a fake Slack Web API that
speaks the real protocol and enforces Slack's documented limits, and the real bolt app in HTTP
mode behind uvicorn, reached with signed requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from slack_fakes import BOT_TOKEN, HR_USER, PUBLIC_URL, SIGNING_SECRET, FakeSlack, SlackSender
from slack_sdk import WebClient

from assistant import Assistant, Settings
from bots.slack import SlackConfig, create_app
from bots.slack.http import slack_events
from bots.slack.state import SlackState
from tests.conftest import write_private_corpus

# --- the store ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slack_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two public notes and a private circular (sidecar ``{"access": "hr"}``), ingested once."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("slack")
    corpus = write_private_corpus(root / "corpus", indicator_file=False)
    settings = Settings(_env_file=None, data_dir=root / "data", corpus_dirs=[corpus])  # type: ignore[call-arg]
    report = Pipeline(settings).run()
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    return settings


@pytest.fixture(scope="session")
def slack_assistant(slack_store: Settings) -> Assistant:
    built = Assistant(slack_store)
    built.warm()
    return built


def slack_config(tmp_path: Path, **overrides: Any) -> SlackConfig:
    values: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "signing_secret": SIGNING_SECRET,
        "public_url": PUBLIC_URL,
        "private_grants": {HR_USER: ("hr",)},
        "state_path": tmp_path / "slack.sqlite3",
        **overrides,
    }
    return SlackConfig(**values)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


# --- the bolt app in HTTP mode, over real HTTP ----------------------------------------------------


def mount(bolt: Any) -> FastAPI:
    """An API app with the Slack endpoint mounted as server.py mounts it."""
    api = FastAPI()
    api.state.slack = bolt
    api.add_api_route("/slack/events", slack_events, methods=["POST"], include_in_schema=False)
    return api


@dataclass
class Harness:
    slack: SlackSender
    fake: FakeSlack
    assistant: Assistant
    state: SlackState


@pytest.fixture
def make_harness(
    live_server: Callable[[Any], str],
    fake_slack: FakeSlack,
    slack_assistant: Assistant,
    tmp_path: Path,
) -> Callable[..., Harness]:
    def build(assistant: Assistant | None = None, **overrides: Any) -> Harness:
        config = slack_config(tmp_path, **overrides)
        state = SlackState(config.state_path)
        client = WebClient(token=BOT_TOKEN, base_url=f"{fake_slack.url}/api/")
        bolt = create_app(assistant or slack_assistant, config, client=client, state=state)
        url = live_server(mount(bolt))
        return Harness(
            SlackSender(url, fake_slack), fake_slack, assistant or slack_assistant, state
        )

    return build


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()
