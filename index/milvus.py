"""One Milvus collection per index: the chunk's BM25 terms with a BM25 function, the dense vector, metadata fields.

BM25 runs on the same terms as the local store (rjieba words plus character bigrams, see index.analysis),
so both stores rank alike. Milvus' own `jieba` analyser has no bigrams and, measured, changed answers
(伊春's 行政执法监督联系点 joined the card question's list), and Milvus Lite offers no whitespace tokenizer
to pass terms through as they are. Each term is therefore written as an opaque alphanumeric word (a hash
of it) that Milvus' `standard` analyser keeps whole, on a Milvus server and in Milvus Lite alike.

The same code talks to Milvus Lite (a local .db file, the `milvus-lite` package) and to a Milvus
server or cluster (an http:// uri with a token). Install with `pip install 'reportqa[milvus]'`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.stores import StoreSpec
from index.types import ChunkFilter

# Milvus refuses a search limit above this (its `topk` maximum).
MAX_LIMIT = 16384
INSERT_BATCH = 512
COLLECTION_PREFIX = "reportqa_"
_TEXT_MAX = 65535  # bytes of VARCHAR; a chunk of 160 tokens has some 400 terms of 18 bytes each
TERMS_FIELD = "terms"


@dataclass(frozen=True, slots=True)
class ChunkRow:
    """What one chunk puts into the collection."""

    row_id: int
    terms: Sequence[str]  # the chunk's BM25 terms (index.analysis), written with term_words
    vector: np.ndarray
    source: str
    region: str
    year: int | None
    kind: str
    issuer: str


def term_words(terms: Sequence[str]) -> str:
    """BM25 terms as one string of opaque words that Milvus' standard analyser splits back into the same terms."""
    return " ".join("t" + hashlib.blake2b(t.encode(), digest_size=8).hexdigest() for t in terms)


def filter_expression(where: ChunkFilter) -> str:
    """The Milvus boolean expression: regions, years and kinds listed; the issuer contains any of the bodies."""
    parts = []
    if where.regions:
        parts.append(f"region in {_strings(where.regions)}")
    if where.years:
        parts.append(f"year in [{', '.join(str(int(y)) for y in where.years)}]")
    if where.kinds:
        parts.append(f"kind in {_strings(where.kinds)}")
    if where.issuing_bodies:
        likes = [f"issuer like {json.dumps('%' + _like_escape(b) + '%', ensure_ascii=False)}"
                 for b in where.issuing_bodies]
        parts.append("(" + " or ".join(likes) + ")")
    return " and ".join(parts)


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def connect(spec: StoreSpec) -> Any:
    """A MilvusClient for the spec's uri (Milvus Lite starts in-process for a file path)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise ImportError("the Milvus store needs pymilvus and milvus-lite: pip install 'reportqa[milvus]'") from exc
    if not spec.is_server:
        Path(spec.uri).parent.mkdir(parents=True, exist_ok=True)
    return MilvusClient(uri=spec.uri, token=spec.token) if spec.token else MilvusClient(uri=spec.uri)


def create_collection(client: Any, name: str, dim: int, dense_kind: str) -> None:
    """An empty collection with the BM25 function over the term words and an exact (FLAT) or HNSW dense index."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("row_id", DataType.INT64, is_primary=True)
    schema.add_field(TERMS_FIELD, DataType.VARCHAR, max_length=_TEXT_MAX, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("source", DataType.VARCHAR, max_length=1024)
    schema.add_field("region", DataType.VARCHAR, max_length=256)
    schema.add_field("year", DataType.INT64, nullable=True)
    schema.add_field("kind", DataType.VARCHAR, max_length=64)
    schema.add_field("issuer", DataType.VARCHAR, max_length=512)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=[TERMS_FIELD], output_field_names=["sparse"]))
    params = client.prepare_index_params()
    if dense_kind == "hnsw":
        params.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 80})
    else:
        params.add_index("dense", index_type="FLAT", metric_type="IP")
    # bm25s' k1 and b (Milvus Lite's defaults too; a Milvus server's k1 would otherwise be 1.2).
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": 1.5, "bm25_b": 0.75})
    client.create_collection(name, schema=schema, index_params=params)


def insert(client: Any, name: str, rows: Sequence[ChunkRow],
           progress: Callable[[str, int, int], None] | None = None, batch: int = INSERT_BATCH) -> None:
    """Insert rows in batches (a bulk import of millions of chunks goes through here), reporting progress."""
    for start in range(0, len(rows), batch):
        client.insert(name, [
            {"row_id": r.row_id, TERMS_FIELD: term_words(r.terms),
             "dense": np.asarray(r.vector, dtype=np.float32).tolist(),
             "source": r.source, "region": r.region, "year": r.year, "kind": r.kind, "issuer": r.issuer}
            for r in rows[start:start + batch]])
        if progress:
            progress("milvus", min(start + batch, len(rows)), len(rows))


def delete_rows(client: Any, name: str, row_ids: Sequence[int], batch: int = 4096) -> None:
    """Delete rows by primary key."""
    ids = [int(r) for r in row_ids]
    for start in range(0, len(ids), batch):
        client.delete(name, ids=ids[start:start + batch])


def delete_from(client: Any, name: str, first_row: int) -> None:
    """Delete every row with an id at or above first_row (what a killed update left behind)."""
    client.delete(name, filter=f"row_id >= {int(first_row)}")


def drop_others(client: Any, prefix: str, keep: str) -> list[str]:
    """Drop this index's collections other than `keep` (earlier builds, or a killed rebuild's)."""
    dropped = [c for c in client.list_collections() if c.startswith(prefix) and c != keep]
    for name in dropped:
        client.drop_collection(name)
    return dropped


def dense_search(client: Any, name: str, vector: np.ndarray, k: int, expression: str) -> list[tuple[int, float]]:
    """Top-k (row id, inner product)."""
    result = client.search(name, data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="dense",
                           limit=min(k, MAX_LIMIT), filter=expression, output_fields=["row_id"],
                           search_params={"metric_type": "IP"})
    return [(int(hit["row_id"]), float(hit["distance"])) for hit in result[0]]


def has_terms(client: Any, name: str) -> bool:
    """Whether the collection holds BM25 terms as this version writes them (not an older build's raw text)."""
    fields = client.describe_collection(name).get("fields", [])
    return any(f.get("name") == TERMS_FIELD for f in fields)


def bm25_search(client: Any, name: str, terms: Sequence[str], k: int, expression: str) -> list[tuple[int, float]]:
    """Top-k (row id, BM25 score) among chunks sharing a term with the query."""
    if not terms:
        return []
    result = client.search(name, data=[term_words(terms)], anns_field="sparse", limit=min(k, MAX_LIMIT),
                           filter=expression, output_fields=["row_id"], search_params={"metric_type": "BM25"})
    # Milvus Lite reports BM25 as a negated distance (best most negative); a server reports the score itself.
    return [(int(hit["row_id"]), abs(float(hit["distance"]))) for hit in result[0] if hit["distance"]]
