"""The JSON Schema of SOP definition files, public: editors and validators read it."""
import json

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from workflows.schema import definition_json_schema


@require_safe
@cache_control(public=True, max_age=3600)
def definition_schema(request) -> HttpResponse:
    return HttpResponse(json.dumps(definition_json_schema(), ensure_ascii=False, indent=1),
                        content_type="application/schema+json; charset=utf-8")
