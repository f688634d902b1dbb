from django.db import models
from django.utils.translation import gettext_lazy as _


class Figure(models.TextChoices):
    RECEIVED = "received", _("cases received")
    CLOSED = "closed", _("cases closed")
    OUTCOME = "outcome", _("objection results confirmed")
    REPAIRED = "repaired", _("repairs carried out")


class DailyFigure(models.Model):
    """One of the statistics' figures for one day, kept once the day is over
    (`repairflow/office/figures.py`): derived from the cases, which keep the history."""

    day = models.DateField(_("day"))
    figure = models.CharField(_("figure"), max_length=20, choices=Figure.choices)
    kind = models.CharField(_("kind of case"), max_length=20)
    key = models.CharField(_("outcome or rule set"), max_length=200, blank=True)  # "" where the figure has none
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [models.Index(fields=["day"], name="daily_figure_day")]

    def __str__(self) -> str:
        return f"{self.day} · {self.figure} · {self.kind} {self.key}: {self.count}"
