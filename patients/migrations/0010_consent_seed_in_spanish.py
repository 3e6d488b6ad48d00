"""The consent's text into its English columns, and the Spanish of the first version (the seed
of 0005, if the clinic has not replaced it), still marked awaiting the clinic's review. Plain
words, short sentences, "usted", the medical term in brackets. A published version never
changes its English; the Spanish is added beside it, never over what a patient signed (each
signature keeps its own copy of the text it showed)."""

import importlib

from django.db import migrations

from faq.markdown import render_markdown

SEED = importlib.import_module("patients.migrations.0005_consent_seed_and_permissions")

TEXT_ES = """Este formulario explica las microagujas médicas (microneedling) en nuestra clínica, para que usted decida si quiere el tratamiento. Léalo completo. Si algo no está claro o tiene una pregunta, pregúntenos antes de firmar: no tiene que firmar hasta que esté listo o lista.

## Qué son las microagujas

Las microagujas médicas son un tratamiento estético. Buscan mejorar el aspecto de las líneas finas, las cicatrices de acné y la textura, el tono y el color de la piel. Un aparato con forma de bolígrafo lleva un cartucho estéril de agujas muy finas. Hace muchos pinchazos muy pequeños y controlados en la piel. Al curarlos, la piel produce colágeno y elastina nuevos. Así puede quedar más firme y lisa en las semanas siguientes.

## Qué pasa el día del tratamiento

- Antes del tratamiento le preguntamos otra vez por su salud. Díganos cualquier cambio.
- Ponemos una crema para adormecer la zona (anestesia tópica) durante unos 20 a 30 minutos. Luego limpiamos bien la piel.
- Ponemos en la piel una capa fina de sérum de ácido hialurónico o de plasma rico en plaquetas (hecho con una muestra de su propia sangre).
- El profesional elige la profundidad de las agujas y la velocidad para la zona. Luego pasa el aparato con suavidad sobre la piel.
- La mayoría de las personas dice que se siente como una lija fina sobre la piel. Algunas zonas son más sensibles que otras.
- En cada sesión tratamos una sola zona (la cara y el cuello cuentan como una zona).

## Qué puede hacer y qué no

- Puede mejorar las líneas finas y las arrugas, las cicatrices de acné leves o moderadas, otras cicatrices, las estrías, la textura de la piel y el tamaño de los poros, y el tono desigual.
- Los resultados aparecen poco a poco, en varias semanas y varias sesiones. Por lo general recomendamos 3 sesiones, con al menos 4 a 6 semanas entre ellas. Para arrugas profundas, daño por el sol, estrías o cicatrices de acné, 6 a 8 sesiones con 6 semanas entre ellas. Después, una sesión de mantenimiento cada 3 meses.
- Los resultados cambian de una persona a otra, y no podemos prometer un resultado. Las cicatrices y las arrugas pueden mejorar, pero no desaparecer del todo.

## Riesgos y efectos secundarios

Estos son esperables y por lo general pasan en pocos días:

- enrojecimiento, como una quemadura de sol leve o moderada, durante 2 a 4 días, y luego un tono rosado uno o dos días más
- hinchazón, que puede notarse más el segundo día
- puntitos de sangre durante el tratamiento y justo después
- moretones
- piel tirante y seca, y algo de descamación durante unos días

Estos son menos frecuentes:

- una infección de la piel tratada
- un brote de herpes labial (herpes simple) si ya lo tuvo antes: si alguna vez tuvo herpes labial, debe tomar un medicamento antiviral antes del tratamiento
- cambios en el color de la piel (manchas más oscuras o más claras); el riesgo es bajo, pero mayor si no protege la piel del sol después
- una reacción a la crema para adormecer o a un producto puesto en la piel, como un sarpullido o ronchas (urticaria)

Esto es raro:

- cicatrices

Si nota señales de infección o de reacción después del tratamiento (por ejemplo, enrojecimiento o hinchazón que empeoran después del segundo día, pus, fiebre o un dolor que empeora), llámenos ese mismo día. Nuestra [página de cuidados](/es/aftercare/#when-to-get-help) dice cuándo llamar y a quién.

## Sus cuidados después: lo que usted se compromete a hacer

- Durante 2 a 3 días, no use productos para la piel con ingredientes "activos": AHA (ácido glicólico, láctico o mandélico), BHA (ácido salicílico), retinol (productos de vitamina A) o peróxido de benzoilo.
- Unas horas después del tratamiento, lave la piel con suavidad con agua tibia y un limpiador suave. Quite todo el sérum y la sangre seca.
- No se maquille hasta el día después del tratamiento.
- No use exfoliantes, cepillos ni aparatos para exfoliar durante 48 horas.
- Use a menudo productos hidratantes mientras sienta la piel tirante y seca.
- Proteja la piel con protector solar y no se ponga al sol directo durante al menos 14 días.
- Deje al menos 4 semanas entre sesiones.

## Otras opciones

- Puede elegir no hacerse ningún tratamiento.
- Hay otros tratamientos para lo mismo, cada uno con sus beneficios y riesgos: por ejemplo, productos para la piel que se usan en casa, exfoliaciones químicas (peelings) y tratamientos con láser. Con gusto se los explicamos, o puede preguntar a su médico.

## Lo que usted confirma al firmar

- Leí y entendí este formulario, y pude hacer preguntas.
- Las respuestas que di a las preguntas de salud de la clínica son verdaderas y completas, según lo que sé.
- Antes de cada tratamiento avisaré a la clínica si algo cambia: mi salud, mis medicamentos, un embarazo o un problema de la piel en la zona a tratar.
- Entiendo que los resultados cambian de una persona a otra y que no están garantizados.
- Seguiré los cuidados de arriba.
- Sé que puedo cambiar de opinión y retirar mi consentimiento en cualquier momento, también el mismo día, antes o durante un tratamiento.
- Acepto el tratamiento con microagujas médicas en la clínica. Este consentimiento cubre mis sesiones durante 12 meses desde el día en que lo firmo, salvo que la clínica me pida firmar una versión nueva antes.
"""


def forwards(apps, schema_editor):
    ConsentVersion = apps.get_model("patients", "ConsentVersion")
    for version in ConsentVersion.objects.all():
        changes = {"text_en": version.text, "text_html_en": version.text_html}
        if version.text.strip() == SEED.TEXT.strip():
            changes.update(
                text_es=TEXT_ES,
                text_html_es=render_markdown(TEXT_ES),
                awaiting_clinic_review=True,
            )
        # update(): the model's save refuses to touch a published version.
        ConsentVersion.objects.filter(pk=version.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("patients", "0009_consent_text_in_spanish")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
