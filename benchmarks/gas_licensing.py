"""Gas of the licence registry: grants of growing scope, the conflict scan over ten licences, and revocation.

Called by ``gas.py`` in the same run and on the same node as the registry figures. Every right here is registered
to account 1, who grants; licensees are accounts 2 to 5. One licence is granted on a throwaway right first, so the
rows measure the steady state (the contract's licence counter is already non-zero) and only "first licence of a
right" pays for opening the right's id list.
"""

from __future__ import annotations

from typing import Any

from _bench import EVIDENCE, Bench, Row, token_of
from ipledger._artifacts import load_artifact
from web3 import Web3

NON_EXCLUSIVE, SOLE, EXCLUSIVE = range(3)
AGREEMENT = Web3.keccak(text="licence agreement")
PHARMA = Web3.keccak(text="pharmaceuticals")
AGRI = Web3.keccak(text="agriculture")
ZERO_FIELD = b"\x00" * 32
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
TEN_COUNTRIES = [b"AT", b"BE", b"CH", b"DE", b"ES", b"FR", b"IT", b"NL", b"PL", b"SE"]


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def _terms(
    licensee: str,
    exclusivity: int = NON_EXCLUSIVE,
    territories: list[bytes] | None = None,
    field: bytes = ZERO_FIELD,
    royalty: tuple[int, str] = (0, ZERO_ADDRESS),
) -> tuple[Any, ...]:
    """ILicenseRegistry.Terms, open-ended from time 0."""
    return (licensee, AGREEMENT, exclusivity, territories or [], field, 0, 0, False, royalty[0], royalty[1])


def measure_licensing(bench: Bench) -> list[Row]:
    """Grants (worldwide non-exclusive; exclusive with three territories, a field and a royalty; against ten
    licences) and revocations."""
    accounts = bench.accounts
    registry = _deploy(bench, "IPRegistry", accounts[0])
    licenses = _deploy(bench, "LicenseRegistry", registry.address)
    stablecoin = _deploy(bench, "TestStablecoin")
    fn = licenses.functions

    def right() -> int:
        registration = bench.registration(expiry=0)
        bench.gas(registry.functions.register(accounts[1], registration))
        return token_of(registration)

    def grant(token_id: int, terms: tuple[Any, ...]) -> int:
        return bench.gas(fn.grant(token_id, terms), 1)

    grant(right(), _terms(accounts[2]))  # warm-up: the licence counter leaves zero

    worldwide = right()
    rows = [
        Row("licence grant: worldwide non-exclusive (first of the right)", grant(worldwide, _terms(accounts[2]))),
        Row("licence grant: worldwide non-exclusive (second of the right)", grant(worldwide, _terms(accounts[3]))),
    ]

    scoped = right()
    grant(scoped, _terms(accounts[2], territories=[b"JP"]))
    rows.append(
        Row(
            "licence grant: exclusive, 3 territories + field + royalty (second of the right)",
            grant(
                scoped,
                _terms(accounts[3], EXCLUSIVE, [b"US", b"DE", b"FR"], PHARMA, (500, stablecoin.address)),
            ),
        )
    )

    named = right()
    grant(named, _terms(accounts[2], territories=[b"JP"]))
    rows.append(
        Row(
            "licence grant: the same, its field named in clear (LicenseFieldOfUse)",
            bench.gas(
                fn.grant(
                    named,
                    _terms(accounts[3], EXCLUSIVE, [b"US", b"DE", b"FR"], PHARMA, (500, stablecoin.address)),
                    "pharmaceuticals",
                ),
                1,
            ),
        )
    )

    def crowded() -> int:
        """A right with ten non-exclusive licences, one country each, all in one field."""
        token_id = right()
        for index, country in enumerate(TEN_COUNTRIES):
            grant(token_id, _terms(accounts[2 + index % 3], territories=[country], field=PHARMA))
        return token_id

    rows.append(
        Row(
            "licence grant: non-exclusive checked against 10 licences",
            grant(crowded(), _terms(accounts[5], territories=[b"GB"], field=PHARMA)),
        )
    )
    rows.append(
        Row(
            "licence grant: exclusive (1 territory + field) checked against 10 licences",
            grant(crowded(), _terms(accounts[5], EXCLUSIVE, [b"US"], PHARMA)),
        )
    )

    rows.append(Row("licence revoke (by the owner)", bench.gas(fn.revoke(1, EVIDENCE), 1)))
    rows.append(Row("licence revoke (by a registrar)", bench.gas(fn.revoke(2, EVIDENCE), 0)))
    return rows
