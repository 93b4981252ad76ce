"""Hindi dates spell every month right, in each format our pages and e-mails use.

Django's Hindi catalogue misspells the plain names of September, November and
December ("सितमबर", "नवमबर", "दिसमबर"); our catalogues override them
(cms/formats/month_names.py), and must leave every other language as Django has it.
"""

import gettext
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import django
import pytest
from django.template import Context, Template
from django.utils import formats, translation

CHICAGO = ZoneInfo("America/Chicago")
HINDI = [
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
]
ENGLISH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@pytest.mark.parametrize("month", range(1, 13))
def test_hindi_dates_spell_each_month_right(month):
    name = HINDI[month - 1]
    moment = datetime(2026, month, 5, 18, 30, tzinfo=CHICAGO)
    with translation.override("hi"):
        shown = {
            "DATE_FORMAT": formats.date_format(moment, "DATE_FORMAT"),
            "DATETIME_FORMAT": formats.date_format(moment, "DATETIME_FORMAT"),
            "MONTH_DAY_FORMAT": formats.date_format(moment, "MONTH_DAY_FORMAT"),
            "YEAR_MONTH_FORMAT": formats.date_format(moment, "YEAR_MONTH_FORMAT"),
            # A bulletin's {{ page.date }}, and |date as the admin's templates use it.
            "{{ day }}": Template("{{ day }}").render(Context({"day": moment.date()})),
            "|date": Template('{{ moment|date:"DATETIME_FORMAT" }}').render(
                Context({"moment": moment})
            ),
        }
    assert shown == {
        "DATE_FORMAT": f"5 {name} 2026",
        "DATETIME_FORMAT": f"5 {name} 2026, 18:30",
        "MONTH_DAY_FORMAT": f"5 {name}",
        "YEAR_MONTH_FORMAT": f"{name} 2026",
        "{{ day }}": f"5 {name} 2026",
        "|date": f"5 {name} 2026, 18:30",
    }


@pytest.mark.parametrize("language", ["es", "zh-hans", "ar", "pl"])
def test_the_other_languages_keep_djangos_month_names(language):
    djangos = gettext.translation(
        "django",
        Path(django.__file__).parent / "conf" / "locale",
        [translation.to_locale(language)],
    )
    with translation.override(language):
        ours = [
            formats.date_format(date(2026, month, 5), "F") for month in range(1, 13)
        ]
    assert ours == [djangos.gettext(name) for name in ENGLISH]


def test_a_polish_date_and_time_are_parted_by_a_comma():
    moment = datetime(2026, 12, 6, 5, 0, tzinfo=CHICAGO)
    with translation.override("pl"):
        shown = formats.date_format(moment, "DATETIME_FORMAT")
        date_only = formats.date_format(moment, "DATE_FORMAT")
    assert shown == "6 grudnia 2026, 05:00"
    assert date_only == "6 grudnia 2026", "dates alone keep Django's format"
