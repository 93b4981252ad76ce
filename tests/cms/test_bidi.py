"""Bidirectional text: numbers and links keep their order inside right-to-left text."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from cms import bidi


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("الهاتف: 312-660-1370", ["312-660-1370"]),
        ("اتصل (202) 224-3121 الآن", ["(202) 224-3121"]),
        ("1-800-345-9049 أو +1 312 660 1370", ["1-800-345-9049", "+1 312 660 1370"]),
        ("10/02/2017 و 2017-02-10", ["10/02/2017", "2017-02-10"]),
        ("الرمز البريدي 60602-1234.", ["60602-1234"]),
        ("اتصل بالرقم 911 أو 311", []),  # a lone number keeps its order by itself
    ],
)
def test_runs_of_digit_groups_are_found(text, runs):
    assert [m.group(0) for m in bidi.NUMBER_RUN.finditer(text)] == runs


def test_html_isolation_wraps_text_runs_only():
    html = mark_safe(
        '<p>اتصل <a href="tel:+13126601370" title="312-660-1370">312-660-1370</a>'
        " &#8212; https://example.org/2017-02-10/ ana@example.org</p>"
    )

    out = bidi.isolate_numbers_html(html)

    assert out == (
        '<p>اتصل <a href="tel:+13126601370" title="312-660-1370">'
        '<span dir="ltr" class="nowrap">312-660-1370</span></a>'
        " &#8212; https://example.org/2017-02-10/ ana@example.org</p>"
    ), "attributes, entities, links and addresses stay whole"


def test_plain_text_is_escaped_before_isolation():
    out = bidi.isolate_numbers_html('<script>alert("312-660-1370")</script>')
    assert "<script>" not in out
    assert '<span dir="ltr" class="nowrap">312-660-1370</span>' in out


def test_text_parts_get_unicode_isolates_in_right_to_left_languages_only():
    text = "الهاتف: 312-660-1370\n[1] https://example.org/2017-02-10/"

    arabic = bidi.isolate_numbers_text(text, "ar")
    polish = bidi.isolate_numbers_text(text, "pl")

    # The link's final slash is held at its end by a mark after a no-break space
    # (never inside the link: test_rtl_text_part_links.py shows it in a browser).
    assert arabic == (
        f"الهاتف: {bidi.LRI}312-660-1370{bidi.PDI}\n"
        f"[1] https://example.org/2017-02-10/{bidi.NBSP}{bidi.LRM}"
    )
    assert polish == text


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Moved to 7 a.m.", "ltr"),
        ("7 a.m.: moved", "ltr"),  # digits and punctuation have no direction
        ("للأسئلة اتصلوا", "rtl"),
        ("312-660-1370 للأسئلة", "rtl"),
        ("שלום", "rtl"),
        ("12:30 !", ""),
    ],
)
def test_the_direction_of_text_is_its_first_letters(text, direction):
    assert bidi.direction_of_text(text) == direction


def test_lines_running_against_the_reader_get_marks_of_their_own_direction():
    text = "Moved to 7 a.m.\r\nمكان جديد.\n\nSee https://example.org/rally"

    arabic = bidi.mark_line_directions(text, "ar")
    polish = bidi.mark_line_directions(text, "pl")

    assert arabic.split("\n") == [
        f"{bidi.LRM}Moved to 7 a.m.{bidi.LRM}",
        "مكان جديد.",
        "",
        f"{bidi.LRM}See https://example.org/rally",  # a closing mark would join the link
    ]
    assert polish.split("\n") == [
        "Moved to 7 a.m.\r",
        f"{bidi.RLM}مكان جديد.{bidi.RLM}",
        "",
        "See https://example.org/rally",
    ]


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("312-660-1370", "tel:+13126601370"),
        ("(202) 224-3121", "tel:+12022243121"),
        ("1-800-345-9049", "tel:+18003459049"),
        ("+48 22 123 45 67", "tel:+48221234567"),
        ("0048 22 123 45 67", "tel:+48221234567"),
        ("311", "tel:311"),
        ("٣١٢-٦٦٠-١٣٧٠", ""),  # not ASCII digits: no link rather than a wrong one
        ("", ""),
    ],
)
def test_tel_links_are_e164(phone, href):
    assert bidi.tel_href(phone) == href


def test_template_filters():
    template = Template(
        "{% load reader %}<a href='{{ phone|tel_href }}'>{{ phone|phone }}</a>"
        "<p {% lang_attrs 'ar' %}>{{ text|bidi }}</p>{{ 'ar'|language_name }}"
    )
    html = template.render(Context({"phone": "312-660-1370", "text": "<b> 1-2"}))
    assert html == (
        '<a href=\'tel:+13126601370\'><span dir="ltr" class="nowrap">312-660-1370</span></a>'
        '<p lang="ar" dir="rtl">&lt;b&gt; <span dir="ltr" class="nowrap">1-2</span></p>'
        "العربية (Arabic)"
    )
