"""The office's forms: loading a year's official holiday schedule."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.schedule import FIRST_YEAR, LAST_YEAR, schedule_errors
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
