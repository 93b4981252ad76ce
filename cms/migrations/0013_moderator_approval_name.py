"""Wagtail's migration names the default workflow and its task after the group that
held the publish permission, plus " approval": "Moderators approval", which staff read
on the page editor's button ("Submit to Moderators approval") and in the page's status.
This gives both a correct name. Only a name still exactly Wagtail's is changed: a
workflow or task staff renamed keeps their name. Going back changes nothing (a name
"Moderator approval" may be one staff chose)."""

from django.db import migrations

WAGTAIL_NAME = "Moderators approval"
NAME = "Moderator approval"


def rename(apps, schema_editor):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=WAGTAIL_NAME).update(
            name=NAME
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_document_language_staff_labels"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
