"""The format profile: every value of GB/T 9704-2012 that the layout uses, in one place.

Lengths are twips (1/20 pt) unless the name says otherwise; font sizes are points. The
defaults are the standard's; `Profile.from_mapping` lets a config override font names and
sizes (many offices have 仿宋/楷体 instead of the _GB2312 faces). This module does not
import python-docx, so the config stage can validate a profile cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from generator.errors import LayoutError

#: Chinese size names (字号) → points.
SIZE_NAMES = {
    "初号": 42.0, "小初": 36.0, "一号": 26.0, "小一": 24.0, "二号": 22.0, "小二": 18.0,
    "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0,
}

#: Fallback faces written as `w:altName` in the font table: used where the named face is missing.
ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "方正小标宋_GBK": "宋体",
    "方正仿宋_GBK": "仿宋",
    "方正楷体_GBK": "楷体",
    "方正黑体_GBK": "黑体",
    "宋体": "SimSun",
    "黑体": "SimHei",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}


@dataclass(frozen=True)
class Profile:
    """The GB/T 9704 page, grid, fonts and sizes. Empty font fields follow `body_font`."""

    # Page (A4 portrait) and margins: type area 156 × 225 mm.
    page_width: int = 11906
    page_height: int = 16838
    margin_top: int = 2098       # 37 mm
    margin_right: int = 1474     # 26 mm
    margin_bottom: int = 1984    # 35 mm
    margin_left: int = 1587      # 28 mm
    header_distance: int = 851   # 15 mm; the header stays empty
    footer_distance: int = 1417  # 25 mm: the page number's dash sits about 7 mm below the type area
    # Grid: 22 lines of 28 characters.
    line_pitch: int = 579        # exact line spacing and docGrid linePitch (28.95 pt)
    char_spacing: int = -5       # w:spacing on 三号 text, twentieths of a point (−0.25 pt)
    title_char_spacing: int = -5  # a little room for the space Word/WPS/LibreOffice may put
                                  # between Chinese and digits: a 20-字 title line still fits
    # Sizes (points).
    title_size: float = 22.0         # 二号
    body_size: float = 16.0          # 三号: body, headings, captions, 附件 label, 署名
    page_number_size: float = 14.0   # 四号
    table_max_size: float = 14.0     # 四号: the largest table text; smaller when columns are narrow
    table_min_size: float = 10.5     # 五号
    issuer_mark_size: float = 36.0   # 小初: 发文机关标志
    record_size: float = 14.0        # 四号: 版记 (抄送, 印发)
    # Fonts: the names written into w:rFonts/@w:eastAsia.
    title_font: str = "方正小标宋简体"
    body_font: str = "仿宋_GB2312"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    heading3_font: str = ""          # empty: body_font
    heading4_font: str = ""
    caption_font: str = ""
    table_font: str = ""
    table_header_font: str = "黑体"
    attachment_label_font: str = "黑体"
    page_number_font: str = "宋体"
    issuer_mark_font: str = ""       # empty: title_font
    record_font: str = ""
    latin_font: str = "Times New Roman"  # digits and Latin letters
    # Colours.
    red: str = "FF0000"          # 发文机关标志 and the 版头 rule only

    def __post_init__(self) -> None:
        for name in ("heading3_font", "heading4_font", "caption_font", "table_font", "record_font"):
            if not getattr(self, name):
                object.__setattr__(self, name, self.body_font)
        if not self.issuer_mark_font:
            object.__setattr__(self, "issuer_mark_font", self.title_font)

    # Derived values -------------------------------------------------------------------------
    @property
    def type_width(self) -> int:
        """Width of the type area (版心), twips: 8845 ≈ 156 mm."""
        return self.page_width - self.margin_left - self.margin_right

    @property
    def type_height(self) -> int:
        """Height of the type area, twips: 12756 ≈ 225 mm."""
        return self.page_height - self.margin_top - self.margin_bottom

    @property
    def char_width(self) -> int:
        """Advance of one body character (1 字) in twips: 三号 plus the character spacing (315)."""
        return round(self.body_size * 20) + self.char_spacing

    @property
    def title_chars_per_line(self) -> float:
        """How many full-width characters of the title fit on one line (20.3 at 二号)."""
        return self.type_width / (round(self.title_size * 20) + self.title_char_spacing)

    def fonts(self) -> list[str]:
        """Every face the document names, in a fixed order, without repeats."""
        names = [self.latin_font, self.body_font, self.title_font, self.heading1_font,
                 self.heading2_font, self.heading3_font, self.heading4_font, self.caption_font,
                 self.table_font, self.table_header_font, self.attachment_label_font,
                 self.page_number_font, self.issuer_mark_font, self.record_font]
        return list(dict.fromkeys(names))

    # Construction from a config -------------------------------------------------------------
    @classmethod
    def from_mapping(cls, mapping: dict | None) -> Profile:
        """A profile with the standard's values overridden by `mapping` (from the config).

        Font fields take a face name; size fields take points or a size name (三号, 小四…);
        the other fields take whole twips. Unknown keys and bad values raise LayoutError.
        """
        if not mapping:
            return cls()
        if not isinstance(mapping, dict):
            raise LayoutError("排版配置应当是“设置项: 值”的映射。")
        known = {f.name: f for f in fields(cls)}
        values: dict = {}
        for key, value in mapping.items():
            if key not in known:
                raise LayoutError(
                    f"排版配置中的设置项「{key}」不存在。可用的设置项：{'、'.join(known)}。"
                )
            values[key] = _convert(key, value)
        return cls(**values)


def _convert(key: str, value):
    """Checks and converts one configured value for field `key`."""
    if key.endswith("_font") or key == "red":
        if not isinstance(value, str) or not value.strip():
            raise LayoutError(f"排版配置「{key}」应当是字体名称（如“仿宋_GB2312”），现在是「{value}」。")
        return value.strip()
    if key.endswith("_size"):
        if isinstance(value, str) and value.strip() in SIZE_NAMES:
            return SIZE_NAMES[value.strip()]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 5 <= value <= 72:
            if value * 2 != int(value * 2):
                raise LayoutError(f"排版配置「{key}」的字号须是 0.5 磅的整数倍，现在是 {value}。")
            return float(value)
        raise LayoutError(
            f"排版配置「{key}」应当是字号名称（{'、'.join(SIZE_NAMES)}）或 5～72 之间的磅值，"
            f"现在是「{value}」。"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise LayoutError(f"排版配置「{key}」应当是整数（单位：缇，1 毫米≈56.7 缇），现在是「{value}」。")
    if not key.endswith("char_spacing") and value < 0:
        raise LayoutError(f"排版配置「{key}」不能为负数，现在是 {value}。")
    return value
