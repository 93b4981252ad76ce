"""The admin's history of rows about one person in a table of its own
(cms.models.PersonLogEntry), so site history shows it only to administrators; the
entries Wagtail wrote for them until now move there, and back when going back."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# cms.retention.PERSON_MODELS, as it stood when this was written.
PERSON_MODELS = (
    ("subscribers", "subscription"),
    ("subscribers", "subscriber"),
    ("subscribers", "suppression"),
    ("events", "rsvp"),
    ("campaigns", "signature"),
)
FIELDS = (
    "content_type_id", "label", "action", "data", "timestamp", "uuid", "user_id",
    "revision_id", "content_changed", "deleted", "object_id",
)


def person_types(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return [
        content_type.pk
        for app_label, model in PERSON_MODELS
        for content_type in ContentType.objects.filter(app_label=app_label, model=model)
    ]


def move(source, target, types):
    rows = source.objects.filter(content_type_id__in=types).order_by("pk")
    target.objects.bulk_create(
        (target(**{name: getattr(row, name) for name in FIELDS}) for row in rows.iterator()),
        batch_size=1000,
    )
    rows.delete()


def forwards(apps, schema_editor):
    move(
        apps.get_model("wagtailcore", "ModelLogEntry"),
        apps.get_model("cms", "PersonLogEntry"),
        person_types(apps),
    )


def backwards(apps, schema_editor):
    move(
        apps.get_model("cms", "PersonLogEntry"),
        apps.get_model("wagtailcore", "ModelLogEntry"),
        person_types(apps),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0014_short_alias_chains'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.TextField()),
                ('action', models.CharField(blank=True, db_index=True, max_length=255)),
                ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('timestamp', models.DateTimeField(db_index=True, verbose_name='timestamp (UTC)')),
                ('uuid', models.UUIDField(blank=True, editable=False, help_text='Log entries that happened as part of the same user action are assigned the same UUID', null=True)),
                ('content_changed', models.BooleanField(db_index=True, default=False)),
                ('deleted', models.BooleanField(default=False)),
                ('object_id', models.CharField(db_index=True, max_length=255)),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='content type')),
                ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'log entry about a person',
                'verbose_name_plural': 'log entries about people',
                'ordering': ['-timestamp', '-id'],
                'abstract': False,
                'indexes': [models.Index(fields=['uuid', 'action', '-timestamp'], name='cms_personl_uuid_4b1cef_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
