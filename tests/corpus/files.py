"""The file system in the way: folders where files go, files where folders go, unsafe file-name
patterns, a broken manifest, and temporary-looking files of a user's own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.corpus import Case, edit_text, write

CITY = "output/2025/临江市干部教育培训规划实施情况评估报告.docx"
COUNTY = "output/2025/临江市青石县干部教育培训规划实施情况评估报告.docx"
PATTERN = 'filename: "{year}/{city}{county}干部教育培训规划实施情况评估报告.docx"'
MANIFEST = "output/.reportgen-manifest.json"


def _filename(pattern: str):
    return lambda r: edit_text(r / "report.yaml", PATTERN, f'filename: "{pattern}"')


def _folder_at(rel: str):
    def setup(root: Path) -> None:
        p = root / rel
        if p.is_file():
            p.unlink()
        p.mkdir(parents=True)
        (p / "别人的文件.txt").write_text("不要动", encoding="utf-8")
    return setup


def _file_at(rel: str):
    def setup(root: Path) -> None:
        p = root / rel
        if p.is_dir():
            shutil.rmtree(p)
        write(p, "一个普通文件，占了文件夹的位置")
    return setup


def _manifest(text: str):
    return lambda r: (r / MANIFEST).write_text(text, encoding="utf-8")


def _output_folder_is_a_file(root: Path) -> None:
    write(root / "成果.docx", "这是一个文件")
    edit_text(root / "report.yaml", "folder: output", "folder: 成果.docx")


def _users_lookalikes(root: Path) -> None:
    out = root / "output" / "2025"
    for name in (".tmp-我的草稿.docx", "tmp-abcdefgh.docx", ".tmp-abcdefgh.docx.bak",
                 ".reportgen-tmp-notes.docx", f".reportgen-tmp-{os.getppid()}-abcdefgh.docx",
                 "报告.tmp"):
        write(out / name, "用户自己的文件，或另一个正在运行的生成过程的临时文件")


CASES = [
    # folders and files in the way ------------------------------------------------------------
    Case("files_report_path_is_a_folder", _folder_at(CITY), args=("build",),
         expect=("临江市干部教育培训规划实施情况评估报告.docx」是一个文件夹", "改名或移走", "未写入任何文件")),
    Case("files_county_report_path_is_a_folder", _folder_at(COUNTY), args=("build", "--all"),
         expect=("临江市青石县干部教育培训规划实施情况评估报告.docx」是一个文件夹", "改名或移走",
                 "未写入任何文件")),
    Case("files_year_folder_is_a_file", _file_at("output/2025"), args=("build", "--all"),
         expect=("2025」是一个文件，但这里需要一个文件夹", "改名或移走")),
    Case("files_output_folder_is_a_file", _output_folder_is_a_file, args=("build",),
         expect=("成果.docx」是一个文件，但这里需要一个文件夹", "output.folder")),
    Case("files_redline_path_is_a_folder",
         _folder_at("output/2025/临江市干部教育培训规划实施情况评估报告.修订稿.docx"),
         args=("build", "--redline", "--force"),
         expect=("修订稿.docx」是一个文件夹", "改名或移走")),
    Case("files_notes_path_is_a_folder",
         _folder_at("output/2025/临江市干部教育培训规划实施情况评估报告.修订说明.txt"),
         args=("build", "--force"), expect=("修订说明.txt」是一个文件夹", "改名或移走")),
    Case("files_manifest_is_a_folder", _folder_at(MANIFEST), args=("build", "--force"),
         expect=(".reportgen-manifest.json」是一个文件夹", "改名或移走")),
    Case("files_state_folder_is_a_file", _file_at("output/.reportgen"), args=("build", "--force"),
         expect=(".reportgen」是一个文件，但这里需要一个文件夹",)),
    # output.filename ----------------------------------------------------------------------
    Case("files_filename_absolute", _filename("/tmp/{year}/{region}.docx"), args=("build",),
         expect=("output.filename：", "不能是绝对路径", "{year}/{city}{county}")),
    Case("files_filename_absolute_in_check", _filename("/srv/报告/{region}.docx"),
         expect=("output.filename：", "不能是绝对路径")),
    Case("files_filename_parent_folder", _filename("{year}/../../{region}.docx"), args=("build",),
         expect=("output.filename：", "不能包含“..”", "输出文件夹之内")),
    Case("files_filename_backslash_parent", _filename("..\\\\{region}.docx"), args=("build",),
         expect=("output.filename：", "不能包含“..”")),
    Case("files_filename_drive_letter", _filename("C:\\\\报告\\\\{region}.docx"), args=("build",),
         expect=("output.filename：", "不能是绝对路径", "C:")),
    Case("files_filename_unc_share", _filename("\\\\\\\\server\\\\share\\\\{region}.docx"),
         args=("build",), expect=("output.filename：", "不能是绝对路径")),
    Case("files_filename_home", _filename("~/{region}.docx"), args=("build",),
         expect=("output.filename：", "不能是绝对路径")),
    Case("files_filename_empty", _filename(""), args=("build",), expect=("output.filename：",)),
    Case("files_filename_blank", _filename("   "), args=("build",),
         expect=("output.filename：不能为空", "{year}/{city}{county}")),
    Case("files_filename_without_docx", _filename("{year}/{city}{county}评估报告"), args=("build",),
         expect=("output.filename：", "应以 .docx 结尾")),
    Case("files_filename_only_county_name", _filename("{year}/{county}.docx"), args=("build",),
         expect=("output.filename：", "文件名部分", "{region}")),
    Case("files_filename_unpaired_brace", _filename("{year/{region}.docx"), args=("build",),
         expect=("output.filename：", "花括号不成对")),
    Case("files_filename_attribute_field", _filename("{region.name}.docx"), args=("build",),
         expect=("output.filename：", "「{region.name}」不可用")),
    Case("files_filename_windows_characters", _filename("{year}/{region}报告?.docx"),
         args=("build",), expect=("output.filename：", "Windows 不允许")),
    Case("files_filename_control_character", _filename("{year}/{region}\\t报告.docx"),
         args=("build",), expect=("output.filename：", "控制字符")),
    # the manifest -------------------------------------------------------------------------
    Case("files_manifest_garbage", _manifest("这不是清单{{{"), args=("build", "--force"),
         expect=(".reportgen-manifest.json」已损坏", "不是有效的 JSON", "请删除该文件后重新生成")),
    Case("files_manifest_empty", _manifest(""), args=("build",),
         expect=("已损坏", "请删除该文件后重新生成")),
    Case("files_manifest_a_list", _manifest("[1, 2, 3]\n"), args=("build",),
         expect=("已损坏", "不是 reportgen 写的清单")),
    Case("files_manifest_files_not_a_table", _manifest('{"tool": "reportgen", "files": 5}'),
         args=("build",), expect=("已损坏", "不是 reportgen 写的清单")),
    Case("files_manifest_entry_not_a_table",
         _manifest('{"files": {"2025/临江市干部教育培训规划实施情况评估报告.docx": "abc"}}'),
         args=("build",), expect=("已损坏", "不是 reportgen 写的清单")),
    Case("files_manifest_values_not_a_table", _manifest('{"files": {}, "values": [1]}'),
         args=("build",), expect=("已损坏", "values")),
    # a user's own files that look like ours are never touched (this one succeeds) ------------
    Case("files_users_lookalike_temp_names_kept", _users_lookalikes, args=("build",),
         exit_code=0),
]
