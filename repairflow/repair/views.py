# Placeholder while the pages are written (to be replaced).
from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


repair_list = repair_new = repair_detail = repair_notice_pdf = repair_action = _missing
