"""Custody changes through the SDK: assignment with deed, freeze, forced transfer, decoded refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import (
    InvalidInputError,
    IPMetadata,
    Ledger,
    RevokedRightError,
    RightStatus,
    TokenFrozenError,
    UnauthorizedError,
    UnknownTokenError,
    hash_file,
)

#: End-to-end flows: also run on anvil with a block a second (make test-nodes).
pytestmark = pytest.mark.flow

Patent = tuple[IPMetadata, list[Path]]


@pytest.fixture
def deed(tmp_path: Path) -> Path:
    path = tmp_path / "deed.pdf"
    path.write_bytes(b"%PDF-1.7 deed of assignment")
    return path


def test_assign_moves_the_right_and_records_the_deed(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    assert ledger.get(token).owner == ledger.address_of("dev2")
    assignment = ledger.history(token).events[-1]
    assert assignment.kind == "assignment"
    assert assignment.deed_hash == "0x" + hash_file(deed).hex()


def test_assign_by_stranger_is_refused(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    with pytest.raises(UnauthorizedError, match="NotOwnerNorApproved"):
        ledger.use("dev4").rights.assign(token, "dev4", deed)


def test_frozen_right_cannot_move_until_unfrozen(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.rights.freeze(token, deed)
    assert ledger.get(token).status is RightStatus.FROZEN
    with pytest.raises(TokenFrozenError) as caught:
        ledger.use("dev1").rights.assign(token, "dev2", deed)
    assert caught.value.error_args["tokenId"] == token
    with pytest.raises(TokenFrozenError):
        ledger.use("dev1").rights.transfer(token, "dev2")
    ledger.rights.unfreeze(token, deed)
    ledger.use("dev1").rights.transfer(token, "dev2")
    assert ledger.get(token).owner == ledger.address_of("dev2")


def test_force_transfer_moves_a_frozen_right(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.rights.freeze(token, deed)
    ledger.rights.force_transfer(token, "dev4", deed)
    record = ledger.get(token)
    assert record.owner == ledger.address_of("dev4")
    assert record.status is RightStatus.FROZEN


def test_freeze_by_non_registrar_is_refused(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    with pytest.raises(UnauthorizedError, match="AccessControlUnauthorizedAccount"):
        ledger.use("dev1").rights.freeze(token, deed)


def test_unknown_token_is_a_named_error(ledger: Ledger) -> None:
    with pytest.raises(UnknownTokenError):
        ledger.get(12345)
    with pytest.raises(UnknownTokenError):
        ledger.history("0x3039")


@pytest.mark.parametrize("token", ["abc", "0xZZ", "-5", "0", str(2**256)])
def test_malformed_token_id_is_invalid_input(ledger: Ledger, token: str) -> None:
    with pytest.raises(InvalidInputError):
        ledger.get(token)


@pytest.mark.parametrize("address", ["0x123", "0x" + "g" * 40, "0x8Ba1f109551bD432803012645Ac136ddd64DBA72", "alice"])
def test_malformed_recipient_is_invalid_input(ledger: Ledger, patent: Patent, address: str) -> None:
    metadata, documents = patent
    with pytest.raises(InvalidInputError):
        ledger.register(metadata, documents, to=address)


def test_revoke_burns_the_right_and_history_records_the_order(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.rights.freeze(token, deed)
    ledger.rights.revoke(token, deed)
    revoked = ledger.get(token)  # still readable: revoked when, by whom, under which order, who held it
    assert revoked.status is RightStatus.REVOKED and revoked.owner == ledger.address_of("dev1")
    assert (revoked.revoked_by, revoked.revocation_order) == (ledger.signer.address, "0x" + hash_file(deed).hex())
    assert revoked.title == metadata.title
    revocation = ledger.history(token).events[-1]
    assert (revocation.kind, revocation.by) == ("revoked", ledger.signer.address)
    assert revocation.order_hash == "0x" + hash_file(deed).hex()


def test_revoke_by_non_registrar_is_refused(ledger: Ledger, patent: Patent, deed: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    with pytest.raises(UnauthorizedError, match="AccessControlUnauthorizedAccount"):
        ledger.use("dev1").rights.revoke(token, deed)
    assert ledger.get(token).owner == ledger.address_of("dev1")


def test_voucher_signed_before_revocation_is_void_and_a_registrar_registers_again(
    ledger: Ledger, patent: Patent, deed: Path
) -> None:
    metadata, documents = patent
    request = ledger.rights.prepare(metadata, documents)
    token = ledger.register(metadata, documents, to="dev1").token_id
    voucher = ledger.rights.sign_voucher(request, to="dev2")
    revoked = ledger.rights.revoke(token, deed)
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(RevokedRightError) as caught:
        ledger.use("dev2").rights.register_with_voucher(voucher)
    assert caught.value.revoked_at_block == revoked.block
    assert ledger.chain.w3.eth.block_number == head
    assert ledger.register(metadata, documents, to="dev3").token_id == token
    assert ledger.get(token).owner == ledger.address_of("dev3")
