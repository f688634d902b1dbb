"""Month and year periods (民法典 Art. 202): a period of months ends on the corresponding date of
the last month, or on that month's last day when it has no such date (a 3-month period from
11-30 ends on 02-28, or 02-29 in a leap year)."""

from datetime import date

from dateutil.relativedelta import relativedelta


def months_period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months counted from `start`."""
    return start + relativedelta(months=months)
