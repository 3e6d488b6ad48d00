"""Load the clinic's own FAQ text (docs/microneedling-faq.txt) into the database.

The text is copied here rather than read from the seed file, which production deployments do
not have. Changes from the seed, all harmless: the lists are Markdown lists, the aftercare
paragraph is a list of instructions, the recovery stages have their lost headings back,
two stray spaces before punctuation (" ." and " ,") are gone, and medical terms have plain
words beside them in brackets ("erythema (redness)", "herpes simplex (cold sores)"): the
clinic's own wording stays, and every fact is kept. tests/test_faq.py lists the glosses.

HTML is rendered with faq.markdown.render_markdown, since historical models have no save().
Each object also gets its first history entry, so staff can revert to the clinic's original.
"""

from django.db import migrations
from django.utils import timezone

CATEGORIES = [
    # (slug, title, questions: [(slug, question, feature, answer)])
    (
        "the-treatment",
        "The treatment",
        [
            (
                "what-is-medical-microneedling",
                "What is Medical Microneedling?",
                "home",
                "Medical microneedling is an aesthetic treatment aimed at improving the appearance of fine lines, acne scars, and skin texture, tone and color. During the procedure, a sterile cartridge containing a tilting plate of 6 titanium micro-needles, is attached to a pen-shaped device. The device is then used to create controlled micro-injuries to the skin, stimulating skin cells to proliferate (multiply). This cell proliferation results in the formation of new tissue layers of elastin and collagen fibers (the proteins that keep skin firm and supple) as well as new capillaries (tiny blood vessels) for an improved blood supply.",
            ),
            (
                "conditions-treated",
                "What conditions can be treated and improved with Microneedling?",
                "home",
                "- Fine lines and wrinkles\n"
                "- Scarring\n"
                "- Mild to moderate acne scars\n"
                "- Traumatic scars\n"
                "- Stretch marks\n"
                "- Skin texture and pore size\n"
                "- Hyperpigmentation (dark patches)/uneven skin tone",
            ),
            (
                "areas-treated",
                "What areas can be treated?",
                "home",
                "Most typically, the face, neck and décolleté (upper chest) are treated. Hands and stretch marks may also be treated. Only one area can be treated per scheduled session (face and neck are treated together as one area.)",
            ),
            (
                "how-it-is-performed",
                "How is the treatment performed?",
                "",
                "A topical numbing compound cream is applied to the areas to be treated for approximately 20-30 minutes. The skin is then thoroughly cleansed. A thin layer of either hyaluronic acid serum (a hydrating serum) or platelet rich plasma (a serum prepared from your own blood) is applied to small areas of the skin. Needle depth and speed are selected appropriate to the area being treated. Next, the pen is gently pressed against the skin while simultaneously gliding over the treatment area. The needles pierce the skin at a 90 degree angle, creating micro-channels into the dermis (the deeper layer of the skin). This allows for the increased absorption of the product applied.",
            ),
            (
                "what-it-feels-like",
                "What does it feel like?",
                "",
                "The feeling associated with microneedling is similar to that of sandpaper being moved across the skin. While some areas are more sensitive than others, the speed of the reciprocating (rapidly moving in and out) cartridge tip and the topical numbing make the treatment surprisingly painless.",
            ),
        ],
    ),
    (
        "results-and-recovery",
        "Results and recovery",
        [
            (
                "downtime",
                "What will I look like following the procedure and what is the downtime?",
                "",
                "Immediately after the treatment, your skin will be bright red in color. You may also experience mild swelling and pinpoint bleeding and/or bruising. The inflammatory reaction of the skin is typically very short and fades significantly within hours. Depending on the depth of the treatment and your own inflammatory response, you may experience mild redness for 2-4 days. Swelling may be more noticeable on the second day. As the redness fades, the skin may have a pink hue that typically lasts from 12-48 hours. This may be accompanied by mild flaking of the skin.\n\n"
                "See the [day-by-day recovery timeline](/aftercare/).",
            ),
            (
                "when-will-i-see-results",
                "When will I see the results?",
                "",
                "Visible changes to the skin develop over the course of several weeks and multiple treatments. Once the skin has healed and the flaking has resolved (typically day 5-7) most patients report a plumpness and glow to their newly healed skin.",
            ),
            (
                "how-many-treatments",
                "How many treatments will I need?",
                "",
                "Microneedling can be safely repeated every 4-6 weeks until you achieve the desired results. For collagen induction (building new collagen), it is recommended to start with 3 treatments with a minimum separation time of 4 to 6 weeks between treatments. The number of treatments required will vary by individual response and the extent of the issues being addressed. For patients with deep wrinkles, advanced photo-aging (sun damage), stretch marks or acne scars, it is recommended to receive 6-8 sessions at 6 week intervals. Maintenance treatments are recommended quarterly (every 3 months).",
            ),
        ],
    ),
    (
        "suitability",
        "Suitability",
        [
            (
                "am-i-a-candidate",
                "Am I a candidate for Medical Microneedling?",
                "",
                "Medical microneedling can be safely performed on all skin types and all skin colors. As the epidermis (the outer layer of the skin) and in particular, the melanocytes (the cells that give skin its color) in the basal area (the lowest part of that layer), are left intact there is minimal risk for pigment change or post inflammatory hyperpigmentation (dark patches after irritation). Microneedling can treat sensitive and fragile areas that are difficult to treat with other skin resurfacing procedures. These areas include the eyes, the neck, and the back of the hands.",
            ),
            (
                "who-should-avoid-it",
                "Who should avoid Medical Microneedling?",
                "",
                "You should not undergo microneedling treatment if you:\n\n"
                "- Have been treated with Accutane (isotretinoin, an acne medicine) within the past 3 months\n"
                "- Have open wounds, cuts, or abrasions to the skin\n"
                "- Have had radiation to the skin within the last year\n"
                "- Are pregnant or breastfeeding\n"
                "- Have a history of keloid or hypertrophic scars (raised, thickened scars) or poor wound healing\n"
                "- Have any kind or current skin infection, including active herpes simplex (cold sores) in or near the area to be treated\n\n"
                "A history of cold sores requires prophylactic (preventive) anti-viral treatment prior to microneedling.",
            ),
        ],
    ),
    (
        "aftercare",
        "Aftercare",
        [
            (
                "aftercare",
                "What should I do to my skin after Medical Microneedling?",
                "aftercare",
                "- To ensure the right healing environment, avoid skin care products with “active” ingredients for 2-3 days. These include AHA’s (glycolic acid/lactic acid/mandelic acid), BHA’s (salicylic acid), retinol (Vitamin A products), and benzoyl peroxide.\n"
                "- A few hours after the treatment, gently wash the skin with tepid (lukewarm) water and a gentle cleanser and remove all the serum and dried blood.\n"
                "- Resume use of medical grade vitamin C/antioxidant serum.\n"
                "- Avoid applying makeup until the day following the treatment.\n"
                "- For the first 1-3 days following the treatment, the skin will feel tight and dry. Some flaking is normal. Frequent use of hydrating products will help alleviate it.\n"
                "- Avoid using any form of mechanical exfoliation (scrubs, brushes or exfoliating tools) for 48 hours following the procedure.\n"
                "- As always, skin should be protected with sunscreen. Avoid direct sun exposure for at least 14 days.",
            ),
        ],
    ),
]

RECOVERY_STAGES = [
    (
        "Day 1",
        "- Pinpoint bleeding, erythema (redness)/red appearance\n"
        "- Severity depends on the aggressiveness of the treatment performed",
    ),
    (
        "Day 2",
        "- Red/pink hue persists. Resembles a mild to moderate sun burn\n"
        "- Swelling may be more noticeable on the second day",
    ),
    (
        "Days 3–4",
        "- Skin will be pink or normal in color. Swelling subsides.\n- Some flaking may occur",
    ),
]

CHANGE_REASON = "Loaded from the clinic's FAQ text"


def _record_history(apps, model_name, obj, now):
    """Write the object's first history entry, as django-simple-history would on save."""
    historical = apps.get_model("faq", f"Historical{model_name}")
    values = {}
    for field in historical._meta.fields:
        if field.name.startswith("history_"):
            continue
        values[field.attname] = getattr(obj, field.attname)
    historical.objects.create(
        **values,
        history_date=now,
        history_type="+",
        history_change_reason=CHANGE_REASON,
    )


def load_seed(apps, schema_editor):
    from faq.markdown import render_markdown

    Category = apps.get_model("faq", "Category")
    Question = apps.get_model("faq", "Question")
    RecoveryStage = apps.get_model("faq", "RecoveryStage")
    now = timezone.now()

    for category_order, (category_slug, title, questions) in enumerate(CATEGORIES, start=1):
        category = Category.objects.create(
            slug=category_slug, title=title, order=category_order * 10, published=True
        )
        _record_history(apps, "Category", category, now)
        for order, (slug, text, feature, answer) in enumerate(questions, start=1):
            question = Question.objects.create(
                category=category,
                slug=slug,
                question=text,
                answer=answer,
                answer_html=render_markdown(answer),
                order=order * 10,
                published=True,
                feature=feature,
            )
            _record_history(apps, "Question", question, now)

    for order, (title, what_to_expect) in enumerate(RECOVERY_STAGES, start=1):
        stage = RecoveryStage.objects.create(
            title=title,
            what_to_expect=what_to_expect,
            what_to_expect_html=render_markdown(what_to_expect),
            order=order * 10,
            published=True,
        )
        _record_history(apps, "RecoveryStage", stage, now)


def remove_seed(apps, schema_editor):
    for model_name in ("Question", "Category", "RecoveryStage"):
        apps.get_model("faq", model_name).objects.all().delete()
        apps.get_model("faq", f"Historical{model_name}").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [migrations.RunPython(load_seed, remove_seed)]
