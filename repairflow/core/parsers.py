"""The API's JSON parser (the setting DEFAULT_PARSER_CLASSES; docs/api.md "Errors, hardened"). A
module of its own: DRF reads the setting while `rest_framework.views` is being imported."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers

from repairflow.core.errors import Invalid

MAX_JSON_DEPTH = 64
TOO_DEEP = _("The JSON body is nested deeper than %(depth)d levels.")


def json_depth(data: object) -> int:
    """How deeply `data` nests lists and objects (a scalar: 0), counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            stack.extend((inner, depth + 1) for inner in (value.values() if isinstance(value, dict) else value))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's parser, refusing a body nested deeper than MAX_JSON_DEPTH levels as invalid input,
    a body too deep for Python to decode at all included."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = Invalid({}, detail=TOO_DEEP % {"depth": MAX_JSON_DEPTH})
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        return data
