"""The first consent version, written from the clinic's FAQ (docs/microneedling-faq.txt and
faq/migrations/0002, 0005), published and marked as awaiting the clinic's review; and who may
do what with consent: clinicians keep the versions and read signatures; the front desk (and
clinicians) record a consent signed on paper, and see only whether a patient signed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

from faq.markdown import render_markdown

LABEL = "First version, from the clinic's FAQ (for the clinic's review)"

TEXT = """This form explains medical microneedling at our clinic, so that you can decide whether to have it. Please read all of it. If anything is unclear, or you have a question, ask us before you sign: you do not have to sign until you are ready.

## What microneedling is

Medical microneedling is a cosmetic treatment that aims to improve the look of fine lines, acne scars, and the texture, tone and color of the skin. A pen-shaped device holding a sterile cartridge of very fine needles makes many tiny, controlled punctures in the skin. As the skin heals them, it makes new collagen and elastin, which can make it firmer and smoother over the following weeks.

## What happens on the day

- Before the treatment we ask you again about your health. Please tell us about anything that has changed.
- A numbing cream is put on the area for about 20 to 30 minutes. The skin is then cleaned thoroughly.
- A thin layer of hyaluronic acid serum or of platelet rich plasma (made from a sample of your own blood) is put on the skin.
- The clinician chooses the needle depth and speed for the area, then glides the pen gently over the skin.
- Most people say it feels like fine sandpaper moving across the skin. Some areas are more sensitive than others.
- Only one area is treated per session (the face and neck count as one area).

## What it can and cannot do

- It can improve fine lines and wrinkles, mild to moderate acne scars, other scars, stretch marks, skin texture and pore size, and uneven skin tone.
- Results build up over several weeks and several sessions. We usually recommend 3 sessions, at least 4 to 6 weeks apart; for deep wrinkles, sun damage, stretch marks or acne scars, 6 to 8 sessions 6 weeks apart; then a maintenance session every 3 months.
- Results differ from person to person, and we cannot promise a particular result. Scars and wrinkles can be improved, but not removed completely.

## Risks and side effects

These are expected, and usually settle within a few days:

- redness, like a mild to moderate sunburn, for 2 to 4 days, then a pink tone for a day or two
- swelling, which may be most noticeable on the second day
- pinpoint bleeding during and just after the treatment
- bruising
- tight, dry skin and some flaking for a few days

These are less common:

- an infection of the treated skin
- a flare-up of cold sores (herpes simplex) if you have had them before: you must take antiviral medicine before the treatment if you have ever had cold sores
- changes in skin color (darker or lighter patches); the risk is low, but greater if the skin is not protected from the sun afterwards
- a reaction to the numbing cream or to a product put on the skin, such as a rash or hives

This is rare:

- scarring

If you notice signs of infection or of a reaction after your treatment (for example redness or swelling that gets worse after the second day, pus, a fever, or pain that gets worse), call us the same day. Our [aftercare page](/aftercare/#when-to-get-help) says when and whom to call.

## Your aftercare: what you agree to do

- For 2 to 3 days, do not use skin care with "active" ingredients: AHAs (glycolic, lactic or mandelic acid), BHAs (salicylic acid), retinol (vitamin A products) or benzoyl peroxide.
- A few hours after the treatment, gently wash the skin with lukewarm water and a gentle cleanser, removing all the serum and dried blood.
- Do not wear makeup until the day after the treatment.
- Do not use scrubs, brushes or exfoliating tools for 48 hours.
- Use hydrating products often while the skin feels tight and dry.
- Protect the skin with sunscreen, and stay out of direct sun for at least 14 days.
- Leave at least 4 weeks between sessions.

## Other choices

- You can choose not to have any treatment.
- There are other treatments for the same concerns, each with its own benefits and risks, such as skin care products used at home, chemical peels and laser treatments. We are happy to talk them through with you, or you can ask your doctor.

## What you confirm by signing

- I have read and understood this form, and I have had the chance to ask questions.
- The answers I gave to the clinic's health questions are true and complete, to the best of my knowledge.
- I will tell the clinic before any treatment if anything changes: my health, my medicines, a pregnancy, or a skin problem in the area to be treated.
- I understand that results differ from person to person and are not guaranteed.
- I will follow the aftercare above.
- I know that I may change my mind and withdraw my consent at any time, including on the day, before or during a treatment.
- I agree to be treated with medical microneedling at the clinic. This consent covers my sessions for 12 months from the day I sign it, unless the clinic asks me to sign a new version sooner."""

CLINICIANS = "Clinicians"
FRONT_DESK = "Front desk"
CLINICIAN_PERMISSIONS = (
    "view_consentversion",
    "add_consentversion",
    "change_consentversion",
    "delete_consentversion",
    "publish_consentversion",
    "view_consentsignature",
    "add_consentsignature",
)
FRONT_DESK_PERMISSIONS = ("add_consentsignature",)


def seed(apps, schema_editor):
    db = schema_editor.connection.alias
    ConsentVersion = apps.get_model("patients", "ConsentVersion")
    if not ConsentVersion.objects.using(db).exists():
        # The historical model has no save(): the text is rendered here, as save() would.
        ConsentVersion.objects.using(db).create(
            number=1,
            label=LABEL,
            text=TEXT,
            text_html=render_markdown(TEXT),
            published_at=timezone.now(),
            awaiting_clinic_review=True,
        )


def unseed(apps, schema_editor):
    ConsentVersion = apps.get_model("patients", "ConsentVersion")
    ConsentVersion.objects.filter(number=1, label=LABEL, signatures__isnull=True).delete()


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # As in bookings/0002: on a fresh database these do not exist before post_migrate.
    app_config = apps.get_app_config("patients")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((CLINICIANS, CLINICIAN_PERMISSIONS), (FRONT_DESK, FRONT_DESK_PERMISSIONS)):
        permissions = Permission.objects.using(db).filter(
            content_type__app_label="patients", codename__in=codenames
        )
        assert permissions.count() == len(codenames), "consent permissions are missing"
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="patients", codename__in=CLINICIAN_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=(CLINICIANS, FRONT_DESK)):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0005_clinicians_group"),
        ("patients", "0004_consent"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant, revoke),
    ]
