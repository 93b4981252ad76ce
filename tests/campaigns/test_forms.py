"""The petition form's shortcut for a burst of signers agrees with the form itself."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaigns.forms import PetitionForm
from campaigns.models import Campaign
from tests.factories import posted

FIELDS = ("name", "email", "zip_code", "website")
# Text that reaches every check: scripts, digits, line breaks, "@", dots, spaces.
VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            " ",
            "Katarzyna Nowak",
            "محمد العلي",
            "李 小龙",
            "Ana\nMorales",
            "Ana Morales\r",
            "ona-verify.example",
            "katarzyna.nowak@example.org",
            "a@b",
            "60634",
            "60634-1234",
            "6063",
            "x" * 300,
        ]
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.fixed_dictionaries({name: st.one_of(st.none(), VALUES) for name in FIELDS}))
@example(
    {
        "name": "Ana Morales",
        "email": " Ana@Example.org ",
        "zip_code": "",
        "website": "",
    }
)
@example(
    {"name": "Ana\nMorales", "email": "a@example.org", "zip_code": "", "website": ""}
)
@example(
    {"name": "Ana", "email": "a@example.org\n", "zip_code": "60634", "website": "x"}
)
@example(  # past the shared honeypot's length limit
    {"name": "Ana", "email": "a@example.org", "zip_code": "", "website": "x" * 201}
)
def test_cleaning_without_a_form_agrees_with_the_form(values):
    """Valid for one means valid for the other, with the same cleaned values."""
    data = posted(values)
    # A campaign offering no lists: the only case the shortcut is used for.
    campaign = Campaign(name="Fuzz", slug="fuzz")
    campaign.offered_list_ids = []
    form = PetitionForm(data, campaign=campaign)
    quick = PetitionForm.clean_without_form(data)
    if form.is_valid():
        assert quick == form.cleaned_data
    else:
        assert quick is None


def test_a_zip_code_in_another_scripts_digits_is_stored_in_ascii():
    """An Arabic keyboard's ٦٠٦٣٤ is the ZIP 60634 (a campaign's report counts
    signatures by ZIP, and alerts go by ZIP prefix); by both ways of cleaning."""
    campaign = Campaign(name="Zip", slug="zip")
    campaign.offered_list_ids = []
    data = posted(
        {"name": "Ana", "email": "a@example.org", "zip_code": "٦٠٦٣٤", "website": ""}
    )
    form = PetitionForm(data, campaign=campaign)
    assert form.is_valid()
    assert form.cleaned_data["zip_code"] == "60634"
    assert PetitionForm.clean_without_form(data)["zip_code"] == "60634"
