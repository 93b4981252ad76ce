"""A bulletin's text part writes its labels with the reader's own colon: full-width in
Chinese ("退订：", as the HTML part and every other Chinese e-mail do), where the text
part had "退订: " and "在浏览器中查看此邮件: "."""

import pytest

from cms.email.rendering import render_email
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db


def bulletin(home_page):
    return build_bulletin(
        title="News",
        body=[
            (
                "call_to_action",
                {"text": "", "label": "Find help", "url": "https://example.org/help"},
            ),
            ("paragraph", '<p>See <a href="https://example.org/more">more</a>.</p>'),
        ],
    )


def test_chinese_text_part_uses_the_full_width_colon(home_page):
    text = render_email(bulletin(home_page), language="zh-hans").text

    assert "在浏览器中查看此邮件：http" in text
    assert "退订：%%UNSUBSCRIBE_URL%%" in text
    assert "您的偏好设置：%%PREFERENCES_URL%%" in text
    assert ">> Find help：https://example.org/help" in text
    assert "\n链接：\n[1] https://example.org/more" in text
    assert ": " not in text.replace("https://", "")


def test_other_languages_keep_their_colon_and_space(home_page):
    text = render_email(bulletin(home_page), language="es").text

    assert "Darse de baja: %%UNSUBSCRIBE_URL%%" in text
    assert ">> Find help: https://example.org/help" in text
    assert "\nEnlaces:\n[1] https://example.org/more" in text
