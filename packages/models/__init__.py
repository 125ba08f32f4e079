"""The models of the packages app, one module per concept; every model is importable from here."""

from packages.models.collections import Collection, CollectionItem
from packages.models.dependencies import GameSupport, PackageDependency
from packages.models.notifications import (
    EmailFrequency,
    EmailPreference,
    EmailState,
    Notification,
    NotificationKind,
    PackageWatch,
)
from packages.models.package import (
    LUANTI_TYPES,
    MAX_LABELS,
    AIDisclosure,
    DevState,
    Package,
    PackageAlias,
    PackageState,
    PackageType,
)
from packages.models.reference import (
    ContentWarning,
    Language,
    License,
    LuantiVersion,
    MetaPackage,
    Tag,
)
from packages.models.reviews import Report, ReportReason, Review
from packages.models.screenshots import Screenshot
from packages.models.stats import PackageDailyStats
from packages.models.threads import Thread, ThreadKind, ThreadReply
from packages.models.translations import PackageTranslation

__all__ = [
    "LUANTI_TYPES",
    "MAX_LABELS",
    "AIDisclosure",
    "Collection",
    "CollectionItem",
    "ContentWarning",
    "DevState",
    "EmailFrequency",
    "EmailPreference",
    "EmailState",
    "GameSupport",
    "Language",
    "License",
    "LuantiVersion",
    "MetaPackage",
    "Notification",
    "NotificationKind",
    "Package",
    "PackageAlias",
    "PackageDailyStats",
    "PackageDependency",
    "PackageState",
    "PackageTranslation",
    "PackageType",
    "PackageWatch",
    "Report",
    "ReportReason",
    "Review",
    "Screenshot",
    "Tag",
    "Thread",
    "ThreadKind",
    "ThreadReply",
]
