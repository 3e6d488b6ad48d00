"""The clinic's FAQ: categories of questions, their Markdown answers, and the recovery timeline.

Answers and timeline stages are written by staff in Markdown; the sanitised HTML is computed on
save and stored next to it, so that pages never render Markdown while a patient waits.
"""

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from faq.markdown import render_markdown

MARKDOWN_HELP = (
    "Markdown: a blank line starts a new paragraph, lines starting with “- ” make a list, "
    "**bold**, *italic*, [link text](https://example.com), ### for a sub-heading. "
    "HTML is not allowed and is removed."
)


class CategoryQuerySet(models.QuerySet):
    def published(self) -> "CategoryQuerySet":
        return self.filter(published=True)

    def with_published_questions(self, questions: "QuestionQuerySet | None" = None):
        """Published categories, each with its published questions (optionally narrowed, e.g.
        by a search) prefetched as `published_questions`; categories left empty are dropped.

        Two queries in all, however many questions there are.
        """
        if questions is None:
            questions = Question.objects.published()
        questions = questions.for_listing()
        categories = (
            self.published()
            .filter(pk__in=questions.values("category_id"))
            .prefetch_related(
                Prefetch("questions", queryset=questions, to_attr="published_questions")
            )
        )
        return categories


class Category(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(
        default=True, help_text="Unpublished categories hide all their questions from the site."
    )

    history = HistoricalRecords()
    objects = CategoryQuerySet.as_manager()

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

    def search(self, text: str) -> "QuestionQuerySet":
        """Questions whose wording or answer contains `text`, ignoring case."""
        return self.filter(Q(question__icontains=text) | Q(answer__icontains=text))

    def featured_on(self, page: "Question.Feature") -> "QuestionQuerySet":
        """Questions whose answers are shown in full on another page (home, aftercare)."""
        return self.filter(feature=page).order_by("category__order", "category_id", "order", "id")

    def for_listing(self) -> "QuestionQuerySet":
        """What a list of links needs: the long answer texts are left in the database."""
        return self.defer("answer", "answer_html")


class Question(models.Model):
    class Feature(models.TextChoices):
        NONE = "", "Only on the FAQ"
        HOME = "home", "Also in full on the home page"
        AFTERCARE = "aftercare", "Also in full on the aftercare page"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, help_text="The question's web address.")
    answer = models.TextField(help_text=MARKDOWN_HELP)
    # Computed from `answer` on save; never edited by hand.
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

    history = HistoricalRecords(excluded_fields=["answer_html", "updated_at"])
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "category_id", "order", "id"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        self.answer_html = render_markdown(self.answer)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "answer" in update_fields:
            kwargs["update_fields"] = {*update_fields, "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("faq:question", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.published and self.category.published


class RecoveryStageQuerySet(models.QuerySet):
    def published(self) -> "RecoveryStageQuerySet":
        return self.filter(published=True)


class RecoveryStage(models.Model):
    """One stage of the recovery timeline after a treatment ("Day 1", "Day 2", ...)."""

    title = models.CharField(
        max_length=80, help_text="For example “Day 1” or “Days 3\N{EN DASH}4”."
    )
    what_to_expect = models.TextField(help_text=MARKDOWN_HELP)
    what_to_expect_html = models.TextField(editable=False, default="")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(default=True)

    history = HistoricalRecords(excluded_fields=["what_to_expect_html"])
    objects = RecoveryStageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "recovery timeline stage"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.what_to_expect_html = render_markdown(self.what_to_expect)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "what_to_expect" in update_fields:
            kwargs["update_fields"] = {*update_fields, "what_to_expect_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("aftercare")
