"""Fixtures for the Slack bot: a tiny store (with a private collection), a fake Slack Web API that
speaks the real protocol and enforces Slack's documented limits, and the real bolt app in HTTP
mode behind uvicorn, reached with signed requests."""

from __future__ import annotations

import json
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

PUBLIC_TRAINING = """<!-- collection: study; countries: SGP; year: 2023 -->
# Public service training in Singapore

The Civil Service College trains public officers in digital skills every year.
Its courses cover data literacy, service design and the use of artificial intelligence in government.
Officers who complete the programme lead digital transformation projects in their agencies.
"""

PUBLIC_IDENTITY = """<!-- collection: case; countries: FJI; year: 2022 -->
# Digital identity in Fiji

Fiji launched a national digital identity programme to give every citizen a secure online credential.
The programme links birth registration with the digital identity so that services can be delivered online.
"""

PRIVATE_CIRCULAR = """# Internal human resources circular

The Zephyr allowance for remote-island civil servants is 412 dollars per month.
It is paid to officers posted to islands without a hospital, starting from their second month.
Requests for the Zephyr allowance go to the human resources division of the ministry.
"""


# --- the store ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slack_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two public notes and a private circular (sidecar ``{"access": "hr"}``), ingested once."""
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("slack")
    corpus = root / "corpus"
    (corpus / "public").mkdir(parents=True)
    (corpus / "hr").mkdir()
    (corpus / "public" / "civil-service-college.md").write_text(PUBLIC_TRAINING, encoding="utf-8")
    (corpus / "public" / "fiji-digital-identity.md").write_text(PUBLIC_IDENTITY, encoding="utf-8")
    (corpus / "hr" / "zephyr-allowance.md").write_text(PRIVATE_CIRCULAR, encoding="utf-8")
    (corpus / "hr" / "zephyr-allowance.md.meta.json").write_text(
        json.dumps({"access": "hr"}), encoding="utf-8"
    )
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
