"""安置方式 (centralised / dispersed, with a sub-kind) beside the kind of dwelling, which keeps the
attribute ``placement`` and is now labelled 安置房类型. Existing households (and their history rows)
get 集中安置 when they live on a settlement site (other than a 分散安置 "site"), else 分散安置; the sub-kind is left for staff."""

from django.db import migrations, models


def set_resettlement(apps, schema_editor):
    for name in ("Household", "HistoricalHousehold"):
        model = apps.get_model("relocation", name)
        model.objects.update(resettlement="dispersed")
        on_site = model.objects.filter(settlement__isnull=False).exclude(settlement__kind="dispersed")
        model.objects.filter(pk__in=on_site.values("pk")).update(resettlement="centralised")


class Migration(migrations.Migration):

    dependencies = [
        ('relocation', '0003_history_without_code_index_and_user_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalhousehold',
            name='resettlement',
            field=models.CharField(choices=[('centralised', 'Centralised resettlement'), ('dispersed', 'Dispersed resettlement')], default='dispersed', max_length=12, verbose_name='resettlement form'),
        ),
        migrations.AddField(
            model_name='historicalhousehold',
            name='resettlement_kind',
            field=models.CharField(blank=True, choices=[('near_village', 'Centralised near the home village'), ('new_village', 'New migrant village'), ('town_or_park', 'In a small town or industrial park'), ('tourism', 'In a rural tourism area'), ('other_centralised', 'Other centralised resettlement'), ('scattered', 'Scattered among existing villages'), ('home_in_town', 'Bought a home in town'), ('relatives', 'Moved in with relatives or friends'), ('other_dispersed', 'Other dispersed resettlement')], max_length=20, verbose_name='resettlement sub-kind'),
        ),
        migrations.AddField(
            model_name='household',
            name='resettlement',
            field=models.CharField(choices=[('centralised', 'Centralised resettlement'), ('dispersed', 'Dispersed resettlement')], default='dispersed', max_length=12, verbose_name='resettlement form'),
        ),
        migrations.AddField(
            model_name='household',
            name='resettlement_kind',
            field=models.CharField(blank=True, choices=[('near_village', 'Centralised near the home village'), ('new_village', 'New migrant village'), ('town_or_park', 'In a small town or industrial park'), ('tourism', 'In a rural tourism area'), ('other_centralised', 'Other centralised resettlement'), ('scattered', 'Scattered among existing villages'), ('home_in_town', 'Bought a home in town'), ('relatives', 'Moved in with relatives or friends'), ('other_dispersed', 'Other dispersed resettlement')], max_length=20, verbose_name='resettlement sub-kind'),
        ),
        migrations.AlterField(
            model_name='historicalhousehold',
            name='placement',
            field=models.CharField(choices=[('homestead', 'One house, one homestead'), ('apartment', 'Apartment')], max_length=12, verbose_name='housing type'),
        ),
        migrations.AlterField(
            model_name='household',
            name='placement',
            field=models.CharField(choices=[('homestead', 'One house, one homestead'), ('apartment', 'Apartment')], max_length=12, verbose_name='housing type'),
        ),
        migrations.RunPython(set_resettlement, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalhousehold',
            name='resettlement',
            field=models.CharField(choices=[('centralised', 'Centralised resettlement'), ('dispersed', 'Dispersed resettlement')], max_length=12, verbose_name='resettlement form'),
        ),
        migrations.AlterField(
            model_name='household',
            name='resettlement',
            field=models.CharField(choices=[('centralised', 'Centralised resettlement'), ('dispersed', 'Dispersed resettlement')], max_length=12, verbose_name='resettlement form'),
        ),
    ]
