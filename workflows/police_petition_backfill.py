"""Give police and petition processes made before their process models their referral link.

Until ``PoliceReferralProcess`` and ``PetitionReferralProcess`` existed, these flows ran
on viewflow's base ``Process`` with the referral as its artifact. A database with such
rows needs one child row per process, pointing at the same referral, or the flows can
no longer load them. The migration that creates the two models runs this, as
``migrations.RunPython(link_referral_processes, migrations.RunPython.noop)``.
"""

# The flows' references as viewflow stores them, and the models they run.
FLOWS = (
    ("workflows/police.PoliceReferralFlow", "PoliceReferralProcess", "PoliceReferral"),
    ("workflows/petition.PetitionReferralFlow", "PetitionReferralProcess", "PetitionReferral"),
)


def link_referral_processes(apps, schema_editor) -> None:
    """Add the child row of every such process whose artifact is its referral."""
    Process = apps.get_model("viewflow", "Process")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for flow_ref, process_model, referral_model in FLOWS:
        model = apps.get_model("workflows", process_model)
        referral_type = ContentType.objects.filter(
            app_label="mediation", model=referral_model.lower()
        ).first()
        if referral_type is None:
            continue
        linked = model.objects.values("pk")
        rows = (
            Process.objects.filter(
                flow_class=flow_ref,
                artifact_content_type=referral_type,
                artifact_object_id__isnull=False,
            )
            .exclude(pk__in=linked)
            .values_list("pk", "artifact_object_id")
        )
        for process_pk, referral_pk in rows:
            # A raw save writes only the child's own table, keeping the process row.
            model(process_ptr_id=process_pk, referral_id=referral_pk).save_base(raw=True)
