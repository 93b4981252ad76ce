from django.db import migrations, models


def unfinished_claims_become_leases(apps, schema_editor):
    """A notification a worker left half done (leads_mailed kept) had its claim in
    notified_at, which nothing took again: make it a lease the resend task can take."""
    Milestone = apps.get_model("campaigns", "Milestone")
    for milestone in Milestone.objects.filter(
        notified_at__isnull=False, leads_mailed__isnull=False
    ).only("pk", "notified_at"):
        Milestone.objects.filter(pk=milestone.pk).update(
            notify_claimed_at=milestone.notified_at, notified_at=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0016_milestone_leads_mailed"),
    ]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="notify_claimed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(
            unfinished_claims_become_leases, migrations.RunPython.noop
        ),
    ]
