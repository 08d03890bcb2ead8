"""JSON for every request: a body nested too deeply for the parser is bad JSON, like any other."""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class SafeJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:  # "[[[[…]]]]": Werkzeug then answers 400, or the view its own 422
            raise ValueError("JSON nested too deeply") from exc
