"""Robustness: schemathesis generates requests from the OpenAPI schema for every operation;
none may get a 5xx. (``make fuzz`` runs this file; the CLI equivalent against a running server is
``st run http://127.0.0.1:8000/openapi.json --checks not_a_server_error``.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from assistant.config import Settings
from server import create_app
from tests.conftest import make_settings, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(private_store: Settings) -> Iterator[str]:
    """The private store served by uvicorn, without tokens (so requests reach the routes)."""
    settings = make_settings(private_store.data_dir, corpus_dirs=private_store.corpus_dirs)
    with serving(create_app(settings)) as url:
        yield url


# The schema of the app as built (building it reads no settings and touches nothing).
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_no_operation_answers_with_a_server_error(case: Any, base_url: str) -> None:
    response = case.call(base_url=base_url, timeout=60)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
