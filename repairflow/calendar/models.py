"""The working-day calendar as loaded: one row per year with a schedule, one per named day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from repairflow.core.history import kept_history


class CalendarYear(models.Model):
    """A year whose official schedule is loaded. `version` comes from one sequence across all
    years, so the highest version names the calendar every computation used."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("Whether this is the official, published schedule.")
    )
    source = models.CharField(_("source"), max_length=255)
    version = models.PositiveIntegerField(_("version"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = kept_history()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day the official schedule names: a holiday, or a weekend day made a working day."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar year")
    )
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("named day")
        verbose_name_plural = _("named days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
