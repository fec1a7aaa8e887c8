"""The naive LlamaIndex baseline the benchmarks compare against.

``SimpleDirectoryReader`` + ``VectorStoreIndex`` into Chroma, LlamaIndex defaults (SentenceSplitter,
1,024-token chunks), with the same embedding model as the project. PDFs are read one document per
page with pypdf, as LlamaIndex's own ``PDFReader`` does (its package pins an older pypdf).

    python bench/naive_baseline.py CORPUS   # prints one JSON object
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    import chromadb
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document
    from llama_index.vector_stores.chroma import ChromaVectorStore
    from pypdf import PdfReader

    from assistant.embedding import Embedder, llama_index_embedding

    class PagePDFReader(BaseReader):  # type: ignore[misc]
        def load_data(self, file: Path, extra_info: dict | None = None) -> list[Document]:
            try:
                reader = PdfReader(file)
                pages = [page.extract_text() or "" for page in reader.pages]
            except Exception:  # the baseline is naive: a broken PDF is just skipped
                return []
            return [
                Document(
                    text=text,
                    metadata={
                        "file_name": Path(file).name,
                        "page_label": str(i + 1),
                        **(extra_info or {}),
                    },
                )
                for i, text in enumerate(pages)
            ]

    corpus = Path(sys.argv[1])
    data = Path(os.environ.get("RAG_DATA_DIR", "baseline-data"))
    started = time.perf_counter()
    reader = SimpleDirectoryReader(
        str(corpus),
        recursive=True,
        required_exts=[".pdf", ".md", ".rst", ".txt", ".csv"],
        file_extractor={".pdf": PagePDFReader()},
        raise_on_error=False,
    )
    documents = reader.load_data(show_progress=False)
    loaded = time.perf_counter()
    client = chromadb.PersistentClient(path=str(data / "chroma"))
    collection = client.get_or_create_collection("baseline")
    storage = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=collection)
    )
    embed_model = llama_index_embedding(Embedder(batch_size=8))
    VectorStoreIndex.from_documents(
        documents, storage_context=storage, embed_model=embed_model, show_progress=False
    )
    done = time.perf_counter()
    # the tokens the model read: every chunk as stored, truncated as the model truncates it
    texts = collection.get(include=["documents"])["documents"] or []
    tokens = Embedder().count_tokens([t or " " for t in texts])
    print(
        json.dumps(
            {
                "documents": len(documents),
                "chunks": collection.count(),
                "tokens": tokens,
                "load_seconds": round(loaded - started, 1),
                "index_seconds": round(done - loaded, 1),
                "total_seconds": round(done - started, 1),
                "tokens_per_second": round(tokens / (done - started)),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
