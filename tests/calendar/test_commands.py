"""`manage.py load_calendar`: a year's schedule from a JSON file or from chinesecalendar."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import DAY_TWICE

pytestmark = pytest.mark.django_db


def write(tmp_path, data) -> str:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_json_schedule_is_loaded_and_reported(tmp_path, capsys):
    path = write(
        tmp_path,
        {
            "year": 2027,
            "confirmed": True,
            "source": "国务院办公厅关于2027年部分节假日安排的通知",
            "days": [
                {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
                {"date": "2027-02-06", "is_workday": True, "name": "春节"},
            ],
        },
    )

    call_command("load_calendar", path)

    year = CalendarYear.objects.get(year=2027)
    assert year.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert list(year.days.values_list("date", "is_workday", "name")) == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), True, "春节"),
    ]
    assert capsys.readouterr().out.startswith(f"2027: 2 named days loaded as calendar version {year.version}; ")


def test_a_packaged_year_is_reloaded_under_a_new_version(capsys):
    before = CalendarYear.objects.get(year=2026)
    days = CalendarDay.objects.filter(date__year=2026).count()

    call_command("load_calendar", "--package", "2026")

    after = CalendarYear.objects.get(year=2026)
    assert after.version > before.version
    assert CalendarDay.objects.filter(date__year=2026).count() == days


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "schedule.json: Expecting value"),
        ('{"source": "x", "days": []}', '"year"'),
        ('{"year": 2027, "days": []}', '"source"'),
        ('["2027-01-01"]', "schedule.json"),
    ],
)
def test_an_unreadable_file_is_refused_and_nothing_changes(tmp_path, content, message):
    path = tmp_path / "schedule.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        call_command("load_calendar", str(path))

    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_invalid_schedule_is_refused_with_its_reasons(tmp_path):
    day = {"date": "2027-01-01", "is_workday": False, "name": "元旦"}
    path = write(tmp_path, {"year": 2027, "source": "x", "days": [day, day]})

    with pytest.raises(CommandError) as refused:
        call_command("load_calendar", path)

    assert str(refused.value) == str(DAY_TWICE % {"date": "2027-01-01"})
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_missing_file_and_an_unpackaged_year_are_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_calendar", str(tmp_path / "absent.json"))
    with pytest.raises(CommandError, match="chinesecalendar has no schedule for 2031"):
        call_command("load_calendar", "--package", "2031")
