"""The Spanish of the clinic's FAQ (0002), its recovery timeline and its "When to get help"
advice (0005), each item marked "Spanish awaiting the clinic's review"; and the Spanish
search's synonyms.

Written for patients who read Spanish at a basic level: short sentences, everyday words, the
medical term in brackets after the plain one ("(hiperpigmentación)"), "usted" throughout. Every
fact of the English is kept, and its lists stay Markdown lists. The placeholders of the advice
({phone}, {email}, {clinic}) are kept as they are: they are filled in from settings.

A field gets its Spanish only while its English is still the seed's: where staff have changed
the English since, a translation of the old English could say something else, so it is left
for them to write (the Spanish pages show the English meanwhile, marked lang="en"). Each item
changed also gets an entry in its history.
"""

from importlib import import_module

from django.db import migrations
from django.utils import timezone

ENGLISH = import_module("faq.migrations.0002_seed_content")
ENGLISH_HELP = import_module("faq.migrations.0005_seed_synonyms_help_permissions")

CATEGORIES = {
    "the-treatment": "El tratamiento",
    "results-and-recovery": "Resultados y recuperación",
    "suitability": "Quién puede hacerse el tratamiento",
    "aftercare": "Cuidados después del tratamiento",
}

QUESTIONS = {
    # slug: (question, answer)
    "what-is-medical-microneedling": (
        "¿Qué es el microneedling médico?",
        "El microneedling médico es un tratamiento estético con agujas muy finas (microagujas). "
        "Sirve para mejorar el aspecto de las arrugas finas, de las cicatrices de acné y de la "
        "textura, el tono y el color de la piel.\n\n"
        "Para el tratamiento se usa un aparato con forma de bolígrafo. En la punta se coloca un "
        "cartucho estéril. El cartucho tiene una placa que se inclina, con 6 microagujas de "
        "titanio. Con el aparato se hacen heridas muy pequeñas y controladas en la piel "
        "(microlesiones). Estas heridas hacen que las células de la piel se multipliquen "
        "(proliferación celular). Así se forman capas nuevas de tejido con fibras de elastina y "
        "de colágeno (las proteínas que mantienen la piel firme y flexible). También se forman "
        "vasos sanguíneos nuevos muy pequeños (capilares), que llevan más sangre a la piel.",
    ),
    "conditions-treated": (
        "¿Qué problemas de la piel puede tratar y mejorar el microneedling?",
        "- Líneas finas y arrugas\n"
        "- Cicatrices\n"
        "- Cicatrices de acné leves o moderadas\n"
        "- Cicatrices de heridas o accidentes (cicatrices traumáticas)\n"
        "- Estrías\n"
        "- Textura de la piel y tamaño de los poros\n"
        "- Manchas oscuras (hiperpigmentación) y tono de piel desigual",
    ),
    "areas-treated": (
        "¿Qué zonas se pueden tratar?",
        "Lo más común es tratar la cara, el cuello y el escote (la parte de arriba del pecho). "
        "También se pueden tratar las manos y las estrías. En cada cita se trata una sola zona. "
        "La cara y el cuello cuentan como una sola zona y se tratan juntos.",
    ),
    "how-it-is-performed": (
        "¿Cómo se hace el tratamiento?",
        "Primero se pone una crema que adormece la piel (anestesia tópica) en las zonas que se "
        "van a tratar. La crema se deja unos 20 a 30 minutos. Después se limpia bien la piel. "
        "Luego se pone una capa fina de uno de estos dos productos en zonas pequeñas de la piel: "
        "un sérum de ácido hialurónico (un sérum que hidrata) o plasma rico en plaquetas (un "
        "sérum que se prepara con su propia sangre). La profundidad y la velocidad de las agujas "
        "se eligen según la zona que se trata. A continuación, el bolígrafo se presiona con "
        "suavidad contra la piel y, al mismo tiempo, se desliza por la zona. Las agujas entran "
        "en la piel en ángulo recto (a 90 grados). Así abren canales muy pequeños (microcanales) "
        "hasta la dermis (la capa más profunda de la piel). Estos canales ayudan a que la piel "
        "absorba mejor el producto que se puso.",
    ),
    "what-it-feels-like": (
        "¿Qué se siente?",
        "Durante el microneedling se siente algo parecido a pasar papel de lija por la piel. "
        "Algunas zonas son más sensibles que otras. Pero la punta del cartucho se mueve muy "
        "rápido hacia dentro y hacia fuera (movimiento de vaivén), y la crema adormece la piel "
        "(anestesia tópica). Por eso el tratamiento es, sorprendentemente, indoloro (no causa "
        "dolor).",
    ),
    "downtime": (
        "¿Cómo me veré después del tratamiento y cuánto dura la recuperación?",
        "Justo después del tratamiento, su piel estará de color rojo intenso. También puede "
        "tener un poco de hinchazón. Y puede tener pequeños puntos de sangrado, moretones "
        "(hematomas) o las dos cosas. Esta reacción de la piel (reacción inflamatoria) suele "
        "durar muy poco y baja mucho en pocas horas. Según la profundidad del tratamiento y cómo "
        "reaccione su cuerpo (su respuesta inflamatoria), puede tener un enrojecimiento leve "
        "durante 2 a 4 días. La hinchazón puede notarse más el segundo día. Cuando baja el "
        "enrojecimiento, la piel puede quedar de color rosado. Esto suele durar de 12 a 48 "
        "horas. A veces la piel también se pela un poco (descamación leve).\n\n"
        "Vea la [recuperación día a día](/es/aftercare/).",
    ),
    "when-will-i-see-results": (
        "¿Cuándo veré los resultados?",
        "Los cambios en la piel se ven poco a poco, a lo largo de varias semanas y de varios "
        "tratamientos. La piel suele curarse y dejar de pelarse entre el día 5 y el día 7. "
        "Entonces, la mayoría de los pacientes dicen que su piel nueva se ve más llena y con más "
        "brillo.",
    ),
    "how-many-treatments": (
        "¿Cuántos tratamientos necesitaré?",
        "El microneedling se puede repetir de forma segura cada 4 a 6 semanas, hasta lograr el "
        "resultado que usted desea. Para que la piel forme colágeno nuevo (inducción de "
        "colágeno), se recomienda empezar con 3 tratamientos. Entre un tratamiento y el "
        "siguiente deben pasar por lo menos de 4 a 6 semanas. El número de tratamientos que "
        "necesita depende de cómo responda su piel y de lo extensos que sean los problemas que "
        "se tratan. ¿Tiene arrugas profundas, mucho daño por el sol (fotoenvejecimiento "
        "avanzado), estrías o cicatrices de acné? Entonces se recomiendan de 6 a 8 sesiones, con "
        "6 semanas entre una y otra. Se recomiendan tratamientos de mantenimiento cada 3 meses "
        "(trimestrales).",
    ),
    "am-i-a-candidate": (
        "¿Puedo hacerme el microneedling médico?",
        "El microneedling médico es seguro para todos los tipos y colores de piel. El "
        "tratamiento no daña la capa de fuera de la piel (epidermis). En especial, no daña las "
        "células que dan color a la piel (melanocitos), que están en la parte más baja de esa "
        "capa (capa basal). Por eso, el riesgo de que la piel cambie de color, o de que salgan "
        "manchas oscuras después de una irritación (hiperpigmentación posinflamatoria), es "
        "mínimo. El microneedling puede tratar zonas sensibles y delicadas que son difíciles de "
        "tratar con otros tratamientos que renuevan la piel (procedimientos de rejuvenecimiento "
        "cutáneo). Entre estas zonas están el contorno de los ojos, el cuello y el dorso de las "
        "manos.",
    ),
    "who-should-avoid-it": (
        "¿Quién no debe hacerse el microneedling médico?",
        "No debe hacerse el microneedling si usted:\n\n"
        "- Ha tomado Accutane (isotretinoína, un medicamento para el acné) en los últimos 3 meses\n"
        "- Tiene heridas abiertas, cortes o raspones en la piel\n"
        "- Ha recibido radiación en la piel (radioterapia) en el último año\n"
        "- Está embarazada o está amamantando (dando de mamar)\n"
        "- Ha tenido alguna vez cicatrices queloides o hipertróficas (cicatrices abultadas y "
        "gruesas), o sus heridas se curan mal\n"
        "- Tiene ahora cualquier tipo de infección en la piel, incluido un herpes labial activo "
        "(fuegos o calenturas; herpes simple) en la zona que se va a tratar o cerca de ella\n\n"
        "Si alguna vez ha tenido herpes labial (fuegos o calenturas), necesita un tratamiento "
        "antiviral preventivo (profiláctico) antes del microneedling.",
    ),
    "aftercare": (
        "¿Cómo debo cuidar mi piel después del microneedling médico?",
        "- Para que la piel se cure bien, no use productos para la piel con ingredientes "
        "“activos” durante 2 a 3 días. Entre ellos están los AHA (ácido glicólico, ácido láctico "
        "o ácido mandélico), los BHA (ácido salicílico), el retinol (productos con vitamina A) y "
        "el peróxido de benzoilo.\n"
        "- Unas horas después del tratamiento, lave la piel con suavidad con agua tibia y un "
        "limpiador suave. Quite todo el sérum y la sangre seca.\n"
        "- Vuelva a usar su sérum de vitamina C o sérum antioxidante de grado médico.\n"
        "- No se maquille hasta el día siguiente al tratamiento.\n"
        "- Durante los primeros 1 a 3 días después del tratamiento, sentirá la piel tirante y "
        "seca. Es normal que se pele un poco (descamación). Use productos hidratantes a menudo: "
        "le ayudarán a aliviarlo.\n"
        "- Durante las 48 horas después del tratamiento, no se exfolie la piel de ninguna forma "
        "(exfoliación mecánica): no use exfoliantes con granitos, cepillos ni aparatos para "
        "exfoliar.\n"
        "- Como siempre, proteja la piel con protector solar. No se ponga directamente al sol "
        "durante por lo menos 14 días.",
    ),
}

STAGES = {
    # English title: (title, what to expect)
    "Day 1": (
        "Día 1",
        "- Pequeños puntos de sangrado; la piel está roja (eritema)\n"
        "- Cuanto más intenso sea el tratamiento, más fuertes serán estos efectos",
    ),
    "Day 2": (
        "Día 2",
        "- La piel sigue de color rojo o rosado. Se parece a una quemadura de sol leve o "
        "moderada\n"
        "- La hinchazón puede notarse más el segundo día",
    ),
    "Days 3\N{EN DASH}4": (
        "Días 3\N{EN DASH}4",
        "- La piel estará rosada o de su color normal. La hinchazón baja.\n"
        "- Puede pelarse un poco (descamación)",
    ),
}

HELP_TITLE = "Cuándo pedir ayuda"
HELP_BODY = """Después del microneedling es normal tener, durante unos días, algo de enrojecimiento, hinchazón, tirantez y descamación (piel que se pela). Vea la recuperación día a día, más arriba. Llámenos el mismo día al {phone} si nota algo de lo siguiente. Pueden ser señales de una infección o de una reacción:

- enrojecimiento que se extiende, o enrojecimiento, calor o hinchazón que empeoran después del segundo día en vez de calmarse
- pus (líquido amarillo o verde) o costras que supuran (que sueltan líquido)
- fiebre (100.4 °F / 38 °C o más) o malestar general (se siente mal)
- dolor fuerte, o dolor que empeora en vez de mejorar
- ampollas, o herpes labial (fuegos o calenturas; herpes simple) en la zona tratada o cerca de ella
- un sarpullido o ronchas (bultos en relieve que pican; urticaria)

**A quién llamar:** en el horario de atención, llame a {clinic} al {phone}. Si puede esperar un día, escríbanos a {email}. Díganos cuándo recibió el tratamiento y qué ha notado. Un profesional de la salud de la clínica le dirá qué hacer.

**Fuera del horario de atención:** ¿Le cuesta respirar o tragar, o se le hinchan la cara, los labios, la lengua o la garganta? Llame al 911 o vaya de inmediato a la sala de emergencias más cercana. ¿Tiene otras señales de alarma cuando estamos cerrados? Llame a la línea de su médico para fuera de horario, o vaya a un centro de atención de urgencias (urgent care). Dígales que le hicieron un microneedling y cuándo. Y avísenos cuando abramos.

Si no sabe si algo es normal, llámenos: preferimos saber de usted."""

SYNONYMS = [
    # The clinic's own.
    "isotretinoína, Accutane",
    "herpes labial, fuego, calentura, herpes simple",
    "sesiones, tratamientos",
    "dolor, duele, doler, doloroso, indoloro",
    # What patients type for words the FAQ spells another way.
    "maquillaje, maquillarse",
    "quemadura de sol, quemadura solar",
    "escote, pecho, décolleté",
    "moretones, moratones, hematomas",
    "cara, rostro",
]

CHANGE_REASON = "Spanish added, awaiting the clinic's review"


def _english_seed():
    categories, questions = {}, {}
    for category_slug, title, items in ENGLISH.CATEGORIES:
        categories[category_slug] = title
        for slug, question, _feature, answer in items:
            questions[slug] = (question, answer)
    return categories, questions, dict(ENGLISH.RECOVERY_STAGES)


def _translate(obj, spanish: dict[str, str], english: dict[str, str]) -> bool:
    """Set each field's Spanish where its English is still `english`'s. True if any was."""
    changed = False
    for field, text in spanish.items():
        if getattr(obj, f"{field}_en") == english[field] and not getattr(obj, f"{field}_es"):
            setattr(obj, f"{field}_es", text)
            changed = True
    if changed:
        obj.spanish_awaiting_review = True
    return changed


def _record_history(apps, model_name, obj, now):
    """An entry in the object's history, as django-simple-history would write on save."""
    historical = apps.get_model("faq", f"Historical{model_name}")
    values = {
        field.attname: getattr(obj, field.attname)
        for field in historical._meta.fields
        if not field.name.startswith("history_")
    }
    historical.objects.create(
        **values, history_date=now, history_type="~", history_change_reason=CHANGE_REASON
    )


def add_spanish(apps, schema_editor):
    from faq.markdown import render_markdown

    now = timezone.now()
    english_categories, english_questions, english_stages = _english_seed()

    Category = apps.get_model("faq", "Category")
    for category in Category.objects.filter(slug__in=CATEGORIES):
        if _translate(
            category,
            {"title": CATEGORIES[category.slug]},
            {"title": english_categories[category.slug]},
        ):
            category.save()
            _record_history(apps, "Category", category, now)

    Question = apps.get_model("faq", "Question")
    for question in Question.objects.filter(slug__in=QUESTIONS):
        title, answer = QUESTIONS[question.slug]
        english_title, english_answer = english_questions[question.slug]
        if _translate(
            question,
            {"question": title, "answer": answer},
            {"question": english_title, "answer": english_answer},
        ):
            question.answer_html_es = render_markdown(question.answer_es or "")
            question.save()
            _record_history(apps, "Question", question, now)

    RecoveryStage = apps.get_model("faq", "RecoveryStage")
    for stage in RecoveryStage.objects.filter(title_en__in=STAGES):
        title, what_to_expect = STAGES[stage.title_en]
        if _translate(
            stage,
            {"title": title, "what_to_expect": what_to_expect},
            {"title": stage.title_en, "what_to_expect": english_stages[stage.title_en]},
        ):
            stage.what_to_expect_html_es = render_markdown(stage.what_to_expect_es or "")
            stage.save()
            _record_history(apps, "RecoveryStage", stage, now)

    HelpBlock = apps.get_model("faq", "HelpBlock")
    for block in HelpBlock.objects.filter(anchor=ENGLISH_HELP.HELP_ANCHOR):
        if _translate(
            block,
            {"title": HELP_TITLE, "body": HELP_BODY},
            {"title": ENGLISH_HELP.HELP_TITLE, "body": ENGLISH_HELP.HELP_BODY},
        ):
            block.save()
            _record_history(apps, "HelpBlock", block, now)

    Synonym = apps.get_model("faq", "Synonym")
    for terms in SYNONYMS:
        Synonym.objects.create(language="es", terms=terms)


def remove_spanish(apps, schema_editor):
    apps.get_model("faq", "Synonym").objects.filter(language="es").delete()
    for model_name, fields in {
        "Category": ["title"],
        "Question": ["question", "answer", "answer_html"],
        "RecoveryStage": ["title", "what_to_expect", "what_to_expect_html"],
        "HelpBlock": ["title", "body"],
    }.items():
        apps.get_model("faq", model_name).objects.update(
            spanish_awaiting_review=False, **{f"{field}_es": None for field in fields}
        )
        apps.get_model("faq", f"Historical{model_name}").objects.filter(
            history_change_reason=CHANGE_REASON
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("faq", "0007_spanish_search")]

    operations = [migrations.RunPython(add_spanish, remove_spanish)]
