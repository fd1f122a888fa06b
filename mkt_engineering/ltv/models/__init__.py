"""Probabilistic customer-base models, one per module, all fitted by maximum likelihood."""

from mkt_engineering.ltv.models.bgbb import BetaGeoBetaBinom
from mkt_engineering.ltv.models.bgnbd import BetaGeo
from mkt_engineering.ltv.models.gammagamma import GammaGamma, spend_frequency_check
from mkt_engineering.ltv.models.mbgnbd import ModifiedBetaGeo
from mkt_engineering.ltv.models.paretonbd import ParetoNBD
from mkt_engineering.ltv.models.sbg import ShiftedBetaGeo

PURCHASE_MODELS = {"bgnbd": BetaGeo, "mbgnbd": ModifiedBetaGeo, "paretonbd": ParetoNBD}

__all__ = [
    "PURCHASE_MODELS",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "ShiftedBetaGeo",
    "spend_frequency_check",
]
