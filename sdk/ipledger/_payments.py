"""Payment tokens: balances and details of any ERC-20, and the open-mint test stablecoin of local chains."""

from __future__ import annotations

from ._amounts import require_units
from ._base import LedgerBase
from ._exceptions import InvalidInputError
from ._models import TokenInfo, TransactionResult
from ._node import LOCAL_CHAIN_ID

__all__ = ["PaymentsMixin"]


class PaymentsMixin(LedgerBase):
    """ERC-20 payment tokens; ``token=None`` means the default one (tUSD on the local chain)."""

    def _payment_address(self, token: str | None) -> str:
        return str(self.stablecoin.address) if token is None else self.address_of(token)

    def token_info(self, token: str | None = None) -> TokenInfo:
        """Name, symbol and decimals of an ERC-20 (default: the default payment token)."""
        address = self._payment_address(token)
        contract = self._erc20(address)
        if not self._get_code(address):
            raise InvalidInputError(f"no contract at {address}: not an ERC-20 payment token")
        return TokenInfo(
            address=address,
            name=str(self._read(contract.functions.name(), "read token name")),
            symbol=str(self._read(contract.functions.symbol(), "read token symbol")),
            decimals=int(self._read(contract.functions.decimals(), "read token decimals")),
        )

    def payment_balance(self, token: str | None, account: str) -> int:
        """``account``'s balance of the ERC-20 ``token`` (``None``: the default payment token), in base units."""
        contract = self._erc20(self._payment_address(token))
        return int(self._read(contract.functions.balanceOf(self.address_of(account)), "read balance"))

    def mint_test_stablecoin(self, to: str, amount: int) -> TransactionResult:
        """Local chain only: mints ``amount`` base units of the test stablecoin tUSD (6 decimals) to ``to``."""
        if self.chain_id != LOCAL_CHAIN_ID:
            raise InvalidInputError(
                f"the test stablecoin exists only on the local chain (id {LOCAL_CHAIN_ID}), "
                f"not on chain {self.chain_id}"
            )
        require_units(amount)
        stablecoin = self.stablecoin
        if not self._code_matches(str(stablecoin.address), "TestStablecoin"):
            raise InvalidInputError(f"{stablecoin.address} is not the test stablecoin: only tUSD can be minted")
        return self._send(stablecoin.functions.mint(self.address_of(to), amount), "mint tUSD")
