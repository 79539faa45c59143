"""The error hierarchy (generator/errors.py): plain exceptions carrying a Chinese message."""

import click
import pytest

from generator.errors import (
    ConfigError,
    DataError,
    LayoutError,
    OutputError,
    ReportError,
    TemplateError,
)

KINDS = [ConfigError, DataError, TemplateError, LayoutError, OutputError]


def test_a_report_error_is_not_a_click_exception():
    assert not issubclass(ReportError, click.ClickException)
    assert all(issubclass(k, ReportError) and not issubclass(k, click.ClickException) for k in KINDS)


@pytest.mark.parametrize("kind", [ReportError, *KINDS])
def test_the_message_is_what_str_says_and_the_exit_code_is_one(kind):
    exc = kind("报告定义有误", problems=["a"])
    assert str(exc) == "报告定义有误" == exc.format_message()
    assert exc.problems == ["a"] and exc.exit_code == 1


def test_a_message_extended_after_raising_is_seen_whole():
    exc = DataError("数据有误")
    exc.message += "\n未写入任何文件。"
    assert str(exc) == "数据有误\n未写入任何文件。"
    assert DataError("x").problems == []
