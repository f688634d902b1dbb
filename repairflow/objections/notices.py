"""The written notices an objection issues to the subject (PDF, kept with the case; the
letters: repairflow/cases/notices.py)."""

from django.utils.translation import gettext_lazy as _

from repairflow.cases.notices import case_facts, notice_format, repeat_explained
from repairflow.core.pdf import NoticeText
from repairflow.objections.models import Ground, Objection, Outcome


def receipt(objection: Objection) -> NoticeText:
    return NoticeText(
        _("Receipt of an objection"),
        [*case_facts(objection), (_("Grounds"), "、".join(objection.grounds_display()))],
        [
            _(
                "Your objection to the credit record above has been received. The credit office will decide "
                "whether to accept it and tell you; you can follow its progress with the case number."
            )
        ],
    )


def supplement(objection: Objection) -> NoticeText:
    return NoticeText(
        _("Request to supplement an objection"),
        case_facts(objection),
        [
            _("To handle your objection, the credit office needs the following:"),
            objection.missing,
            _(
                "Please supplement your objection within the period shown in your case. If nothing is received "
                "by then, the objection lapses."
            ),
        ],
    )


def rejection(objection: Objection) -> NoticeText:
    """不予受理通知: the reason; for a repeat, what a new objection would have to bring."""
    earlier = objection.repeat_of
    not_raised = [label for code, label in Ground.choices if earlier and code not in earlier.grounds]
    something_new = not_raised and notice_format(
        _("a ground that case %(number)s did not raise: %(grounds)s."),
        {"number": earlier.number, "grounds": not_raised},
    )
    return NoticeText(
        _("Notice that an objection is not accepted"),
        case_facts(objection),
        [
            _("Your objection is not accepted, for this reason:"),
            objection.rejection_reason,
            *repeat_explained(objection, something_new=something_new),
        ],
    )


def result(objection: Objection) -> NoticeText:
    return NoticeText(
        _("Result of an objection"),
        [*case_facts(objection), (_("Outcome"), Outcome(objection.outcome).label)],
        [
            _("Your objection has been verified. Outcome and explanation:"),
            objection.explanation,
            _(
                "The outcome has been applied to the credit record and is passed on to the other credit "
                "platforms. If you disagree, you may apply for administrative reconsideration or bring an "
                "administrative lawsuit according to law."
            ),
        ],
    )
