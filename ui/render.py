"""Terminal and JSON renderings shared by the commands."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from answer.types import Answer
from corpus.types import IngestResult, IngestWarning, Report, SkippedFile
from index.types import UpdateSummary


def report_outline(report: Report, max_level: int = 5) -> list[dict[str, Any]]:
    """The section tree as a flat list, root excluded."""
    return [{"path": s.path, "level": s.level, "kind": s.kind, "start": s.start, "end": s.end}
            for s in report.sections if 0 < s.level <= max_level]


def ingest_summary_json(result: IngestResult) -> dict[str, Any]:
    """What `reportqa ingest --json` prints."""
    return {
        "reports": [
            {"source": item.report.source, "path": item.report.path, "format": item.report.file_format,
             "characters": len(item.report.text), **asdict(item.report.meta),
             "outline": report_outline(item.report), "chunks": len(item.chunks)}
            for item in result.reports
        ],
        "skipped": [skipped_json(s) for s in result.skipped],
        "warnings": [warning_json(w) for w in result.warnings],
    }


def skipped_json(skipped: SkippedFile) -> dict[str, str]:
    """A skipped file as JSON."""
    return {"path": skipped.path, "reason": skipped.reason}


def warning_json(warning: IngestWarning) -> dict[str, Any]:
    """A part of a file left out (an unreadable page) as JSON."""
    return {"path": warning.path, "page": warning.page, "reason": warning.reason}


def print_ingest_summary(result: IngestResult) -> None:
    """Human-readable metadata, outline and chunk counts of each report, then the skipped files."""
    for item in result.reports:
        report, meta = item.report, item.report.meta
        composed = "（无标题，据正文拟定）" if meta.title_composed else ""
        print(f"■ {report.source}  {meta.title}{composed}")
        place = " / ".join(filter(None, [meta.province, meta.prefecture, meta.region]))
        print(f"  地区: {place or '?'}   年度: {meta.year or '?'}   发布机构: {meta.issuing_body or '?'}")
        print(f"  发布日期: {meta.publish_date or '?'}   文号: {meta.doc_number or '—'}   "
              f"字数: {len(report.text)}   分块: {len(item.chunks)}")
        for section in report.sections:
            if 0 < section.level <= 2:
                indent = "    " * section.level
                print(f"{indent}{section.marker}{section.heading}  [{section.kind}]")
        print()
    print(f"{len(result.reports)} report(s), {sum(len(r.chunks) for r in result.reports)} chunk(s)", end="")
    print(f", {len(result.skipped)} skipped" if result.skipped else "")
    summarize_skipped(result.skipped)
    summarize_warnings(result.warnings)


def summarize_skipped(skipped: tuple[SkippedFile, ...] | list[SkippedFile]) -> None:
    """List every skipped file and why."""
    for item in skipped:
        print(f"  skipped {item.path}: {item.reason}")


def summarize_warnings(warnings: tuple[IngestWarning, ...]) -> None:
    """List every part of a file that was left out, with its page and why."""
    for item in warnings:
        page = f" page {item.page}" if item.page is not None else ""
        print(f"  warning {item.path}{page}: {item.reason}")


def update_summary_json(summary: UpdateSummary, index_dir: Path) -> dict[str, Any]:
    """What `reportqa index --json` prints."""
    return {"index": str(index_dir), "reports": summary.reports, "chunks": summary.chunks,
            "added": list(summary.added), "changed": list(summary.changed), "removed": list(summary.removed),
            "unchanged": len(summary.unchanged), "embedded": summary.embedded,
            "embedded_units": summary.embedded_units, "pending_vectors": summary.pending_vectors,
            "seconds": round(summary.seconds, 3), "skipped": [skipped_json(s) for s in summary.skipped],
            "warnings": [warning_json(w) for w in summary.warnings]}


def print_update_summary(summary: UpdateSummary, index_dir: Path) -> None:
    """One line of counts, then the skipped files."""
    state = "up to date" if summary.up_to_date else (
        f"{len(summary.added)} added, {len(summary.changed)} changed, {len(summary.removed)} removed, "
        f"{len(summary.unchanged)} unchanged")
    print(f"index {index_dir}: {summary.reports} reports, {summary.chunks} chunks ({state}); "
          f"{summary.embedded} passages and {summary.embedded_units} sentences embedded, {summary.seconds:.1f} s; "
          f"{len(summary.skipped)} skipped")
    if summary.pending_vectors:
        print(f"{summary.pending_vectors} vectors still to embed: searchable by words meanwhile; "
              f"finish with: reportqa index … (or reportqa serve, which embeds them in the background)")
    summarize_skipped(summary.skipped)
    summarize_warnings(summary.warnings)


def print_search_rows(rows: list[dict[str, Any]]) -> None:
    """Ranked chunks with their fused, dense and BM25 scores."""
    for row in rows:
        dense = row["dense"] or {"rank": "-", "score": "-"}
        bm25 = row["bm25"] or {"rank": "-", "score": "-"}
        print(f"#{row['rank']} fused {row['fused']:.4f} | dense #{dense['rank']} {dense['score']} | "
              f"bm25 #{bm25['rank']} {bm25['score']}")
        print(f"   {row['source']} {row['region'] or ''} {row['year'] or ''}  {row['section']}  "
              f"[{row['start']}:{row['end']}]")
        print(f"   {row['text'][:160]}")


def print_answer(answer: Answer, with_text: bool = True) -> None:
    """The answer (unless it was already streamed), then its sources with the quoted sentences."""
    if with_text:
        print(answer.answer)
    if answer.citations:
        print("\n来源：")
        for citation in answer.citations:
            print(f"  [{citation.n}] {citation.title}（{citation.region or '?'}，{citation.year or '?'}年）"
                  f" › {citation.section or '正文'}{f'  第{citation.page}页' if citation.page else ''}"
                  f"  [{citation.start}:{citation.end}]")
            print(f"      “{citation.quote}”")
    print(f"\n（{answer.timings_ms.get('total', 0):.0f} ms）")
