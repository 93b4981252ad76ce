import pytest
from wagtail.models import Locale

from subscribers.models import SignupPage
from tests.factories import SuperuserFactory, translate_page

pytestmark = pytest.mark.django_db


def test_home_page_renders(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert "Chicago Is With You" in response.content.decode()


@pytest.mark.parametrize(
    ("code", "direction"), [("es", "ltr"), ("ar", "rtl"), ("zh-hans", "ltr")]
)
def test_translated_home_pages_render_with_lang_and_dir(
    client, home_page, code, direction
):
    translation = home_page.copy_for_translation(Locale.objects.get(language_code=code))
    translation.title = f"Home {code}"
    translation.save_revision().publish()

    response = client.get(f"/{code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}" dir="{direction}">' in html
    assert f"Home {code}" in html


def test_wagtail_admin_dashboard_for_staff(client, home_page):
    assert client.get("/admin/").status_code == 302  # login first
    client.force_login(SuperuserFactory())
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "E-mail outbox" in response.content.decode()


def test_pages_name_an_icon_and_favicon_ico_finds_it(client, home_page):
    """Browsers and crawlers ask for /favicon.ico: a redirect to the icon, not a 404
    in every visitor's console and the access log."""
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].endswith(".svg")
    assert answer["Location"] in html


@pytest.mark.parametrize("polish_join_page", ["published", "unpublished"])
def test_home_join_box_is_in_the_readers_language(client, home_page, polish_join_page):
    join = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    join.save_revision().publish()
    polish = translate_page(join, "pl", title="Dołącz")
    if polish_join_page == "unpublished":
        polish.unpublish()  # the box links the English page: its text is still Polish

    html = client.get("/pl/").content.decode()

    box = html.split('class="join-cta"', 1)[1].split("</div>", 1)[0]
    attributes, text = box.split(">", 1)
    assert attributes.split() == ['lang="pl"', 'dir="ltr"']
    assert "Dołącz do listy" in text
