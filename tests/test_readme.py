"""The README is the newcomer's page: it must name the two commands and every setting."""

import re

from assistant.config import Settings
from tests.conftest import REPO


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table -->")[1].split("<!-- /settings-table -->")[0]
    documented = set(re.findall(r"`(RAG_[A-Z_]+)`", table))
    expected = {f"RAG_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from the README table"
    assert documented - expected == set(), "the README documents settings that do not exist"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_env_example_uses_real_settings() -> None:
    names = set(re.findall(r"(RAG_[A-Z_]+)=", (REPO / ".env.example").read_text(encoding="utf-8")))
    assert names and names <= {f"RAG_{n.upper()}" for n in Settings.model_fields}
