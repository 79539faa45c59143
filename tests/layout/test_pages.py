"""The page-count estimate of the build summary."""

from generator.blocks import Attachment, Paragraph, Run
from generator.layout.pages import estimate_pages


def para(n_chars):
    return Paragraph([Run("字" * n_chars)])


def test_full_pages_of_one_line_paragraphs():
    # title (1 line at 1.5) + blank line take 2.5 lines; 26 lines of 26 字 (+2 indent) follow
    assert estimate_pages([para(26)] * 19, "短标题", {}) == 1
    assert estimate_pages([para(26)] * 20, "短标题", {}) == 2
    assert estimate_pages([para(26 + 28 * 21)] * 2, "短标题", {}) == 3   # 22-line paragraphs flow over


def test_attachment_starts_a_new_page():
    assert estimate_pages([para(10), Attachment("表")], "短标题", {}) == 2

