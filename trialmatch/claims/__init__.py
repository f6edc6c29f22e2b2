"""Claim extraction (issue #3): documents -> claims and figures."""

from trialmatch.claims.model import Arm, Claim, DateSpan, DocumentClaims, Figure, FollowUp

__all__ = ["Arm", "Claim", "DateSpan", "DocumentClaims", "Figure", "FollowUp"]
