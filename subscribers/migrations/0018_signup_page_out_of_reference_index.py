"""Forget the reference index's rows from a subscription to its signup page.

Subscription.signup_page is no longer indexed (subscribers.models): the rows indexed
before made each person who joined through a signup page a "(Private subscription)"
row on that page's Usage screen. New saves add none; this removes the old ones."""

from django.db import migrations


def forget_signup_page_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    subscription = ContentType.objects.filter(
        app_label="subscribers", model="subscription"
    ).first()
    if subscription is None:
        return
    ReferenceIndex.objects.filter(
        content_type=subscription, model_path="signup_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("subscribers", "0017_subscription_field_names"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [
        migrations.RunPython(forget_signup_page_references, migrations.RunPython.noop)
    ]
