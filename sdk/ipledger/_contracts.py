"""``ledger.contracts``: the attached contracts as web3.py objects, and who holds which role in them."""

from __future__ import annotations

from web3.contract import Contract

from ipledger.chain._roles import ROLES
from ipledger.models._models import TransactionResult

from ._client import SubClient

__all__ = ["Contracts"]


class Contracts(SubClient):
    """``ledger.contracts``: the raw web3.py contracts of the deployment (``registry``, ``vault``, ``compliance``,
    ``desk``, ``stablecoin``, ``licenses``, ``royalties``, ``attestations``, ``disputes``, ``loans``) for calls the
    SDK does not wrap, and the role table's :meth:`grant_role` / :meth:`has_role`. Each raises
    :class:`~ipledger.RegistryError` naming how to attach it when it is not attached."""

    name = "contracts"

    @property
    def registry(self) -> Contract:
        """The IP registry (ERC-721)."""
        return self._chain.registry

    @property
    def registry_address(self) -> str:
        """The registry's checksummed address."""
        return self._chain.registry_address

    @property
    def deployment_block(self) -> int:
        """The block the registry was deployed in: where log queries start."""
        return self._chain.deployment_block

    @property
    def vault(self) -> Contract:
        """The share vault (FractionVault) that fractionalizes rights."""
        return self._chain.vault

    @property
    def compliance(self) -> Contract:
        """The compliance registry the vault's share tokens consult (found through the vault)."""
        return self._chain.compliance

    @property
    def desk(self) -> Contract:
        """The settlement desk that settles signed orders."""
        return self._chain.desk

    @property
    def stablecoin(self) -> Contract:
        """The default payment token (tUSD on the local chain)."""
        return self._chain.stablecoin

    @property
    def licenses(self) -> Contract:
        """The licence registry (found through the share vault's royalty vault)."""
        return self._chain.licenses

    @property
    def royalties(self) -> Contract:
        """The royalty vault (found through the share vault)."""
        return self._chain.royalties

    @property
    def attestations(self) -> Contract:
        """The attestation registry: the shipped contract holding the registry's verifier role."""
        return self._chain.attestations

    @property
    def disputes(self) -> Contract:
        """The dispute manager: the shipped contract holding the registry's dispute role."""
        return self._chain.disputes

    @property
    def loans(self) -> Contract:
        """The loan desk: the shipped contract holding the registry's pledge role."""
        return self._chain.loans

    def grant_role(self, role: str, account: str) -> TransactionResult:
        """Admin: grants ``role`` (admin, registrar, guardian of the registry; compliance_officer of the compliance
        registry; attestor of the attestation registry; arbitrator of the dispute manager) to ``account``."""
        contract = self._chain.role_contract(role)
        return self._chain.send(
            contract.functions.grantRole(ROLES[role], self._chain.address_of(account)), f"grant {role}"
        )

    def has_role(self, role: str, account: str) -> bool:
        """Whether ``account`` holds ``role`` (a name of the role table) where it is granted."""
        return self._chain.has_role(role, account)
