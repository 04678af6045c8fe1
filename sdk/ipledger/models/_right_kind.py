"""The kinds of rights: a plain enum that needs no web3 or pydantic, so the CLI's options can name it at startup."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RightKind"]


class RightKind(StrEnum):
    """Kinds of rights, in the order of the contract's ``Kind`` enum."""

    PATENT = "patent"
    PATENT_APPLICATION = "patent_application"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"
    TRADEMARK = "trademark"
    COPYRIGHT = "copyright"
    TRADE_SECRET = "trade_secret"
    SHORT_TERM_PATENT = "short_term_patent"

    @property
    def chain_value(self) -> int:
        """The value of this kind in the contract's ``Kind`` enum."""
        return list(RightKind).index(self)

    @classmethod
    def from_chain(cls, value: int) -> RightKind:
        return list(cls)[value]
