"""JSON: the library types' ``to_dict`` forms, so the library and the CLI say the same thing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from trialmatch.claims.model import DocumentClaims
from trialmatch.compare import CheckedDocument
from trialmatch.registry.study import Study
from trialmatch.report.interface import Format


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class JsonFormat(Format):
    name = "json"

    def studies(self, studies: Sequence[Study]) -> str:
        return dumps([s.to_dict() for s in studies])

    def claims(self, docs: Sequence[DocumentClaims]) -> str:
        return dumps([d.to_dict() for d in docs])

    def checks(self, docs: Sequence[CheckedDocument]) -> str:
        return dumps([d.to_dict() for d in docs])
