"""The build report: every record accounted for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .enrich.topics import Match
from .models import Paper, Rejection


@dataclass
class Report:
    """What a build read, merged, rejected and warned about."""

    records_read: int
    papers: int
    merged: list[dict[str, object]] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    unsorted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    matched: dict[str, tuple[Match, ...]] = field(default_factory=dict)
    """The rules that put each paper in its topics (papers that no rule matched are left out)."""

    @classmethod
    def from_pipeline(
        cls,
        records_read: int,
        papers: list[Paper],
        rejected: list[Rejection],
        warnings: list[str],
        matched: dict[str, tuple[Match, ...]] | None = None,
    ) -> Report:
        """Build the report from the pipeline's results."""
        return cls(
            records_read=records_read,
            papers=len(papers),
            merged=[
                {"id": p.id, "origins": [str(o) for o in p.origins]}
                for p in papers
                if len(p.origins) > 1
            ],
            rejected=[{"origin": str(r.origin), "reason": r.reason} for r in rejected],
            unsorted=sorted(p.id for p in papers if not p.topics),
            warnings=list(warnings),
            matched=dict(sorted((matched or {}).items())),
        )

    @property
    def merged_records(self) -> int:
        """Return how many records were merged into another record's paper."""
        return sum(len(m["origins"]) - 1 for m in self.merged)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """Return the report as JSON text."""
        data = {
            "records_read": self.records_read,
            "papers": self.papers,
            "merged": self.merged,
            "rejected": self.rejected,
            "unsorted": self.unsorted,
            "warnings": self.warnings,
            "matched": {pid: [m.as_json() for m in found] for pid, found in self.matched.items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
