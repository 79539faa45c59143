"""Limits for uploaded files: names, workbooks inspected without openpyxl (zip bombs, macros,
huge sheets), CSV encodings, capped reading, and staging into a private folder."""

from __future__ import annotations

import asyncio
import io
import stat
import zipfile

import openpyxl
import pytest

from generator.web.uploads import (
    MAX_FILES,
    MAX_UPLOAD_BYTES,
    WebError,
    discard,
    inspect,
    inspect_csv,
    inspect_xlsx,
    read_limited,
    read_limited_async,
    safe_filename,
    stage,
)


def workbook(rows=(("地区", "指标", "数值"), ("甲县", "培训人次", 1200))) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报表"
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          drop: tuple[str, ...] = ()) -> bytes:
    """A copy of a workbook with members replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            dst.writestr(name, content)
    return out.getvalue()


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("C:\\Users\\张三\\Desktop\\甲县填报表.xlsx", "甲县填报表.xlsx"),
    ("..\\..\\boot.ini\\x.csv", "x.csv"),
    ("甲县<2026>:填报|表?.XLSX", "甲县2026填报表.xlsx"),
    ("a\x00b\x1f\x7fc.xlsx", "abc.xlsx"),
    ("报表\u202eXSLX.csv", "报表XSLX.csv"),
    ("  指标数据.csv. . ", "指标数据.csv"),
    (".xlsx", "上传文件.xlsx"),
    ("/.xlsx", "上传文件.xlsx"),
    ("CON.xlsx", "_CON.xlsx"),
    ("丙区 (2).xlsx", "丙区 (2).xlsx"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_caps_the_length_and_keeps_the_suffix():
    name = safe_filename("很长" * 200 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode("utf-8")) <= 240


@pytest.mark.parametrize("name, hint", [
    ("报表.xls", "另存为"), ("报表.xlsm", "宏"), ("报表.XLTM", "宏"), ("报表.xlsb", "另存为"),
    ("报表.docx", ".xlsx"), ("passwd", "没有扩展名"), ("", ".xlsx"), ("../", ".csv"),
])
def test_safe_filename_refuses_other_types(name, hint):
    with pytest.raises(WebError) as info:
        safe_filename(name)
    assert hint in info.value.message
    assert "只能上传" in info.value.message or "另存为" in info.value.message


# --- workbooks -------------------------------------------------------------------------------

def test_a_real_workbook_passes():
    inspect_xlsx(workbook(), "甲县填报表.xlsx")
    inspect(workbook(), "甲县填报表.xlsx")


def test_the_sample_values_workbook_passes():
    from tests.sample import ROOT
    data = (ROOT / "data" / "指标数据.xlsx").read_bytes()
    inspect_xlsx(data, "指标数据.xlsx")


def test_not_a_zip_is_refused():
    with pytest.raises(WebError, match="「假表.xlsx」不是有效的 Excel 工作簿"):
        inspect_xlsx(b"just some text, not a workbook", "假表.xlsx")
    with pytest.raises(WebError, match="不是有效的 Excel 工作簿"):
        inspect_xlsx(b"PK\x03\x04" + b"\x00" * 100, "坏表.xlsx")   # starts like a zip
    with pytest.raises(WebError, match="不是有效的 Excel 工作簿"):
        inspect_xlsx(workbook()[:-200], "截断.xlsx")              # truncated download


def test_old_xls_or_encrypted_workbook_gets_its_own_hint():
    with pytest.raises(WebError, match="密码"):
        inspect_xlsx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧表.xlsx")


def test_macros_are_refused():
    data = rezip(workbook(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"})
    with pytest.raises(WebError, match="「带宏.xlsx」包含宏"):
        inspect_xlsx(data, "带宏.xlsx")


def test_a_zip_without_a_workbook_is_refused():
    data = rezip(workbook(), drop=("xl/workbook.xml",))
    with pytest.raises(WebError, match="没有工作簿内容"):
        inspect_xlsx(data, "无内容.xlsx")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(WebError, match="没有工作簿内容"):
        inspect_xlsx(plain.getvalue(), "压缩包.xlsx")


def test_too_many_members_are_refused():
    data = rezip(workbook(), add={f"xl/media/image{i}.png": b"" for i in range(2001)})
    with pytest.raises(WebError, match="部件过多"):
        inspect_xlsx(data, "很多部件.xlsx")


def bomb(path, size: int, name: str = "xl/worksheets/sheet2.xml") -> bytes:
    """A real workbook plus one member of `size` zero bytes, streamed to disk in chunks."""
    with zipfile.ZipFile(io.BytesIO(workbook())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        chunk = b"\x00" * (1024 * 1024)
        with dst.open(name, "w", force_zip64=True) as fh:
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return path.read_bytes()


def test_zip_bomb_is_refused(tmp_path):
    data = bomb(tmp_path / "bomb.xlsx", 300 * 1024 * 1024)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(WebError, match="「炸弹.xlsx」文件解压后过大，疑似异常文件，已拒绝"):
        inspect_xlsx(data, "炸弹.xlsx")


def test_a_highly_compressed_member_is_refused_below_the_total_limit(tmp_path):
    data = bomb(tmp_path / "ratio.xlsx", 40 * 1024 * 1024, name="xl/media/image1.png")
    with pytest.raises(WebError, match="文件解压后过大"):
        inspect_xlsx(data, "压缩比.xlsx")


def sheet_with_dimension(ref: str) -> bytes:
    data = workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    start = xml.index(b"<dimension")
    end = xml.index(b">", start) + 1
    xml = xml[:start] + f'<dimension ref="{ref}"/>'.encode() + xml[end:]
    return rezip(data, replace={"xl/worksheets/sheet1.xml": xml})


@pytest.mark.parametrize("ref", ["A1:C1048577", "A1:XFE2", "A1:Z10000", "B2:IV1000"])
def test_a_sheet_declared_too_large_is_refused(ref):
    with pytest.raises(WebError) as info:
        inspect_xlsx(sheet_with_dimension(ref), "大表.xlsx")
    message = info.value.message
    assert "「大表.xlsx」" in message and "工作表「填报表」" in message and "空行" in message


@pytest.mark.parametrize("ref", ["A1:F2101", "A1", "C3:D40000", "nonsense"])
def test_an_ordinary_dimension_passes(ref):
    inspect_xlsx(sheet_with_dimension(ref), "正常.xlsx")


def test_an_upload_above_the_limit_is_refused():
    with pytest.raises(WebError, match="20 MB"):
        inspect_xlsx(b"PK" + b"\x00" * MAX_UPLOAD_BYTES, "巨大.xlsx")


# --- CSV -------------------------------------------------------------------------------------

CSV_TEXT = "地区,指标,数值\r\n甲县,培训人次,1200\r\n乙县,培训人次,980\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_in_the_encodings_excel_writes_passes(encoding):
    inspect_csv(CSV_TEXT.encode(encoding), "指标数据.csv")
    inspect(CSV_TEXT.encode(encoding), "指标数据.csv")


def test_gb18030_text_is_not_valid_utf8():
    """The GB18030 case above really exercises the second encoding."""
    with pytest.raises(UnicodeDecodeError):
        CSV_TEXT.encode("gb18030").decode("utf-8")


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 8,                          # binary with NUL bytes
    bytes(range(1, 256)) * 8,                       # binary without them
    b"\x89PNG\r\n\x1a\n" + bytes(200),
    "地区,数值\n甲县,1\n".encode("utf-16-le"),       # UTF-16 without a BOM has NULs
    b"\xff\xfe" + b"\x00\xd8",                      # a BOM, then no valid UTF-16
    "地区\x01,数值\n".encode(),                     # control characters are not text
])
def test_binary_csv_is_refused(data):
    with pytest.raises(WebError) as info:
        inspect_csv(data, "数据.csv")
    assert "「数据.csv」" in info.value.message and "CSV UTF-8" in info.value.message


def test_a_workbook_renamed_to_csv_gets_its_own_hint():
    with pytest.raises(WebError, match="改回 .xlsx"):
        inspect_csv(workbook(), "指标数据.csv")


def test_csv_above_the_limit_is_refused():
    with pytest.raises(WebError, match="20 MB"):
        inspect_csv(b"a," * (MAX_UPLOAD_BYTES // 2 + 1), "大.csv")


# --- reading with a cap ----------------------------------------------------------------------

def test_read_limited_joins_chunks_up_to_the_limit():
    assert read_limited([b"ab", b"cd", b""], limit=4) == b"abcd"
    assert read_limited(iter([]), limit=4) == b""


def test_read_limited_stops_as_soon_as_the_limit_is_passed():
    taken = []

    def endless():
        while True:
            taken.append(1)
            yield b"x" * 1024

    with pytest.raises(WebError) as info:
        read_limited(endless(), limit=10 * 1024, name="大文件.xlsx")
    assert len(taken) == 11
    assert "「大文件.xlsx」超过 10 KB 的上限" in info.value.message


def test_read_limited_default_limit_is_20_mb():
    with pytest.raises(WebError, match="文件超过 20 MB 的上限"):
        read_limited(b"x" * (1024 * 1024) for _ in range(21))


def test_read_limited_async_stops_early():
    taken = []

    async def endless():
        while True:
            taken.append(1)
            yield b"x" * 1000

    async def run():
        return await read_limited_async(endless(), limit=5000)

    with pytest.raises(WebError, match="上限"):
        asyncio.run(run())
    assert len(taken) == 6

    async def few():
        for part in (b"ab", b"c"):
            yield part

    assert asyncio.run(read_limited_async(few(), limit=3)) == b"abc"


# --- staging ---------------------------------------------------------------------------------

def test_stage_writes_private_files_with_unique_names(tmp_path):
    book, csv = workbook(), CSV_TEXT.encode("gb18030")
    folder = stage(tmp_path / "uploads", [("a/甲县.xlsx", book), ("b\\甲县.xlsx", book),
                                           ("甲县.XLSX", book), ("../指标数据.csv", csv)])
    try:
        assert folder.parent == tmp_path / "uploads"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(["甲县.xlsx", "甲县 (2).xlsx", "甲县 (3).xlsx", "指标数据.csv"])
        assert (folder / "甲县 (3).xlsx").read_bytes() == book
        assert (folder / "指标数据.csv").read_bytes() == csv
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    finally:
        discard(folder)
    assert not folder.exists()
    discard(folder)                     # a second time is harmless


def test_stage_writes_nothing_when_one_file_is_refused(tmp_path):
    uploads = tmp_path / "uploads"
    with pytest.raises(WebError, match="「带宏.xlsx」包含宏"):
        stage(uploads, [("甲县.xlsx", workbook()),
                        ("带宏.xlsx", rezip(workbook(), add={"xl/vbaProject.bin": b"x"}))])
    with pytest.raises(WebError, match="宏"):
        stage(uploads, [("甲县.xlsm", workbook())])
    assert not uploads.exists() or not list(uploads.iterdir())


def test_stage_limits_the_number_of_files(tmp_path):
    with pytest.raises(WebError, match=f"最多上传 {MAX_FILES} 个文件"):
        stage(tmp_path, [(f"{i}.csv", b"a,b\n") for i in range(MAX_FILES + 1)])
    with pytest.raises(WebError, match="没有收到任何文件"):
        stage(tmp_path, [])
