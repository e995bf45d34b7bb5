"""Places and settlement sites, their facilities and the site ledgers of the policy (三、1)."""

from .assets import AssetDistribution, AssetIncome, DistributionUse, ProjectAsset
from .facilities import Facility, FacilityMaintenance, FacilityType
from .governance import CommunityActivity, DisputeMediation
from .hazards import HazardPhoto, SafetyHazard
from .requests import ResidentRequest
from .sites import Settlement, SettlementQuerySet, Township, Village, division_code

__all__ = [
    "AssetDistribution", "AssetIncome", "CommunityActivity", "DisputeMediation", "DistributionUse", "Facility",
    "FacilityMaintenance", "FacilityType", "HazardPhoto", "ProjectAsset", "ResidentRequest", "SafetyHazard",
    "Settlement", "SettlementQuerySet", "Township", "Village", "division_code",
]  # fmt: skip
