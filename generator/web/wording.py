"""The library's messages as a page says them: the command-line steps they name become the
workbench's buttons and pages, and a server's temporary upload folder is never shown."""

from __future__ import annotations

import re

# Longest first: a phrase that contains another is replaced whole.
_STEPS = [
    ("请按上面的提示处理后重新运行 reportgen collect；如需先合并没有问题的填报表，可加 --keep-going。",
     "请按上面的提示改正后重新上传；如需先合并没有问题的填报表，可点「只合并没有问题的填报表」。"),
    ("放进回收文件夹重新运行 reportgen collect。", "在「数据」页重新上传。"),
    ("下一步：运行 reportgen check 检查数据，然后 reportgen build --all 生成报告。",
     "下一步：到「生成」页生成报告。"),
    ("如需先生成其他地区的报告，可在 reportgen build 后加 --keep-going。",
     "如需先生成其他地区的报告，可在「生成」页勾选「某个地区出错时仍生成其他地区」。"),
    ("如需先生成其他地区的报告，可加 --keep-going。",
     "如需先生成其他地区的报告，可在「生成」页勾选「某个地区出错时仍生成其他地区」。"),
    ("或去掉 --strict 生成带【待补】标记的草稿", "或先生成带【待补】标记的草稿"),
    ("（或运行 reportgen check 查看），再运行 reportgen collect。", "，再重新上传。"),
    ("运行 reportgen check 查看", "在「总览」页查看"),
    ("重新运行 reportgen check", "刷新「总览」页"),
    ("重新运行 reportgen collect", "在「数据」页重新上传"),
    ("加 --force", "勾选「全部重新生成」"),
]
_UPLOAD_FOLDER = re.compile(r"（[^（）]*upload-[A-Za-z0-9_]+）")


def for_page(text: object) -> str:
    """`text` with the command-line steps said as the workbench's."""
    out = str(text or "")
    for cli, web in _STEPS:
        out = out.replace(cli, web)
    return _UPLOAD_FOLDER.sub("（本次上传）", out)
