"""Report metadata inferred from the text and header rows, overridable by a sidecar file."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from yaml import YAMLError

from corpus.clean import CleanedText
from corpus.gazetteer import Place, gazetteer
from corpus.load import IngestError
from corpus.sections import HEADING_PATTERN
from corpus.types import ReportMeta

_TITLE_WORDS = re.compile(r"报告|情况|总结|工作要点|汇报")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_ORGAN = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:司法局|人民政府|政府办公室|委员会|区委|市委|县委|局|办公室)")
# An issuer that is a division's own organ: the division's name (two to six characters; 全面依法治市 is not one)
# and the organ.
_ISSUER_PLACE = re.compile(r"^((?:(?!依法治)[\u4e00-\u9fff]){2,6}?(?:市|区|县|旗))(?:司法局|人民政府|政府办公室)$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_SIGNATURE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ISO_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_PARENTHETICAL = re.compile(r"[(（][^)）]*[)）]")
_SIDECAR_NAMES = (".meta.json", ".meta.yaml", ".meta.yml", ".yaml", ".yml")


class SidecarMeta(BaseModel):
    """Fields a sidecar file may set; anything else is an error naming the field."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    issuing_body: str | None = None
    region: str | None = None
    province: str | None = None
    prefecture: str | None = None
    year: int | None = None
    publish_date: str | None = None
    doc_number: str | None = None


def infer_metadata(cleaned: CleanedText, html_title: str | None = None) -> ReportMeta:
    """Title, issuing body, region (with province and prefecture), year, date and document number."""
    text = cleaned.text
    fields = cleaned.header_fields
    identity = set(cleaned.identity_lines)
    lines = [line for line in text.split("\n") if line not in identity]
    title = _title_from_text(lines[0]) if lines else None
    if title is None and html_title:
        title = _title_from_text(html_title)
    opening = "\n".join(lines[:3])[:600]
    signature = _signature_lines(lines)

    issuing_body = _issuing_body(fields, title, signature, opening, text)
    place = gazetteer().infer(text, prominent=" ".join(filter(None, [title, issuing_body])))
    # Only an issuer the file states (header row, title, signature), not one read from running text
    # (2023年我市司法局…), names the report's place.
    stated = issuing_body is not None and (bool(fields.get("发布机构")) or issuing_body in (title or "")
                                           or issuing_body in signature)
    place = (_issuer_place(issuing_body, text) if stated else None) or place
    if issuing_body and place and issuing_body[0] in "市区县" and not issuing_body.startswith(place.name):
        issuing_body = place.name + issuing_body[1:]  # "市司法局" in a 诸暨 report is 诸暨市司法局
    if issuing_body is None and place and "我局" in text and "司法" in text:
        issuing_body = f"{place.name}司法局"

    year = _year(title, opening)
    composed = title is None
    if title is None:
        owner = issuing_body or (place.name if place else "")
        title = f"{owner}{year}年法治政府建设工作报告" if year else f"{owner}法治政府建设工作报告"
    return ReportMeta(
        title=title,
        issuing_body=issuing_body,
        region=place.name if place else None,
        province=(place.province or None) if place else None,
        prefecture=_prefecture(place) if place else None,
        year=year,
        publish_date=_publish_date(fields, cleaned.header_dates, signature),
        doc_number=_doc_number(fields, text[:800]),
        title_composed=composed,
    )


def _issuer_place(issuing_body: str | None, text: str) -> Place | None:
    """The place an issuer that is a division's own organ belongs to, known to the gazetteer or not (a new or
    renamed division): 临龙县司法局 reports on 临龙县 and 杭州市西湖区司法局 on 西湖区, though their texts name
    杭州市 more often, and 金凤县 is not the 凤县 its name ends with. Known parents before it are read as such
    (杭州市新设区司法局). None when the issuer is not such an organ."""
    match = _ISSUER_PLACE.match(issuing_body or "")
    if match is None:
        return None
    places = gazetteer()
    name, parent = match.group(1), None
    while (head := next((name[:k] for k in range(len(name) - 2, 1, -1) if places.find(name[:k])), None)):
        parent, name = places.find(head)[0], name[len(head):]
    if places.find(name):
        return places.disambiguate(name, f"{issuing_body}\n{text}")
    level = "county" if name.endswith(("区", "县", "旗")) else "prefecture"
    return Place(name, level, province=parent.province if parent else "",
                 prefecture=parent.name if parent and parent.level == "prefecture" else None, code="")


def _prefecture(place: Place) -> str | None:
    return place.name if place.level == "prefecture" else place.prefecture


def _title_from_text(line: str) -> str | None:
    line = line.strip()
    if 6 <= len(line) <= 60 and "。" not in line and _TITLE_WORDS.search(line) and not HEADING_PATTERN.match(line):
        return line
    return None


def _signature_lines(lines: list[str]) -> list[str]:
    tail: list[str] = []
    for line in reversed(lines[-4:]):
        if len(line) > 30 or re.search(r"[。，,；;]", line):
            break
        tail.insert(0, line)
    return tail


def _issuing_body(fields: dict[str, str], title: str | None, signature: list[str], opening: str,
                  text: str) -> str | None:
    if fields.get("发布机构"):
        return _PARENTHETICAL.sub("", fields["发布机构"]).strip()
    if title:
        before_year = _YEAR.split(title, maxsplit=1)[0]
        organ = _ORGAN.fullmatch(before_year.strip())
        if organ:
            return organ.group(0)
    organs = [line for line in signature if _ORGAN.fullmatch(line)]
    if organs:
        government = [o for o in organs if "政府" in o]
        return (government or organs)[-1]
    source = _PARENTHETICAL.sub("", fields.get("信息来源", "") or fields.get("来源", "")).strip()
    if source and _ORGAN.fullmatch(source) and not source.endswith("办"):
        return source
    match = re.search(r"[\u4e00-\u9fff]{2,12}?(?:市|区|县)(?:司法局|人民政府)", opening)
    return match.group(0) if match else None


def _year(title: str | None, opening: str) -> int | None:
    for source in (title or "", opening):
        match = _YEAR.search(source)
        if match:
            return int(match.group(1))
    return None


def _publish_date(fields: dict[str, str], header_dates: tuple[str, ...], signature: list[str]) -> str | None:
    for key in ("发布时间", "发布日期", "时间", "日期", "公文生成日期", "成文日期"):
        iso = _iso(fields.get(key, ""))
        if iso:
            return iso
    for value in header_dates:
        iso = _iso(value)
        if iso:
            return iso
    for line in signature:
        match = _SIGNATURE_DATE.match(line)
        if match:
            return _iso(line)
    return None


def _iso(value: str) -> str | None:
    match = _ISO_DATE.search(value)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _doc_number(fields: dict[str, str], head: str) -> str | None:
    for key in ("备注/文号", "文号", "发文字号"):
        match = _DOC_NUMBER.search(fields.get(key, ""))
        if match:
            return match.group(0)
    match = _DOC_NUMBER.search(head)
    return match.group(0) if match else None


def find_sidecar(report_path: Path) -> Path | None:
    """The metadata file beside a report (same stem), if any."""
    for suffix in _SIDECAR_NAMES:
        candidate = report_path.with_name(report_path.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def apply_sidecar(meta: ReportMeta, sidecar: Path) -> ReportMeta:
    """Override inferred fields with those of a .meta.json or .yaml sidecar."""
    try:
        raw = sidecar.read_text(encoding="utf-8-sig")
        if sidecar.suffix == ".json":
            data = json.loads(raw)
        else:
            import yaml

            data = yaml.safe_load(raw)
        if data is not None and not isinstance(data, dict):
            raise ValueError("expected a mapping of field names to values")
        overrides = SidecarMeta.model_validate(data or {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise IngestError(sidecar, f"invalid metadata sidecar: {problems}") from exc
    except (OSError, ValueError, YAMLError) as exc:
        raise IngestError(sidecar, f"invalid metadata sidecar: {exc}".splitlines()[0]) from exc
    values = overrides.model_dump(exclude_unset=True)
    if values.get("region") and not ({"province", "prefecture"} & values.keys()):
        place = gazetteer().disambiguate(values["region"], meta.title)
        if place:
            values.setdefault("province", place.province)
            values.setdefault("prefecture", _prefecture(place))
    if "title" in values:
        values["title_composed"] = False
    return replace(meta, **values)
