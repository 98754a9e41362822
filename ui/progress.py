"""A tqdm progress bar per stage of a long index build (pages read, reports parsed, chunks embedded)."""

from __future__ import annotations

from typing import Any, ClassVar


class StageBars:
    """Callable progress sink: one bar per stage, with counts, rate and ETA."""

    _UNITS: ClassVar[dict[str, str]] = {"pages": "page", "reports": "report", "chunks": "chunk", "units": "sentence"}

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=f"{stage:>8}", unit=self._UNITS.get(stage, "it"),
                                           leave=True, dynamic_ncols=True)
        if total != bar.total or done < bar.n:  # the pages of the next file
            bar.reset(total=total)
        bar.update(done - bar.n)

    def close(self) -> None:
        """Finish every bar."""
        for bar in self._bars.values():
            bar.close()
