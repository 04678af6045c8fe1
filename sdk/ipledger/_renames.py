"""Where each name of the old one-class ``Ledger`` (before the sub-clients) lives now: the table the README and
CHANGELOG print and the error an old name raises (``ledger.freeze_shares`` → ``ledger.compliance.freeze``)."""

from __future__ import annotations

__all__ = ["MOVED", "RETYPED"]

#: Old ``Ledger`` attribute -> its new place, from ``ledger``.
MOVED: dict[str, str] = {
    # rights
    "prepare": "rights.prepare",
    "register_request": "rights.register_request",
    "sign_voucher": "rights.sign_voucher",
    "register_with_voucher": "rights.register_with_voucher",
    "commit_claim": "rights.commit_claim",
    "reveal_claim": "rights.reveal_claim",
    "claim": "rights.claim",
    "add_numbers": "rights.add_numbers",
    "open_number": "rights.open_number",
    "publish_metadata": "rights.publish_metadata",
    "assign": "rights.assign",
    "transfer": "rights.transfer",
    "freeze": "rights.freeze",
    "unfreeze": "rights.unfreeze",
    "force_transfer": "rights.force_transfer",
    "revoke": "rights.revoke",
    "resolve": "rights.resolve",
    "token_of_number": "rights.token_of_number",
    "register_bulk": "rights.register_bulk",
    # shares
    "share_token": "shares.token",
    "share_info": "shares.info",
    "fractionalize": "shares.fractionalize",
    "share_balance": "shares.balance",
    "transfer_shares": "shares.transfer",
    "sign_permit": "shares.sign_permit",
    "submit_permit": "shares.submit_permit",
    "redeem": "shares.redeem",
    "cap_table": "shares.cap_table",
    # compliance
    "verify_investor": "compliance.verify_investor",
    "register_venue": "compliance.register_venue",
    "revoke_identity": "compliance.revoke_identity",
    "block_country": "compliance.block_country",
    "is_country_blocked": "compliance.is_country_blocked",
    "identity": "compliance.identity",
    "is_compliance_officer": "compliance.is_officer",
    "frozen_shares": "compliance.frozen",
    "freeze_shares": "compliance.freeze",
    "unfreeze_shares": "compliance.unfreeze",
    "force_transfer_shares": "compliance.force_transfer",
    "recover_wallet": "compliance.recover",
    "set_restricted": "compliance.set_restricted",
    # market
    "fresh_nonce": "market.fresh_nonce",
    "order_hash": "market.order_hash",
    "create_order": "market.create_order",
    "approve_order": "market.approve_order",
    "order_status": "market.order_status",
    "fill_order": "market.fill_order",
    "cancel_order": "market.cancel_order",
    "cancel_orders_below": "market.cancel_orders_below",
    # payments
    "token_info": "payments.token_info",
    "payment_balance": "payments.balance",
    "mint_test_stablecoin": "payments.mint_test_stablecoin",
    # licences
    "grant_license": "licenses.grant",
    "revoke_license": "licenses.revoke",
    "license": "licenses.get",
    "licenses_of": "licenses.of",
    "is_licensed": "licenses.is_licensed",
    # attestations
    "attest": "attestations.attest",
    "sign_attestation": "attestations.sign",
    "submit_attestation": "attestations.submit",
    "revoke_attestation": "attestations.revoke",
    "cancel_attestation_nonce": "attestations.cancel_nonce",
    "attestation": "attestations.get",
    "attestations_of": "attestations.of",
    # disputes
    "dispute_settings": "disputes.settings",
    "raise_dispute": "disputes.open",
    "resolve_dispute": "disputes.resolve",
    "set_dispute_settings": "disputes.set_settings",
    "dispute": "disputes.get",
    "disputes_of": "disputes.of",
    # royalties
    "pay_royalty": "royalties.pay",
    "withdraw_royalties": "royalties.withdraw",
    "claim_share_royalties": "royalties.claim",
    "royalties_owed": "royalties.owed",
    "royalty_currencies": "royalties.currencies",
    # audit
    "verify_index": "audit.verify_index",
    # contracts and roles
    "registry": "contracts.registry",
    "registry_address": "contracts.registry_address",
    "deployment_block": "contracts.deployment_block",
    "vault": "contracts.vault",
    "desk": "contracts.desk",
    "stablecoin": "contracts.stablecoin",
    "grant_role": "contracts.grant_role",
    "has_role": "contracts.has_role",
    # the chain
    "w3": "chain.w3",
    "rpc_url": "chain.rpc_url",
    "chain_id_source": "chain.chain_id_source",
    "chain_time": "chain.chain_time",
}

#: Names that now mean something else: the old contract attribute became a sub-client of the same name.
RETYPED: dict[str, str] = {
    "compliance": "contracts.compliance",
    "licenses": "contracts.licenses",
    "royalties": "contracts.royalties",
    "attestations": "contracts.attestations",
    "disputes": "contracts.disputes",
}
