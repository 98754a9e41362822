"""A matrix saved by numpy (.npy) read a few rows at a time, with pread, instead of memory-mapped,
and written a block of rows at a time.

An answer scores a few thousand of the index's sentences; over a few dozen questions a memory map of
their vectors had touched nearly every page of the file (93 of 98 MB at 1000 reports), all of it counted
in the process's memory. Read with pread, the rows pass through the page cache and only the ones asked
for are kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np


class RowFile:
    """The rows of a 2-D .npy file, read on demand; safe to share between threads (pread keeps no position)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as header:
            version = np.lib.format.read_magic(header)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read(header)
            self._offset = header.tell()
        if len(shape) != 2 or fortran_order:
            raise ValueError(f"{path} does not hold a row-major matrix")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._handle = path.open("rb")
        self._row_bytes = self.dtype.itemsize * self.shape[1]

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: slice | np.ndarray | list[int]) -> np.ndarray:
        """The rows a slice or an array of row numbers selects (negative numbers count from the end)."""
        rows = np.arange(self.shape[0])[key]
        descriptor = self._handle.fileno()
        # Runs of consecutive rows (a report's sentences) are read with one call each.
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        firsts, lasts = np.concatenate([[0], breaks]), np.concatenate([breaks, [len(rows)]]) - 1
        data = b"".join([os.pread(descriptor, (int(rows[last]) - int(rows[first]) + 1) * self._row_bytes,
                                  self._offset + int(rows[first]) * self._row_bytes)
                         for first, last in zip(firsts, lasts, strict=True) if len(rows)])
        return np.frombuffer(data, dtype=self.dtype).reshape(len(rows), self.shape[1])

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


def write_rows(path: Path, shape: tuple[int, int], dtype: np.dtype | type, blocks: Iterable[np.ndarray]) -> None:
    """Save a rows x columns .npy file block by block, so the whole matrix is never in memory at once.

    The blocks, in row order, must add up to shape; the file appears under path only when complete.
    """
    descriptor = np.lib.format.dtype_to_descr(np.dtype(dtype))
    staging = path.with_name(path.name + ".part")
    written = 0
    try:
        with staging.open("wb") as out:
            np.lib.format.write_array_header_1_0(out, {"descr": descriptor, "fortran_order": False, "shape": shape})
            for block in blocks:
                if block.ndim != 2 or block.shape[1] != shape[1]:
                    raise ValueError(f"a block of shape {block.shape} does not fit rows of {shape[1]} columns")
                out.write(np.ascontiguousarray(block, dtype=dtype).tobytes())
                written += len(block)
        if written != shape[0]:
            raise ValueError(f"{written} rows written, {shape[0]} expected")
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    staging.replace(path)
