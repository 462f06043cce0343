from tenders.models.award import AwardDecision, AwardLine, Objection, ObjectionDocument
from tenders.models.bid import Bid, BidBudgetLine, BidDocument, BidSection, BidStaff
from tenders.models.bulk import BulkFile
from tenders.models.clarification import Clarification
from tenders.models.evaluation import (
    Declaration,
    Evaluation,
    ModerationNote,
    PanelMember,
    Score,
    ScoreSheet,
    Screening,
    ScreeningLine,
)
from tenders.models.opening import (
    CommitteeShare,
    GivenShare,
    OpeningKey,
    SealedBid,
    TenderKey,
)
from tenders.models.release import Release
from tenders.models.tender import (
    Amendment,
    ReferenceCounter,
    Tender,
    TenderCriterion,
    TenderDocument,
)

__all__ = [
    "AwardDecision",
    "AwardLine",
    "Declaration",
    "Evaluation",
    "ModerationNote",
    "Objection",
    "ObjectionDocument",
    "PanelMember",
    "Score",
    "ScoreSheet",
    "Screening",
    "ScreeningLine",
    "Amendment",
    "Bid",
    "BulkFile",
    "BidBudgetLine",
    "BidDocument",
    "BidSection",
    "BidStaff",
    "Clarification",
    "CommitteeShare",
    "GivenShare",
    "OpeningKey",
    "SealedBid",
    "TenderKey",
    "ReferenceCounter",
    "Release",
    "Tender",
    "TenderCriterion",
    "TenderDocument",
]
