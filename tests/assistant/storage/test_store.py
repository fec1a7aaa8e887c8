"""The Chroma store on disk: upserts are idempotent and filters run inside the vector search."""

import numpy as np

from assistant.models import Chunk, DocumentRecord
from assistant.storage.vectors import VectorStore, build_where


def _doc(
    doc_id: str,
    countries: list[str],
    collection: str = "study",
    year: int = 2024,
    access: str = "public",
) -> DocumentRecord:
    return DocumentRecord(
        doc_id,
        f"{doc_id}.md",
        f"/x/{doc_id}.md",
        doc_id,
        collection,
        countries,
        year,
        content_hash="h",
        access=access,
    )


def _vectors(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _fill(store: VectorStore) -> np.ndarray:
    vectors = _vectors(30, 1)
    for i, (doc_id, countries, year, access) in enumerate(
        [
            ("fiji", ["FJI"], 2022, "public"),
            ("korea", ["KOR"], 2016, "public"),
            ("both", ["FJI", "KOR"], 2024, "internal"),
        ]
    ):
        doc = _doc(doc_id, countries, year=year, access=access)
        chunks = [
            Chunk(f"{doc_id}:{j}", doc_id, j, f"text {doc_id} {j}", page=j + 1, page_label=str(j))
            for j in range(10)
        ]
        store.add(doc, chunks, vectors[i * 10 : (i + 1) * 10])
    return vectors


def test_upsert_is_idempotent_and_delete_removes_a_document(settings) -> None:
    store = VectorStore(settings)
    _fill(store)
    _fill(store)
    assert store.count() == 30
    store.delete_document("korea")
    assert store.count() == 20
    assert store.all_doc_ids() == {"fiji", "both"}


def test_filters_apply_inside_the_search_and_keep_k(settings) -> None:
    store = VectorStore(settings)
    vectors = _fill(store)
    # the query is closest to a Korea chunk, but the filter asks for Fiji: still k results
    where = build_where(countries=["FJI"], access=None)
    hits = store.query(vectors[12], k=15, where=where)
    assert len(hits) == 15
    assert {c.doc_id for c, _ in hits} == {"fiji", "both"}


def test_private_passages_need_a_grant(settings) -> None:
    store = VectorStore(settings)
    vectors = _fill(store)
    public = store.query(vectors[25], k=30, where=build_where())
    assert "both" not in {c.doc_id for c, _ in public}
    granted = store.query(vectors[25], k=30, where=build_where(access=["internal"]))
    assert granted[0][0].doc_id == "both"


def test_year_range_and_collections(settings) -> None:
    store = VectorStore(settings)
    vectors = _fill(store)
    hits = store.query(
        vectors[0], k=30, where=build_where(year_from=2020, year_to=2023, access=None)
    )
    assert {c.doc_id for c, _ in hits} == {"fiji"}
    assert store.query(vectors[0], k=5, where=build_where(collections=["case"])) == []


def test_chunk_metadata_roundtrip(settings) -> None:
    store = VectorStore(settings)
    _fill(store)
    chunk = store.get(["fiji:3"])["fiji:3"]
    assert (chunk.page, chunk.page_label, chunk.doc_hash, chunk.ordinal) == (4, "3", "h", 3)
    assert [c.ordinal for c in store.document_chunks("fiji")] == list(range(10))


def test_threads_opening_the_store_at_once_share_one_client(settings) -> None:
    """The API's first requests arrive on several threads together: one client must be opened."""
    import threading

    _fill(VectorStore(settings))
    store = VectorStore(settings)
    opened: list[object] = []
    real_open = store._open

    def counting_open() -> None:
        opened.append(threading.get_ident())
        real_open()

    store._open = counting_open  # type: ignore[method-assign]
    start = threading.Barrier(8)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            counts.append(store.count())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and counts == [30] * 8
    assert len(opened) == 1


REWRITE_IN_ANOTHER_PROCESS = """
import sys
import numpy as np
import chromadb
from chromadb.config import Settings

client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
collection = client.get_collection(sys.argv[2])
collection.delete(where={"doc_id": "korea"})
rng = np.random.default_rng(7)
vectors = rng.normal(size=(300, 384))
collection.add(
    ids=[f"korea-new:{i}" for i in range(300)],
    embeddings=(vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist(),
    documents=[f"new text {i}" for i in range(300)],
    metadatas=[
        {"doc_id": "korea", "c_KOR": True, "access": "public", "ordinal": i} for i in range(300)
    ],
)
"""


def test_a_search_after_another_process_rewrote_a_document_sees_the_new_version(
    settings,
) -> None:
    """Ingestion runs in its own process: the API's loaded vector index still points at the
    passages it deleted. A filtered search then fails inside Chroma ("Error finding id"); the
    store reopens the index and answers from what ingestion wrote."""
    import subprocess
    import sys

    store = VectorStore(settings)
    vectors = _fill(store)
    assert store.query(vectors[10], k=5, where=build_where(countries=["KOR"]))
    subprocess.run(
        [
            sys.executable,
            "-c",
            REWRITE_IN_ANOTHER_PROCESS,
            str(settings.chroma_path),
            settings.chroma_collection,
        ],
        check=True,
    )

    hits = store.query(vectors[10], k=50, where=build_where(countries=["KOR"]))

    assert hits and {c.chunk_id.split(":")[0] for c, _ in hits} == {"korea-new"}


def test_a_store_made_with_chromas_default_search_width_is_opened_with_the_settings(
    settings,
) -> None:
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    client = chromadb.PersistentClient(path=str(settings.chroma_path))
    made = client.get_or_create_collection(
        settings.chroma_collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )
    assert made.configuration_json["hnsw"]["ef_search"] == 100  # Chroma's own
    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_path), None)

    wider = settings.model_copy(update={"chroma_search_ef": 321})
    store = VectorStore(wider)
    _fill(store)
    assert store._connect().configuration_json["hnsw"]["ef_search"] == 321
    assert store._connect().configuration_json["hnsw"]["space"] == "cosine"
    assert store.count() == 30


def test_stores_of_one_folder_reopen_and_open_on_many_threads_without_failing(settings) -> None:
    """Embedded Chroma keeps one client system per folder and process; reopening (after an
    ingestion) drops it. Two collections of one folder (the passages and a store beside them)
    are opened and reopened by request threads at once: no thread may find the folder's system
    gone half-way through opening its client ("Could not connect to tenant")."""
    import threading

    _fill(VectorStore(settings))
    passages = VectorStore(settings)
    beside = VectorStore(settings, collection=f"{settings.chroma_collection}_beside")
    beside.count()
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(store: VectorStore) -> None:
        start.wait()
        try:
            for _ in range(40):
                store.refresh()
                store.count()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in [passages, beside] * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors[0]
