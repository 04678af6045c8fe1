"""The role table: every access-control role of the ipledger contracts, its on-chain id and the contract holding it.

The ids are ``keccak256`` of the role's name, as the contracts' ``Roles`` library defines them (``admin`` is
OpenZeppelin's ``DEFAULT_ADMIN_ROLE``, zero). Every part of the SDK and CLI that names, grants, checks or proves a
role reads it from here.
"""

from __future__ import annotations

from eth_utils.crypto import keccak

__all__ = [
    "DISPUTE_ROLE",
    "PLEDGE_ROLE",
    "ROLES",
    "ROLE_CONTRACTS",
    "ROLE_NAMES",
    "VERIFIER_ROLE",
    "role_id",
]


def role_id(name: str) -> bytes:
    """The 32-byte id of the contracts' role ``name`` (``"REGISTRAR_ROLE"``)."""
    return keccak(text=name)


#: The roles an account may be granted, by the name the SDK and CLI use (``grant_role("registrar", ...)``).
ROLES: dict[str, bytes] = {
    "admin": b"\x00" * 32,
    "registrar": role_id("REGISTRAR_ROLE"),
    "guardian": role_id("GUARDIAN_ROLE"),
    "compliance_officer": role_id("COMPLIANCE_OFFICER_ROLE"),
    "attestor": role_id("ATTESTOR_ROLE"),
    "arbitrator": role_id("ARBITRATOR_ROLE"),
}
#: The registry roles its modules hold: the attestation registry's (title attestations confirm claims), the
#: dispute manager's (it locks transfers and applies rulings) and the loan desk's (it pledges rights, releases them
#: and delivers them at an enforcement sale).
VERIFIER_ROLE = role_id("VERIFIER_ROLE")
DISPUTE_ROLE = role_id("DISPUTE_ROLE")
PLEDGE_ROLE = role_id("PLEDGE_ROLE")
#: Roles held elsewhere than in the IP registry: role -> the contract (its name under ``ledger.contracts``).
ROLE_CONTRACTS: dict[str, str] = {
    "compliance_officer": "compliance",
    "attestor": "attestations",
    "arbitrator": "disputes",
}
#: Every role id the contracts know, by its name: the granted roles and the modules'.
ROLE_NAMES: dict[bytes, str] = {
    **{value: name for name, value in ROLES.items()},
    VERIFIER_ROLE: "verifier",
    DISPUTE_ROLE: "dispute",
    PLEDGE_ROLE: "pledge",
}
