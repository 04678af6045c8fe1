"""Payment tokens: balances and details of any ERC-20, and the open-mint test stablecoin of local chains."""

from __future__ import annotations

from ipledger.models._amounts import require_units
from ipledger.models._models import TokenInfo, TransactionResult
from ipledger.node._node import LOCAL_CHAIN_ID

from ._client import SubClient
from ._exceptions import InvalidInputError

__all__ = ["Payments"]


class Payments(SubClient):
    """ERC-20 payment tokens; ``token=None`` means the default one (tUSD on the local chain)."""

    name = "payments"

    def _payment_address(self, token: str | None) -> str:
        return str(self._chain.stablecoin.address) if token is None else self._chain.address_of(token)

    def token_info(self, token: str | None = None) -> TokenInfo:
        """Name, symbol and decimals of an ERC-20 (default: the default payment token)."""
        address = self._payment_address(token)
        contract = self._chain.erc20(address)
        if not self._chain.get_code(address):
            raise InvalidInputError(f"no contract at {address}: not an ERC-20 payment token")
        return TokenInfo(
            address=address,
            name=str(self._chain.read(contract.functions.name(), "read token name")),
            symbol=str(self._chain.read(contract.functions.symbol(), "read token symbol")),
            decimals=int(self._chain.read(contract.functions.decimals(), "read token decimals")),
        )

    def balance(self, token: str | None, account: str) -> int:
        """``account``'s balance of the ERC-20 ``token`` (``None``: the default payment token), in base units."""
        contract = self._chain.erc20(self._payment_address(token))
        return int(self._chain.read(contract.functions.balanceOf(self._chain.address_of(account)), "read balance"))

    def test_currencies(self) -> dict[str, str]:
        """The local chain's open-mint test currencies by symbol: ``tUSD`` (the default payment token), ``tHKD``
        and ``tCNH`` (6 decimals each); empty on other chains."""
        if self._chain.chain_id != LOCAL_CHAIN_ID:
            return {}
        found = {symbol: str(contract.address) for symbol, contract in self._chain.test_currencies.items()}
        stablecoin = self._chain.optional("stablecoin")
        return {**({"tUSD": str(stablecoin.address)} if stablecoin is not None else {}), **found}

    def mint_test_stablecoin(self, to: str, amount: int, *, currency: str = "tUSD") -> TransactionResult:
        """Local chain only: mints ``amount`` base units (6 decimals) of the test currency ``currency`` (``tUSD``,
        ``tHKD`` or ``tCNH``) to ``to``."""
        if self._chain.chain_id != LOCAL_CHAIN_ID:
            raise InvalidInputError(
                f"the test stablecoin exists only on the local chain (id {LOCAL_CHAIN_ID}), "
                f"not on chain {self._chain.chain_id}"
            )
        require_units(amount)
        if currency == "tUSD":
            token = self._chain.stablecoin
            if not self._chain.code_matches(str(token.address), "TestStablecoin"):
                raise InvalidInputError(f"{token.address} is not the test stablecoin: only tUSD can be minted")
        elif currency in self._chain.test_currencies:
            token = self._chain.test_currencies[currency]
        else:
            known = ", ".join(["tUSD", *sorted(self._chain.test_currencies)])
            raise InvalidInputError(f"field 'currency': {currency!r} is not a test currency here; expected {known}")
        return self._chain.send(token.functions.mint(self._chain.address_of(to), amount), f"mint {currency}")
