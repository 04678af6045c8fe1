"""What every sub-client of a :class:`~ipledger.Ledger` holds: the ledger it belongs to and its chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from ipledger._renames import RETYPED

if TYPE_CHECKING:
    from ipledger.chain._chain import Chain

    from ._ledger import Ledger

__all__ = ["SubClient"]

#: What code written for the web3.py contract this name used to hold would ask of it.
_CONTRACT_ATTRIBUTES = frozenset(
    {"functions", "events", "address", "caller", "abi", "encode_abi", "get_function_by_name", "all_functions", "w3"}
)


class SubClient:
    """One concern of a :class:`~ipledger.Ledger` (``ledger.rights``, ``ledger.shares``...), in the manner of
    web3.py's modules attached to ``w3``: it reads and sends through the ledger's :class:`~ipledger.Chain` and
    reaches the other concerns through the ledger's public sub-clients."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._chain: Chain = ledger.chain

    #: The concern's name under the ledger (``"licenses"``).
    name: str = ""

    @property
    def was_contract(self) -> str | None:
        """Where the contract this name held before the sub-clients is now (``"contracts.licenses"``), if any."""
        return RETYPED.get(self.name)

    if not TYPE_CHECKING:  # at run time only: the type checker keeps refusing unknown names

        def __getattr__(self, attribute: str) -> NoReturn:
            if self.was_contract is not None and attribute in _CONTRACT_ATTRIBUTES:
                raise AttributeError(
                    f"ledger.{self.name} is the {self.name} sub-client now; the contract it was is "
                    f"ledger.{self.was_contract} (see CHANGELOG.md)"
                )
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {attribute!r}")
