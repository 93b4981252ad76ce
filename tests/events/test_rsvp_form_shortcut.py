"""The RSVP form's shortcut for a rally's crowd agrees with the form itself."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from events.forms import RsvpForm, is_bot
from tests.factories import posted

FIELDS = ("name", "email", "join_list", "website")
# Text that reaches every check: scripts, digits, line breaks, "@", dots, spaces, the
# values a checkbox sends.
VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            " ",
            "on",
            "false",
            "0",
            "María López",
            "محمد العلي",
            "李 小龙",
            "Ana\nMorales",
            "<script>",
            "katarzyna.nowak@example.org",
            " Ana@Example.org ",
            "a@b",
            "x" * 300,
            "\x00",
        ]
    ),
)


@pytest.mark.parametrize("list_name", ["", "Legal Protection/Services"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: st.one_of(st.none(), VALUES) for name in FIELDS}))
@example(
    {"name": "Ana", "email": " Ana@Example.org ", "join_list": "on", "website": ""}
)
@example({"name": "Ana", "email": "a@example.org", "join_list": None, "website": " "})
@example({"name": "", "email": "a@example.org", "join_list": None, "website": None})
def test_cleaning_without_a_form_agrees_with_the_form(list_name, values):
    """Valid for one means valid for the other, with the same cleaned values (the
    view uses neither for a bot: its answer is decided before)."""
    data = posted(values)
    form = RsvpForm(data, list_name=list_name)
    quick = RsvpForm.clean_without_form(data, offers_list=bool(list_name))
    assert is_bot(data) is form.is_bot
    if form.is_valid():
        assert quick == form.cleaned_data
    else:
        assert quick is None
