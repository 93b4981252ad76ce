"""A Chinese text part is laid out by display width, as a monospaced mail client shows
it: each Chinese character takes two columns. Testers saw the ten-character title
"芝加哥移民和难民资源" (twenty columns) underlined with ten "=", paragraphs wrapped only
at spaces (lines of ~140 columns) and "311。" left alone on a line."""

import unicodedata

import pytest

from cms.email.rendering import render_email
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db

TITLE = "芝加哥移民和难民资源"
PARAGRAPH = (
    "如果您需要帮助，请拨打城市服务热线 311。芝加哥移民和难民资源办公室为所有居民"
    "提供免费、保密的服务，无论其移民身份如何。请访问我们的网站了解更多信息，或者在"
    "工作时间内来我们的办公室咨询。我们的工作人员会说多种语言，可以帮助您了解您的"
    "权利，并为您介绍社区中可信赖的法律服务机构。"
)


def columns(line: str) -> int:
    """Columns on screen, counted independently of the code under test."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in line
        if unicodedata.category(c) not in {"Mn", "Me", "Cf"}
    )


def chinese_text(home_page) -> str:
    bulletin = build_bulletin(
        title=TITLE,
        body=[
            ("heading", {"text": "法律援助", "level": "h2"}),
            ("heading", {"text": "社区资源", "level": "h3"}),
            ("paragraph", f"<p>{PARAGRAPH}</p>"),
        ],
    )
    return render_email(bulletin, language="zh-hans").text


def test_underlines_are_as_wide_as_the_chinese_heading(home_page):
    text = chinese_text(home_page)

    assert f"\n{TITLE}\n{'=' * 20}\n" in text
    assert f"\n法律援助\n{'=' * 8}\n" in text
    assert f"\n社区资源\n{'-' * 8}\n" in text


def test_chinese_paragraph_wraps_by_display_width_without_orphan_punctuation(
    home_page,
):
    text = chinese_text(home_page)
    lines = [line for line in text.splitlines() if "http" not in line]
    start = text.index(PARAGRAPH[:7])
    paragraph = text[start : text.index("\n\n", start)].splitlines()

    assert "".join(paragraph) == PARAGRAPH
    assert len(paragraph) > 2
    assert all(columns(line) <= 72 for line in lines)
    # Kinsoku: no line opens with closing punctuation.
    assert not any(line[0] in "。，、）」" for line in lines if line)
