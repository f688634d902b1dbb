"""The office's forms: loading a year's official holiday schedule; acting on many deadlines at once."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.schedule import FIRST_YEAR, LAST_YEAR, schedule_errors, within_the_calendar
from repairflow.calendar.workdays import SpecialDay

HOLIDAY, WORKDAY = "休", "班"
LINE_UNREADABLE = _(
    "Line %(line)d: write the date, 休 or 班, and the name, e.g. “2027-10-01 休 国庆节”; it says “%(text)s”."
)
DAYS_HELP = _(
    "One day a line as the State Council's notice names it: the date, 休 for a holiday (weekend days "
    "inside a holiday run included) or 班 for a make-up working day, and the holiday's name."
)


class CalendarLoadForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(
        label=_("Source"), max_length=255, help_text=_("The notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    )
    confirmed = forms.BooleanField(
        label=_("Official (published) schedule"),
        required=False,
        initial=True,
        help_text=_("Leave unticked for a draft: deadlines in the year stay marked provisional."),
    )
    days = forms.CharField(label=_("Named days"), widget=forms.Textarea(attrs={"rows": 14}), help_text=DAYS_HELP)

    def clean_days(self) -> list[SpecialDay]:
        days, errors = [], []
        for number, line in enumerate(self.cleaned_data["days"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(maxsplit=2)
            try:
                day = date.fromisoformat(parts[0])
                if len(parts) < 3 or parts[1] not in (HOLIDAY, WORKDAY):
                    raise ValueError
            except ValueError:
                errors.append(LINE_UNREADABLE % {"line": number, "text": line.strip()[:40]})
                continue
            days.append(SpecialDay(day, parts[1] == WORKDAY, parts[2].strip()))
        if errors:
            raise forms.ValidationError(errors)
        return days

    def clean(self):
        cleaned = super().clean()
        if "year" in cleaned and "days" in cleaned:
            for error in schedule_errors(cleaned["year"], cleaned["days"]):
                self.add_error("days", error)
        return cleaned


class BulkForm(forms.Form):
    """An action on the deadlines ticked in the queue, with the reason kept."""

    REMIND, EXTEND = "remind", "extend"

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(REMIND, _("Remind the owners")), (EXTEND, _("Give the department more working days"))],
    )
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    deadline = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Deadlines"), error_messages={"required": _("Tick at least one deadline.")}
    )

    def __init__(self, *args, deadlines, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].queryset = deadlines

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.EXTEND and not cleaned.get("days"):
            self.add_error("days", _("Say by how many working days."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


def _date_input() -> forms.DateInput:
    """A browser's date picker: its value is always ISO 8601, whatever the language's date format."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input(), validators=[within_the_calendar])
    end = forms.DateField(label=_("To"), widget=_date_input(), validators=[within_the_calendar])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return cleaned
