"""Preview a generated .docx on Linux: PDF via LibreOffice, PNG pages, and a line count.

Usage: python tools/preview.py report.docx [outdir]

The official faces (仿宋_GB2312, 黑体 …) are mapped to Noto CJK by tools/fonts.conf, used
only for the soffice process (FONTCONFIG_FILE). Needs soffice and poppler-utils
(Debian: libreoffice-writer-nogui fonts-noto-cjk poppler-utils). A full body page of a
correct document shows 22 lines of 28 characters.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS_CONF = HERE / "fonts.conf"


def to_pdf(docx: Path, outdir: Path) -> Path:
    """Converts `docx` to PDF in `outdir` with a private LibreOffice profile and font map."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("找不到 soffice：请安装 LibreOffice（apt-get install libreoffice-writer-nogui）。")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300,
        )
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        sys.exit(f"LibreOffice 没有生成 {pdf}。")
    return pdf


def to_png(pdf: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    """One PNG per page: <stem>-1.png …"""
    prefix = outdir / pdf.stem
    for old in outdir.glob(pdf.stem + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(outdir.glob(pdf.stem + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def page_lines(pdf: Path) -> list[list[str]]:
    """The text lines of each page (page-number lines `— N —` excluded)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = []
    for page in text.split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        lines = [ln for ln in lines if not (ln.startswith("—") and ln.endswith("—"))]
        pages.append(lines)
    if pages and not pages[-1]:
        pages.pop()
    return pages


HANGING = set("，。、；：？！”’）》")


def chars(line: str) -> float:
    """Characters of a line in 字 (ASCII counts ½), spaces from justification ignored.

    A closing punctuation mark hanging past the margin (Word's and LibreOffice's default
    标点溢出) is not counted.
    """
    text = "".join(c for c in line if not c.isspace())
    width = sum(0.5 if ord(c) < 128 else 1.0 for c in text)
    if width > 28 and text and text[-1] in HANGING:
        width -= 1.0
    return width


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    docx = Path(argv[0]).resolve()
    outdir = Path(argv[1]).resolve() if len(argv) > 1 else docx.parent / (docx.stem + "-preview")
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = to_pdf(docx, outdir)
    pngs = to_png(pdf, outdir)
    print(f"PDF：{pdf}")
    print(f"页面图片：{outdir}/{pdf.stem}-N.png（共 {len(pngs)} 页）")
    for number, lines in enumerate(page_lines(pdf), start=1):
        widths = Counter(round(chars(ln)) for ln in lines)
        full = max(widths) if widths else 0
        note = "  ← 满页正文应为 22 行 × 28 字" if len(lines) == 22 and full != 28 else ""
        print(f"第{number}页：{len(lines)} 行，最长一行 {full} 字{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
