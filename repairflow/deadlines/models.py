"""One row per running clock (see README.md beside this file)."""

from datetime import date

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import Note
from repairflow.core.history import kept_history
from repairflow.deadlines.clock import Extension, Fired, Pause, Restart, Stage
from repairflow.deadlines.policy import PROFILES, Party, Step, StepRule


class DeadlineStatus(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    CANCELLED = "cancelled", _("no longer due")
    MISSED = "missed", _("missed")


class Deadline(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    case_id = models.PositiveBigIntegerField(_("case"))
    case = GenericForeignKey("case_type", "case_id")
    step = models.CharField(_("step"), max_length=40, choices=Step.choices)
    owner = models.CharField(_("owner"), max_length=20, choices=Party.choices)
    department = models.ForeignKey(
        "records.Department", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    subject = models.ForeignKey(
        "records.CreditSubject", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("subject")
    )
    # The subject the case or record is about, whoever owes the clock: the queue searches by it.
    concerns = models.ForeignKey(
        "records.CreditSubject",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subject concerned"),
    )
    profile = models.CharField(_("profile"), max_length=40)
    # The rule's variant for this owner ("" the step's usual rule; "market_regulation": SAMR Order 107).
    variant = models.CharField(_("rule variant"), max_length=40, blank=True, default="")
    rule_set = models.CharField(_("rule set"), max_length=200)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeadlineStatus.choices, default=DeadlineStatus.RUNNING
    )
    paused_days = models.PositiveSmallIntegerField(_("paused working days"), default=0)
    pauses = models.JSONField(_("pauses"), default=list, blank=True)
    extensions = models.JSONField(_("extensions"), default=list, blank=True)
    restarts = models.JSONField(_("restarts"), default=list, blank=True)
    calendar_version = models.PositiveIntegerField(_("calendar version"))
    provisional = models.BooleanField(_("provisional"), default=False)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    next_stage = models.CharField(_("next stage"), max_length=20, choices=Stage.choices, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    actions = models.JSONField(_("actions fired"), default=list, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = kept_history(excluded_fields=["updated_at", "concerns"])  # the case's, kept in its own history

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep reads only the rows whose next stage has come: its cost follows the rows
            # it acts on, not the rows open.
            models.Index(
                fields=["next_action_on"], condition=Q(next_action_on__isnull=False), name="deadline_next_action"
            ),
            # Open clocks by last day: recomputation after a calendar load, queues sorted by due date.
            models.Index(fields=["due_on"], condition=Q(ended_on__isnull=True), name="deadline_open_due"),
            # Open clocks by the subject concerned: the queue searched by a subject's name or identifier.
            models.Index(fields=["concerns"], condition=Q(ended_on__isnull=True), name="deadline_open_concerns"),
            models.Index(fields=["case_type", "case_id"], name="deadline_case"),
            # The clocks that ended on a day: the night's tally (tally.py) and the statistics of
            # the days not yet tallied.
            models.Index(fields=["ended_on"], condition=Q(ended_on__isnull=False), name="deadline_ended"),
            # A case's open clocks by last day: its first due, which orders a queue, in one probe;
            # with the status, whether the case is overdue (cases_overdue) from the index alone.
            models.Index(
                fields=["case_type", "case_id", "due_on"],
                include=["status"],
                condition=Q(ended_on__isnull=True),
                name="deadline_case_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner=Party.DEPARTMENT) & Q(department__isnull=False))
                | (Q(owner=Party.SUBJECT) & Q(subject__isnull=False))
                | Q(owner=Party.OFFICE),
                name="deadline_owner_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def rule(self) -> StepRule:
        """The step's rule as the profile and rule set this clock started under define it."""
        profile = PROFILES[self.profile]
        rule_set = next(rule_set for rule_set in profile.rule_sets if rule_set.name == self.rule_set)
        return profile.step_rule(rule_set, Step(self.step), self.variant)

    def pause_list(self) -> list[Pause]:
        return [Pause.from_json(entry) for entry in self.pauses]

    def extension_list(self) -> list[Extension]:
        return [Extension.from_json(entry) for entry in self.extensions]

    def restart_list(self) -> list[Restart]:
        return [Restart.from_json(entry) for entry in self.restarts]

    def fired(self) -> list[Fired]:
        return [
            Fired(Stage(entry["stage"]), date.fromisoformat(entry["on"]), date.fromisoformat(entry["due_on"]))
            for entry in self.actions
        ]

    def notes(self) -> list[Note]:
        return [Note.from_json(entry) for entry in self.explanation]


class ClockTally(models.Model):
    """How many clocks of one owner, department and step ended on one day, met or missed, in as
    many working days: the statistics' roll-up of past days (`repairflow/deadlines/tally.py`).
    Derived from the clocks, which keep the history; none of its own."""

    ended_on = models.DateField(_("ended on"))
    owner = models.CharField(_("owner"), max_length=20, choices=Party.choices)
    department = models.ForeignKey(
        "records.Department", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    step = models.CharField(_("step"), max_length=40, choices=Step.choices)
    met = models.BooleanField(_("met"))
    working_days = models.PositiveSmallIntegerField(_("working days taken"))
    clocks = models.PositiveIntegerField(_("clocks"))

    class Meta:
        verbose_name = _("tally of ended deadlines")
        verbose_name_plural = _("tallies of ended deadlines")
        indexes = [models.Index(fields=["ended_on"], name="clock_tally_day")]

    def __str__(self) -> str:
        return f"{self.ended_on} · {self.get_step_display()} · {self.clocks}"
