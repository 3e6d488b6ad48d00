"""The clinic's FAQ: categories of questions, their Markdown answers, the recovery timeline,
the aftercare page's "When to get help" advice, and what the search needs (synonyms, and a count
of the searches that found nothing).

Answers and timeline stages are written by staff in Markdown; the sanitised HTML is computed on
save and stored next to it, so that pages never render Markdown while a patient waits.

The texts patients read are in English and Spanish: faq/translation.py gives each translated
field a column per language (django-modeltranslation) and registers the edit history, which
then keeps both. A text without Spanish is shown in English (faq/languages.py says which).
"""

import re
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import slugify

from faq.languages import render_translations, text_in, with_rendered_fields
from faq.markdown import render_markdown

if TYPE_CHECKING:
    from clinic.selectors import ClinicDetails

MARKDOWN_HELP = (
    "Markdown: a blank line starts a new paragraph, lines starting with “- ” make a list, "
    "**bold**, *italic*, [link text](https://example.com), ### for a sub-heading. "
    "HTML is not allowed and is removed."
)


class TranslatedContent(models.Model):
    """Content patients read in English and Spanish, whose Spanish the clinic checks."""

    spanish_awaiting_review = models.BooleanField(
        "Spanish awaiting the clinic's review",
        default=False,
        help_text="Ticked while the Spanish has not been checked by the clinic. Untick it once "
        "someone who reads both languages has compared the Spanish with the English.",
    )

    class Meta:
        abstract = True


class CategoryQuerySet(models.QuerySet):
    def published(self) -> "CategoryQuerySet":
        return self.filter(published=True)

    def with_published_questions(self, questions: "QuestionQuerySet | None" = None):
        """Published categories, each with its published questions and their answers (optionally
        narrowed) prefetched as `published_questions`; categories left empty are dropped.

        Two queries in all, however many questions there are.
        """
        if questions is None:
            questions = Question.objects.published()
        categories = (
            self.published()
            .filter(pk__in=questions.values("category_id"))
            .prefetch_related(
                Prefetch("questions", queryset=questions, to_attr="published_questions")
            )
        )
        return categories


CategoryManager = models.Manager.from_queryset(CategoryQuerySet)


class Category(TranslatedContent):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(
        default=True, help_text="Unpublished categories hide all their questions from the site."
    )

    # Typed: django-modeltranslation swaps the manager for a class made at start-up, which
    # django-stubs cannot find (typeddjango/django-stubs#1023).
    objects: ClassVar["CategoryManager"] = CategoryManager()
    if TYPE_CHECKING:
        _default_manager: ClassVar["CategoryManager"]

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('faq:index')}#{self.slug}"


class QuestionQuerySet(models.QuerySet):
    def published(self) -> "QuestionQuerySet":
        """Questions the public may see: published, in a published category."""
        return self.filter(published=True, category__published=True)

    def featured_on(self, page: "Question.Feature") -> "QuestionQuerySet":
        """Questions whose answers are shown in full on another page (home, aftercare)."""
        return self.filter(feature=page).order_by("category__order", "category_id", "order", "id")

    def for_listing(self) -> "QuestionQuerySet":
        """What a list of links needs: the long answer texts are left in the database."""
        return self.defer("answer", "answer_html")


QuestionManager = models.Manager.from_queryset(QuestionQuerySet)


class Question(TranslatedContent):
    class Feature(models.TextChoices):
        NONE = "", "Only on the FAQ"
        HOME = "home", "Also in full on the home page"
        AFTERCARE = "aftercare", "Also in full on the aftercare page"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, help_text="The question's web address.")
    answer = models.TextField(help_text=MARKDOWN_HELP)
    # Computed from `answer` on save, in each language; never edited by hand.
    answer_html = models.TextField(editable=False, default="")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(default=True)
    feature = models.CharField(
        "also show on",
        max_length=20,
        choices=Feature.choices,
        default=Feature.NONE,
        blank=True,
        help_text="Every published question is on the FAQ; this also shows its answer in full "
        "on another page.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Typed by hand, as Category's.
    objects: ClassVar["QuestionManager"] = QuestionManager()
    if TYPE_CHECKING:
        _default_manager: ClassVar["QuestionManager"]

    class Meta:
        ordering = ["category__order", "category_id", "order", "id"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        render_translations(self, "answer", "answer_html", render_markdown)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_rendered_fields(
                kwargs["update_fields"], "answer", "answer_html"
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("faq:question", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.published and self.category.published


class RecoveryStageQuerySet(models.QuerySet):
    def published(self) -> "RecoveryStageQuerySet":
        return self.filter(published=True)


RecoveryStageManager = models.Manager.from_queryset(RecoveryStageQuerySet)


class RecoveryStage(TranslatedContent):
    """One stage of the recovery timeline after a treatment ("Day 1", "Day 2", ...)."""

    title = models.CharField(
        max_length=80, help_text="For example “Day 1” or “Days 3\N{EN DASH}4”."
    )
    what_to_expect = models.TextField(help_text=MARKDOWN_HELP)
    what_to_expect_html = models.TextField(editable=False, default="")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(default=True)

    # Typed by hand, as Category's.
    objects: ClassVar["RecoveryStageManager"] = RecoveryStageManager()
    if TYPE_CHECKING:
        _default_manager: ClassVar["RecoveryStageManager"]

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "recovery timeline stage"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        render_translations(self, "what_to_expect", "what_to_expect_html", render_markdown)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_rendered_fields(
                kwargs["update_fields"], "what_to_expect", "what_to_expect_html"
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('aftercare')}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The stage's id on the aftercare page: "Days 3\N{EN DASH}4" is #recovery-days-3-4.

        From the English title in every language, so a link keeps its place in both."""
        title = text_in(self, "title", "en")
        return "recovery-" + slugify(re.sub(r"[\N{EN DASH}\N{EM DASH}]", "-", title))


HELP_PLACEHOLDERS_HELP = (
    " Write {phone} where the clinic's phone number should go, {email} for its e-mail address "
    "and {clinic} for its name: they come from the site's settings, so they are always current."
)


class HelpBlockQuerySet(models.QuerySet):
    def published(self) -> "HelpBlockQuerySet":
        return self.filter(published=True)


HelpBlockManager = models.Manager.from_queryset(HelpBlockQuerySet)


class HelpBlock(TranslatedContent):
    """Advice written by staff and shown in full on the aftercare page under its own heading,
    e.g. "When to get help" at /aftercare/#when-to-get-help.

    The clinic's phone number and e-mail address are not copied into the text: staff write
    {phone} and {email}, filled in from settings when the page is rendered (see `body_html`).
    """

    title = models.CharField(max_length=120)
    anchor = models.SlugField(
        max_length=60,
        unique=True,
        help_text="The block's address on the aftercare page (/aftercare/#anchor). Other pages "
        "and e-mails link to it, so it cannot be changed once saved.",
    )
    body = models.TextField(help_text=MARKDOWN_HELP + HELP_PLACEHOLDERS_HELP)
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(default=True)

    # Typed by hand, as Category's.
    objects: ClassVar["HelpBlockManager"] = HelpBlockManager()
    if TYPE_CHECKING:
        _default_manager: ClassVar["HelpBlockManager"]

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "aftercare page advice block"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('aftercare')}#{self.anchor}"

    def body_html(self, clinic: "ClinicDetails") -> str:
        """The body as sanitised HTML, with {phone}, {email} and {clinic} filled in.

        The placeholders become Markdown before rendering, so whatever the settings hold, the
        result passes through the same sanitiser as everything staff write.
        """
        values = {
            "{phone}": f"[{_markdown_text(clinic.phone)}](tel:{clinic.phone_link})",
            "{email}": f"[{_markdown_text(clinic.email)}](mailto:{clinic.email})",
            "{clinic}": _markdown_text(clinic.name),
        }
        text = re.sub(r"\{(?:phone|email|clinic)\}", lambda m: values[m.group(0)], self.body)
        return render_markdown(text)


# The characters Python-Markdown lets a backslash escape.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")


def _markdown_text(text: str) -> str:
    """`text` as Markdown that renders as exactly that text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def split_terms(text: str) -> list[str]:
    """ "Accutane,  isotretinoin; Roaccutane" -> ["Accutane", "isotretinoin", "Roaccutane"]."""
    terms: list[str] = []
    for part in re.split(r"[,;\n]", text):
        term = " ".join(part.split())
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms


class Synonym(models.Model):
    """Words or short phrases that the FAQ search treats as the same, e.g. Accutane and
    isotretinoin: a search for one finds answers that use any of them. Each group belongs to
    the search in one language."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    language = models.CharField(
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The search these words are for: the English pages' or the Spanish pages'.",
    )
    terms = models.CharField(
        max_length=300,
        help_text="Two or more words or short phrases that mean the same to a patient, separated "
        "by commas, e.g. “Accutane, isotretinoin” or “cold sore, herpes simplex”. Case does not "
        "matter, and plurals are found anyway.",
    )

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = "search synonym group"

    def __str__(self) -> str:
        return ", ".join(self.term_list())

    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self) -> None:
        from faq.search import words_of

        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {"terms": "Give at least two words or phrases, separated by commas."}
            )
        for term in terms:
            if not words_of(term):
                raise ValidationError(
                    {"terms": f"“{term}” has no letters or digits to search for."}
                )
        self.terms = ", ".join(terms)


class SearchMiss(models.Model):
    """A search of the FAQ that found nothing: its significant words, and how often it happened.

    Deliberately nothing else: no address, session, user, or date and time.
    """

    words = models.CharField(max_length=200, unique=True, editable=False)
    count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-count", "words"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self) -> str:
        return self.words
