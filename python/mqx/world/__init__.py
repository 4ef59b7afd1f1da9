"""Deterministic synthetic B2B world for mqx: raw tables in landing-contract shape + truth."""

from .config import WorldConfig
from .generate import generate

__all__ = ["WorldConfig", "generate"]
