"""The one EIP-712 signer: every typed message the SDK signs (registration vouchers, share permits, attestations,
orders, loan offers) is encoded here, bound to a contract's domain (name, version, the chain id, the contract's
address)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_account.datastructures import SignedMessage
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils.crypto import keccak

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ipledger.chain._chain import Chain

__all__ = [
    "ATTESTATIONS_DOMAIN",
    "DESK_DOMAIN",
    "LOANS_DOMAIN",
    "REGISTRY_DOMAIN",
    "Domain",
    "domain_separator",
    "sign_typed",
    "sign_typed_data",
    "typed_digest",
    "typed_message",
]

TypeTable = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain's name and version, as a contract declares them (the chain id and address are bound at
    signing)."""

    name: str
    version: str = "1"


REGISTRY_DOMAIN = Domain("IPLedger Registry")
ATTESTATIONS_DOMAIN = Domain("IPLedger Attestations")
DESK_DOMAIN = Domain("IPLedger Settlement")
LOANS_DOMAIN = Domain("IPLedger Loans")


def typed_message(
    domain: Domain, *, chain_id: int, contract: str, types: TypeTable, message: dict[str, Any]
) -> SignableMessage:
    """``message`` of ``types`` in ``domain`` at ``contract`` on ``chain_id``, ready to sign or hash."""
    return encode_typed_data(
        domain_data={
            "name": domain.name,
            "version": domain.version,
            "chainId": chain_id,
            "verifyingContract": contract,
        },
        message_types=types,
        message_data=message,
    )


def typed_digest(signable: SignableMessage) -> bytes:
    """The 32-byte EIP-712 digest a signature of ``signable`` signs (what contracts track, as an order's hash)."""
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_typed(account: LocalAccount, signable: SignableMessage) -> SignedMessage:
    """``signable`` signed by ``account``."""
    return account.sign_message(signable)


def sign_typed_data(
    chain: Chain, domain: Domain, contract: str, types: TypeTable, message: dict[str, Any], *, action: str
) -> SignedMessage:
    """``message`` signed by ``chain``'s signer for ``contract``, after the node was asked that it still reports
    the chain id the signature binds (:meth:`~ipledger.Chain.check_chain`)."""
    signable = typed_message(
        domain, chain_id=chain.check_chain(action), contract=contract, types=types, message=message
    )
    return sign_typed(chain.signer.account, signable)


def domain_separator(domain: Domain, *, chain_id: int, contract: str) -> bytes:
    """The EIP-712 domain separator of ``domain`` at ``contract`` on ``chain_id``, as the contract caches it."""
    return keccak(
        keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        + keccak(text=domain.name)
        + keccak(text=domain.version)
        + chain_id.to_bytes(32, "big")
        + bytes.fromhex(contract.removeprefix("0x")).rjust(32, b"\0")
    )
