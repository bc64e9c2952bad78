"""Reference data shipped with the product: the 2018 court-code table and the provinces.

`courts_2018.csv` lists 3,526 courts with the code used in case numbers and their parent
(see docs/data.md for provenance). Courts founded later are added in the product.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pypinyin import lazy_pinyin

DATA = Path(__file__).resolve().parent / "data"

LEVELS = {"SPC": "spc", "high": "high", "intermediate": "intermediate", "basic": "basic"}


@dataclass(frozen=True)
class CourtRow:
    internal_id: int
    parent_internal_id: int
    code: str
    name_zh: str
    level: str
    kind: str
    province: str


def court_kind(name: str, code: str) -> str:
    if code == "军":
        return "military"
    for needle, kind in (
        ("海事", "maritime"),
        ("知识产权", "ip"),
        ("金融", "financial"),
        ("铁路运输", "railway"),
        ("互联网", "internet"),
        ("林区", "forestry"),
        ("森林", "forestry"),
        ("农垦", "reclamation"),
        ("油田", "oilfield"),
        ("辽河", "oilfield"),
        ("矿区", "special"),
    ):
        if needle in name:
            return kind
    return "ordinary"


@cache
def courts() -> tuple[CourtRow, ...]:
    with open(DATA / "courts_2018.csv", encoding="utf-8") as handle:
        rows = []
        for raw in csv.DictReader(handle):
            code = raw["court_code"].strip()
            rows.append(
                CourtRow(
                    internal_id=int(raw["internal_id"]),
                    parent_internal_id=int(raw["parent_internal_id"]),
                    code=code,
                    name_zh=raw["court_name_zh"].strip(),
                    level=LEVELS[raw["level"]],
                    kind=court_kind(raw["court_name_zh"], code),
                    province="" if code == "最高法" else code[0],
                )
            )
    return tuple(rows)


@cache
def provinces() -> dict[str, dict]:
    with open(DATA / "provinces.csv", encoding="utf-8") as handle:
        return {row["court_code"]: row for row in csv.DictReader(handle) if row["court_code"]}


SUFFIXES = (
    ("高级人民法院生产建设兵团分院", "XPCC Branch of the High People's Court"),
    ("铁路运输中级法院", "Railway Transport Intermediate Court"),
    ("中级人民法院", "Intermediate People's Court"),
    ("高级人民法院", "High People's Court"),
    ("知识产权法院", "Intellectual Property Court"),
    ("铁路运输法院", "Railway Transport Court"),
    ("互联网法院", "Internet Court"),
    ("海事法院", "Maritime Court"),
    ("金融法院", "Financial Court"),
    ("军事法院", "Military Court"),
    ("人民法庭", "People's Tribunal"),
    ("人民法院", "People's Court"),
    ("中级法院", "Intermediate Court"),
    ("法院", "Court"),
)
ETHNIC_NAMES = [
    "维吾尔",
    "哈萨克",
    "柯尔克孜",
    "蒙古",
    "朝鲜",
    "土家",
    "布依",
    "哈尼",
    "傈僳",
    "拉祜",
    "纳西",
    "景颇",
    "达斡尔",
    "仫佬",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "普米",
    "塔吉克",
    "鄂温克",
    "保安",
    "裕固",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "东乡",
    "壮",
    "回",
    "藏",
    "苗",
    "彝",
    "侗",
    "瑶",
    "白",
    "傣",
    "黎",
    "佤",
    "畲",
    "水",
    "羌",
    "土",
    "怒",
    "京",
    "满",
    "各",
]
ETHNIC = re.compile(
    "(?:" + "|".join(f"{n}族?" if len(n) > 1 else f"{n}族" for n in ETHNIC_NAMES) + ")+(?=自治)"
)
FIXED = {"最高人民法院": "Supreme People's Court"}
PARTS = (
    ("自治州", " Autonomous Prefecture"),
    ("自治县", " Autonomous County"),
    ("自治区", ""),
    ("地区", " Prefecture"),
    ("林区", " Forest District"),
    ("省", ""),
    ("市", ""),
    ("区", " District"),
    ("县", " County"),
    ("旗", " Banner"),
    ("盟", " League"),
)
ORDINALS = {"第一": "No. 1", "第二": "No. 2", "第三": "No. 3", "第四": "No. 4", "第五": "No. 5"}


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).capitalize()


def english_name(name_zh: str) -> str:
    """A readable English rendering (place names in pinyin); editable in the product."""
    if name_zh in FIXED:
        return FIXED[name_zh]
    suffix_en = ""
    # Ethnic names before 自治 stay out of the short English form (广西壮族自治区 -> Guangxi).
    rest = ETHNIC.sub("", name_zh.replace("内蒙古", "Inner Mongolia"))
    for zh, en in SUFFIXES:
        if rest.endswith(zh):
            rest, suffix_en = rest[: -len(zh)], en
            break
    rest = rest.replace("中国人民解放军", "PLA ")
    ordinal = ""
    for zh, en in ORDINALS.items():
        if rest.endswith(zh):
            rest, ordinal = rest[: -len(zh)], en + " "
    pattern = "(" + "|".join(re.escape(zh) for zh, _en in PARTS) + ")"
    pieces = [p for p in re.split(pattern, rest) if p]
    places: list[str] = []
    for piece in pieces:
        mapped = dict(PARTS).get(piece)
        if mapped is not None and places:
            places[-1] += mapped
        elif re.fullmatch(r"[A-Za-z .]+", piece):
            places.append(piece.strip())
        else:
            places.append(_pinyin(piece))
    if not places:
        return f"{ordinal}{suffix_en}".strip()
    head = f"{places[-1]} {ordinal}{suffix_en}".strip()
    return head if len(places) == 1 else f"{head}, {places[0]}"
