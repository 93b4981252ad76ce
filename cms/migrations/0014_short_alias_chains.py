"""Alias chains already in the database made as short as new ones (cms.receivers.
keep_alias_chains_short): an alias more than three steps from its source, which the
privacy checks do not follow (cms.routing.ALIAS_HOPS), names the source itself. Such an
alias of a private page answered anyone until saved again. Going back changes nothing:
the alias shows the same content either way."""

from django.db import migrations

HOPS = 3  # cms.routing.ALIAS_HOPS, as it stood when this was written


def shorten(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    source_of = dict(
        Page.objects.filter(alias_of__isnull=False).values_list("pk", "alias_of_id")
    )
    for page_id in source_of:
        chain, source_id = [], source_of[page_id]
        while source_id is not None and source_id not in chain:
            chain.append(source_id)
            source_id = source_of.get(source_id)
        if len(chain) > HOPS:
            Page.objects.filter(pk=page_id).update(alias_of_id=chain[-1])


class Migration(migrations.Migration):
    dependencies = [("cms", "0013_moderator_approval_name")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
