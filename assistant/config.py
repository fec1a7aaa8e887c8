"""Settings: every knob of the assistant, read from ``RAG_*`` environment variables and ``.env``.

One class, one prefix. Build it with :func:`get_settings` (cached) in applications, or construct
``Settings(...)`` directly in tests. Nothing here touches the disk or the network.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The spellings of a PostgreSQL URL taken for database_url (libpq's, and SQLAlchemy's for psycopg).
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
# Candidates Chroma's HNSW index weighs per search (its ``ef_search``): measured against exact
# search on the whole shared corpus, see the README's "Vector search recall" (bench/hnsw_recall.py).
CHROMA_SEARCH_EF = 1000

Answerer = Literal["extractive", "openai", "ollama", "llamacpp"]
ChromaMode = Literal["embedded", "http"]


class Settings(BaseSettings):
    """All settings; the README's settings table mirrors this class field by field."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # a rejected value is not echoed: tokens, keys and database URLs hold secrets
        hide_input_in_errors=True,
    )

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(
        Path("./data"), description="Where the store, indexes and databases live."
    )
    corpus_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("corpus")],
        description="Folders ingested by `python -m ingest` with no PATH (JSON list or comma-separated).",
    )
    chroma_mode: ChromaMode = Field(
        "embedded", description="`embedded` (on disk in data_dir) or `http`."
    )
    chroma_host: str = Field("127.0.0.1", description="Chroma server host when chroma_mode=http.")
    chroma_port: int = Field(8001, description="Chroma server port when chroma_mode=http.")
    chroma_collection: str = Field("passages", description="Name of the Chroma collection.")
    database_url: SecretStr = Field(
        SecretStr(""),
        description="PostgreSQL for the catalogue, conversations, audit trail, feedback and briefs "
        "(`postgresql://user:password@host:5432/db`), shared by several API hosts; empty: SQLite "
        "files in data_dir.",
    )
    chroma_timeout: float = Field(
        30.0, gt=0, description="Seconds before a silent Chroma server gives a 503 (http mode)."
    )
    chroma_search_ef: int = Field(
        CHROMA_SEARCH_EF,
        ge=10,
        le=5000,
        description="How many candidates Chroma's vector index (HNSW) weighs per search. Chroma's "
        "own default of 100 missed the nearest passage of one question in eight on the whole "
        "shared corpus, and differently each time the store was opened.",
    )

    # --- ingestion -----------------------------------------------------------------------
    embedding_model: str = Field(
        "minilm-int8",
        description="Embedding model: `minilm-int8` (all-MiniLM-L6-v2, int8 ONNX, ships in a package).",
    )
    embed_batch_size: int = Field(4, ge=1, le=256, description="Passages per embedding batch.")
    embed_threads: int = Field(
        0,
        ge=0,
        le=256,
        description="Threads the embedding model may use in each process (0: onnxruntime's "
        "choice, one per core).",
    )
    multilingual_index: bool = Field(
        True,
        description="Also index every sentence with a multilingual model (Universal Sentence "
        "Encoder v3, ships in a package), so that questions in Korean, Chinese, Japanese, Russian, "
        "Thai and other languages find English passages without an LLM. Costs about a fifth more "
        "ingest time; turning it on later indexes what is already stored on the next ingest.",
    )
    sentence_vectors: bool = Field(
        True,
        description="Also store the vector of every sentence an answer may quote (embedded by "
        "the passage model at ingestion), so that answers read them instead of computing them. "
        "Ingestion embeds about 1.8 x the text it would without them (about 1.4 x the time) "
        "and the store takes about two thirds more disk; turning it on later stores them for "
        "what is already ingested on the next ingest.",
    )
    chunk_size: int = Field(180, ge=40, le=1000, description="Target passage size in words.")
    chunk_overlap: int = Field(1, ge=0, le=5, description="Sentences repeated between passages.")
    ingest_ignore: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["README*", "*-README.*", "SOURCES.md", "LICENSE*", "*LICENSE*.*"],
        description="Glob patterns of files not to ingest (file names or paths inside a folder).",
    )
    ocr: bool = Field(
        True, description="OCR pages without a usable text layer when tesseract exists."
    )
    ocr_language: str = Field(
        "eng",
        description="Tesseract language for pages whose own language cannot be told or has no "
        "pack installed (other pages are OCRed in their detected language).",
    )
    fetch_allow_private: bool = Field(
        False,
        description="Let `python -m ingest fetch` download from private, loopback, link-local and "
        "other non-public addresses (an intranet server, a local test server). Off: such URLs, "
        "names that resolve to them and redirects to them are refused.",
    )

    # --- retrieval and answers -----------------------------------------------------------
    top_k: int = Field(6, ge=1, le=50, description="Passages retrieved per question.")
    answer_concurrency: int = Field(
        4,
        ge=0,
        description="Answers and searches computed at once per worker; the others wait their "
        "turn in order of arrival (0 = no limit). With an LLM answerer, at least the "
        "generations the LLM serves at once.",
    )
    sentence_cache_size: int = Field(
        20_000,
        ge=0,
        description="Sentence vectors kept in memory per process for extractive answers (0 = off).",
    )
    answerer: Answerer = Field(
        "extractive", description="Who writes answers: extractive (offline) or an LLM."
    )
    translate_questions: bool = Field(
        True,
        description="With an LLM configured, search English documents with an English translation "
        "of a question asked in another language (names and acronyms kept).",
    )
    refusal_threshold: float = Field(
        0.35,
        description="Evidence score under which the assistant says the documents do not answer.",
    )
    crosslingual_threshold: float = Field(
        0.40,
        description="Similarity (multilingual model, question as typed against the best sentence "
        "found) under which a question in another language is answered as not in the documents.",
    )
    llm_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="OpenAI-compatible endpoint (answerer=openai)."
    )
    llm_model: str = Field("local-model", description="Model name sent to the LLM provider.")
    llm_api_key: SecretStr = Field(
        SecretStr(""), description="API key for the LLM provider, if any."
    )
    llm_timeout: float = Field(60.0, gt=0, description="Seconds before an LLM call is abandoned.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature for the LLM.")
    ollama_url: str = Field(
        "http://127.0.0.1:11434", description="Ollama server (answerer=ollama)."
    )
    llamacpp_model_path: Path | None = Field(
        None, description="GGUF file for the in-process llama.cpp answerer (answerer=llamacpp)."
    )

    # --- service -------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the API binds to.")
    port: int = Field(8000, description="Port the API binds to.")
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Base URL people use to reach the web chat (links in Slack).",
    )
    api_tokens: SecretStr = Field(
        SecretStr(""),
        description="Bearer tokens for /api and /v1: a JSON object mapping each token to the "
        'private collections it may read ({"tok": ["hr"]}; ["*"] = all), a JSON list or '
        "comma-separated tokens with no grants. Empty: no authentication, public documents only.",
    )
    view_link_hours: float = Field(
        72.0,
        gt=0,
        le=24 * 90,
        description="Hours a signed view link stays valid (Slack's 'Continue in the web chat', "
        "and its source links while tokens are set).",
    )
    view_link_secret: SecretStr = Field(
        SecretStr(""),
        description="Key that signs view links; empty: one made once in the data directory "
        "(set it when API hosts do not share a data directory).",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API (comma-separated or JSON list; `*` for any).",
    )
    rate_limit: int = Field(
        0,
        ge=0,
        description="Requests per minute per token (per client address without tokens), counted "
        "in each worker process; 0 turns the limit off.",
    )
    auth_failure_limit: int = Field(
        10,
        ge=0,
        description="Wrong API tokens accepted per minute from one client address before it gets "
        "429 (counted per worker); 0 turns the throttle off.",
    )
    max_question_chars: int = Field(
        2000, ge=1, le=100_000, description="Longest question accepted (characters)."
    )
    max_body_bytes: int = Field(
        262_144, ge=1024, description="Largest request body accepted (bytes)."
    )
    openai_model_name: str = Field(
        "governance-assistant",
        description="Model id the OpenAI-compatible endpoint (/v1) reports and answers as.",
    )

    # --- Slack bot (bots/slack; see bots/slack/README.md) ----------------------------------
    slack_bot_token: SecretStr = Field(
        SecretStr(""), description="Slack bot token (`xoxb-…`); the bot is off without it."
    )
    slack_signing_secret: SecretStr = Field(
        SecretStr(""),
        description="Slack signing secret: HTTP mode (`POST /slack/events` on the API).",
    )
    slack_app_token: SecretStr = Field(
        SecretStr(""),
        description="Slack app-level token (`xapp-…`): Socket Mode (`python -m bots.slack`).",
    )
    slack_ask_command: str = Field("/ask", description="Slash command that asks a question.")
    slack_brief_command: str = Field("/brief", description="Slash command that drafts a brief.")
    slack_private_grants: str = Field(
        "",
        description='Private collections per Slack user, in DMs only (JSON: {"U0123ABCD": ["hr"]}).',
    )
    slack_channels: str = Field(
        "",
        description="Per-channel rules, JSON or the path of a JSON file: the kinds of document "
        "a channel may draw on, answering without a mention, private replies "
        '({"C0123ABCD": {"collections": ["data"], "without_mention": true}}).',
    )
    slack_dm_idle_minutes: float = Field(
        30.0, ge=0, description="Minutes of quiet after which a DM starts a new conversation."
    )
    slack_stream: Literal["panel", "threads", "off"] = Field(
        "panel",
        description="Where Slack answers stream in: the AI-app panel's threads, also mentions "
        "and DM threads, or nowhere.",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Slack Web API base URL (tests point it elsewhere)."
    )

    @field_validator("corpus_dirs", "ingest_ignore", "cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """A JSON list, or comma-separated values."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value().strip()
        if url and not url.startswith(POSTGRES_SCHEMES):
            raise ValueError(
                "must be a PostgreSQL URL (postgresql://user:password@host:5432/db), or empty "
                "for SQLite files in the data directory"
            )
        return SecretStr(url)

    @property
    def database(self) -> str:
        """``database_url``'s value: the PostgreSQL URL, or "" for SQLite files."""
        return self.database_url.get_secret_value()

    @field_validator("api_tokens")
    @classmethod
    def _check_tokens(cls, value: SecretStr) -> SecretStr:
        from assistant.access import parse_tokens

        parse_tokens(value.get_secret_value())  # a ValueError names what is wrong
        return value

    def token_grants(self) -> dict[str, tuple[str, ...]]:
        """Each API token and the private collections it is granted (empty: no tokens)."""
        from assistant.access import parse_tokens

        raw = self.api_tokens
        return parse_tokens(raw.get_secret_value() if isinstance(raw, SecretStr) else str(raw))

    @property
    def conversations_path(self) -> Path:
        """Conversations kept for follow-up questions (SQLite, WAL)."""
        return self.data_dir / "conversations.sqlite3"

    @property
    def audit_path(self) -> Path:
        """The audit trail: every answer with what it was built from, and its feedback."""
        return self.data_dir / "answers.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def keyword_path(self) -> Path:
        return self.data_dir / "keyword"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "documents.sqlite3"

    @property
    def indicators_path(self) -> Path:
        return self.data_dir / "indicators.sqlite3"

    @property
    def profiles_dir(self) -> Path:
        """Generated country profiles (Markdown) are written here and ingested like documents."""
        return self.data_dir / "profiles"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment and ``.env``."""
    return Settings()
