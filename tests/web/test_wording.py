"""The library's messages on a page: command-line steps become the workbench's own."""

import re
from pathlib import Path

import pytest

from generator.web import wording

ROOT = Path(__file__).resolve().parents[2]
# the library's sources, adjacent string literals joined (a message spans several lines)
SOURCE = re.sub(r'"\s*\n\s*(?:lines\.append\()?f?"', "", "\n".join(
    p.read_text(encoding="utf-8") for p in (ROOT / "generator").rglob("*.py") if "web" not in p.parts))


@pytest.mark.parametrize(("cli", "web"), wording._STEPS)
def test_each_step_is_a_phrase_the_library_says_and_reads_without_a_command(cli, web):
    # a phrase nobody says any more would hide a new wording that still names a command
    assert cli in SOURCE, cli
    assert "reportgen" not in web and "--" not in web


def test_collect_and_build_messages_name_no_command():
    text = ("2025年填报表回收情况（/srv/city/output/.reportgen/web/uploads/upload-ab12_c3）：\n"
            "因有填报表存在问题，本次未合并任何数据。请按上面的提示处理后重新运行 reportgen collect；"
            "如需先合并没有问题的填报表，可加 --keep-going。\n"
            "下一步：运行 reportgen check 检查数据，然后 reportgen build --all 生成报告。\n"
            "请改正以上问题后重试；如需先生成其他地区的报告，可加 --keep-going。")
    page = wording.for_page(text)
    assert "reportgen" not in page and "--" not in page and "/srv" not in page
    assert "2025年填报表回收情况（本次上传）" in page
    assert "「只合并没有问题的填报表」" in page and "「生成」页" in page
