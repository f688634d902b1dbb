"""The written notices a repair application issues to the subject (PDF, kept with the case; the
letters: repairflow/cases/notices.py)."""

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from repairflow.cases.notices import case_facts, notice_format, repeat_explained
from repairflow.core.pdf import NoticeText
from repairflow.repair.eligibility import RuleResult
from repairflow.repair.models import MaterialKind, RepairApplication, RepairState


def _failed_rules(application: RepairApplication) -> list[str]:
    return [result.detail for result in map(RuleResult.from_json, application.eligibility) if not result.passed]


def receipt(application: RepairApplication) -> NoticeText:
    paragraphs = [
        _(
            "Your credit repair application for the record above has been received. The credit office will "
            "decide whether to accept it and tell you; you can follow its progress with the case number."
        )
    ]
    if failed := _failed_rules(application):
        paragraphs += [_("The application does not yet meet these conditions:"), *failed]
    return NoticeText(_("Receipt of a credit repair application"), case_facts(application), paragraphs)


def supplement(application: RepairApplication) -> NoticeText:
    return NoticeText(
        _("Request to supplement a credit repair application"),
        case_facts(application),
        [
            _("To handle your credit repair application, the credit office needs the following:"),
            application.missing,
            _(
                "Please supplement your application within the period shown in your case. If nothing is received "
                "by then, the application lapses."
            ),
        ],
    )


def rejection(application: RepairApplication) -> NoticeText:
    """不予受理通知: the reason; for a repeat, what a new application would have to bring (a
    repair application rests on its materials: the kinds the earlier one did not give)."""
    earlier = application.repeat_of
    given = {material.kind for material in earlier.materials.all()} if earlier else set()
    not_given = [label for kind, label in MaterialKind.choices if earlier and kind not in given]
    something_new = not_given and notice_format(
        _("a material of a kind that case %(number)s did not give: %(kinds)s."),
        {"number": earlier.number, "kinds": not_given},
    )
    return NoticeText(
        _("Notice that a credit repair application is not accepted"),
        case_facts(application),
        [
            _("Your credit repair application is not accepted, for this reason:"),
            application.rejection_reason,
            *repeat_explained(application, something_new=something_new),
        ],
    )


def decision(application: RepairApplication) -> NoticeText:
    """The decision on the application: the repair and what it did to the record, or the
    department's refusal with its reasons."""
    if application.state == RepairState.DENIED:
        return NoticeText(
            _("Decision not to repair credit"),
            case_facts(application),  # the department that reviewed it is the record's (认定单位), named there
            [
                _("The department has reviewed your credit repair application and decided not to repair, because:"),
                application.decision_reason,
                notice_format(
                    _(
                        "If you disagree, you may object to this decision on the credit platform: open application "
                        '%(number)s and choose "Object to this decision". If the objection is upheld, the '
                        "department reviews your application again. You may also apply for administrative "
                        "reconsideration or bring an administrative lawsuit according to law."
                    ),
                    {"number": application.number},
                ),
            ],
        )
    repaired_on = formats.date_format(application.repaired_on, "DATE_FORMAT")
    return NoticeText(
        _("Decision to repair credit"),
        [*case_facts(application), (_("Repaired on"), repaired_on)],
        [
            _(
                "Your credit repair application has been approved. The record's publication has ended and the "
                "change is passed on to the other credit platforms."
            ),
            application.decision_reason,
            _(
                "A false commitment or false materials lead to the revocation of this repair, the record being "
                "published again, and a ban on new repair applications."
            ),
        ],
    )


def revocation(application: RepairApplication, *, ban_ends_on) -> NoticeText:
    return NoticeText(
        _("Decision to revoke a credit repair"),
        [*case_facts(application), (_("No new application until"), formats.date_format(ban_ends_on, "DATE_FORMAT"))],
        [
            _("The credit repair granted on this application is revoked, for this reason:"),
            application.revocation_reason,
            _(
                "The record is published again. You may not apply for credit repair until the date above. If you "
                "disagree, you may apply for administrative reconsideration or bring an administrative lawsuit "
                "according to law."
            ),
        ],
    )
