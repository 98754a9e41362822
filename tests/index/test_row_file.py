"""Rows read with pread equal the rows numpy loads from the same .npy file; rows written in blocks give numpy's file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.row_file import RowFile, write_rows


def test_rows_equal_numpys(tmp_path: Path) -> None:
    matrix = np.random.default_rng(3).normal(size=(97, 24)).astype(np.float16)
    np.save(tmp_path / "m.npy", matrix)
    rows = RowFile(tmp_path / "m.npy")
    try:
        assert len(rows) == 97 and rows.shape == (97, 24) and rows.dtype == np.float16
        for key in [np.array([5, 0, 96, 5]), np.array([10, 11, 12, 40, 41, 7, 8, 9, 96]), np.arange(30, 60),
                    np.array([], dtype=np.int64), np.array([-1, -97]), [3, 2],
                    slice(None, 3), slice(10, 40, 7), slice(None)]:
            got = rows[key]
            assert got.dtype == np.float16 and np.array_equal(got, matrix[key])
        with pytest.raises(IndexError):
            rows[np.array([97])]
    finally:
        rows.close()


def test_only_row_major_matrices(tmp_path: Path) -> None:
    np.save(tmp_path / "cube.npy", np.zeros((2, 3, 4), dtype=np.float32))
    np.save(tmp_path / "fortran.npy", np.asfortranarray(np.ones((4, 3), dtype=np.float32)))
    for name in ("cube.npy", "fortran.npy"):
        with pytest.raises(ValueError, match="row-major"):
            RowFile(tmp_path / name)


def test_rows_written_in_blocks_make_numpys_file(tmp_path: Path) -> None:
    matrix = np.random.default_rng(4).normal(size=(97, 24)).astype(np.float32)
    np.save(tmp_path / "whole.npy", matrix.astype(np.float16))
    write_rows(tmp_path / "blocks.npy", (97, 24), np.float16, (matrix[start:start + 40] for start in range(0, 97, 40)))
    assert (tmp_path / "blocks.npy").read_bytes() == (tmp_path / "whole.npy").read_bytes()
    write_rows(tmp_path / "empty.npy", (0, 24), np.float16, iter(()))
    assert np.load(tmp_path / "empty.npy").shape == (0, 24)


def test_rows_short_of_the_shape_leave_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="96 rows written"):
        write_rows(tmp_path / "short.npy", (97, 24), np.float16, iter([np.zeros((96, 24))]))
    with pytest.raises(ValueError, match="does not fit"):
        write_rows(tmp_path / "wide.npy", (97, 24), np.float16, iter([np.zeros((97, 25))]))
    assert list(tmp_path.iterdir()) == []
