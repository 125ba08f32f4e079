"""The JSON parser of the API faces: DRF's, plus the two inputs that made it fail with a 500.

- Deeply nested arrays or objects (`[[[[...` 100,000 deep) exhaust Python's recursion limit inside
  `json.loads`: a RecursionError, not a ValueError, so DRF let it through.
- A lone surrogate escape (`"\\ud800"`) parses into a str that cannot be encoded as UTF-8: the
  database driver failed on it when saving.
Both are now a ParseError, which each face answers as a 400 in its own format.
"""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NOT_UTF8 = "JSON parse error - strings must be valid Unicode (no lone surrogates)"
TOO_DEEP = "JSON parse error - nested too deeply"


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(NOT_UTF8) from None
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        return data
