"""Deploying the ipledger contracts beside a registry (the share contracts, the licence, royalty, attestation and
dispute modules, the loan desk, the roles they need and the links between them) as one pipelined, resumable run.

A deployment is a plan sent at once, not one transaction after another:

1. **Plan.** The contracts to create, then the calls that wire them (role grants, links), each given the deployer's
   next nonce in turn. A contract's address follows from the deployer and its nonce (CREATE), so the calls that
   name it are encoded before anything is mined.
2. **Sign.** A creation gets the node's estimate: no constructor calls another contract, so the estimate holds
   whatever is created before it. A call gets a fixed gas (:data:`CALL_GAS`, twice what it was measured to use;
   unused gas is not paid), since the contract it calls may not exist yet when it is signed.
3. **Journal.** The plan (each step's nonce, name, expected address and transaction hash) is written to
   ``$IPLEDGER_HOME/deployments/pending/<chain>-<deployer>.json`` before the first transaction leaves.
4. **Send** every transaction in nonce order without waiting, then collect the receipts in batches: the chain runs
   them in nonce order, several per block. A step that failed is reported by its name, in one line. The journal is
   removed once every step succeeded.

**Resume.** A deployment cut off (the process killed, a transaction refused, failed or not mined in time) is
finished by running it again with the same deployer, chain and admin: the deployer's pending transactions are waited
for, each journalled contract whose creation was mined and whose constructor arguments still hold is kept, each link
is checked on chain (``hasRole``, ``fractionVault()``, ``isCreditor``, ``royaltyVault()``, ``identityOf``), and only
what is missing is planned and sent, with fresh nonces.

A single factory transaction is no option: the contracts together exceed both the contract-size and the
per-transaction gas limits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rlp
from eth_typing import HexStr
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from pydantic import BaseModel
from web3.contract import Contract
from web3.contract.contract import ContractConstructor, ContractFunction

from ipledger._exceptions import InvalidInputError, IPLedgerError, TransactionError
from ipledger.chain._chain import REGISTRY_CONTRACT, TEST_CURRENCIES
from ipledger.chain._confirmations import await_confirmations
from ipledger.chain._fees import Fees, current_fees
from ipledger.chain._node_answers import ALREADY_KNOWN
from ipledger.chain._pipeline import PipelinedSender
from ipledger.chain._revert_reasons import find_revert
from ipledger.chain._roles import DISPUTE_ROLE, PLEDGE_ROLE, ROLES, VERIFIER_ROLE
from ipledger.chain._rpc import Rpc, RpcResponseError
from ipledger.models._hashing import hash_text
from ipledger.models._models import ZERO_ADDRESS, TransactionResult
from ipledger.node._deployment import deployment_journal_file, write_atomically
from ipledger.node._node import LOCAL_CHAIN_ID

from ._artifacts import load_artifact

if TYPE_CHECKING:
    from ipledger.chain._accounts import Signer
    from ipledger.chain._chain import Chain

__all__ = [
    "CALL_GAS",
    "LOAN_DESK_VENUE",
    "LOCAL_DISPUTE_BOND",
    "SHARE_VAULT_VENUE",
    "create_address",
    "deploy_all",
    "deploy_missing",
]

#: The dispute bond on a local chain: 100 tUSD (6 decimals).
LOCAL_DISPUTE_BOND = 100 * 10**6
#: The gas of each wiring call, by function: about twice what it was measured to use on anvil (grantRole 51,551,
#: setFractionVault 49,283, setCreditor 45,708, setRoyaltyVault 53,993, registerVenue 48,000); unused gas is not paid.
#: tests/sdk/test_deploy_pipeline.py checks that every call leaves at least a third of it unused.
CALL_GAS = {
    "grantRole": 100_000,
    "setFractionVault": 100_000,
    "setCreditor": 90_000,
    "setRoyaltyVault": 110_000,
    "registerVenue": 120_000,
}
#: The venues the deployment registers in the compliance registry (their SHA-256 is recorded): a venue wallet may hold
#: restricted shares, so the loan desk can hold them in pledge and the share vault in a buyout's escrow
#: (docs/buyout.md).
LOAN_DESK_VENUE = "ipledger loan desk: shares held in pledge"
SHARE_VAULT_VENUE = "ipledger share vault: shares tendered to a buyout held in escrow"
_GAS_MARGIN_NUMERATOR = 6
_GAS_MARGIN_DENOMINATOR = 5
#: Seconds without a new receipt after which the deployment stops waiting (a rerun waits for what is pending).
_RECEIPT_TIMEOUT = 180.0
_POLL_INTERVAL = 0.1
_DEFAULT_ADMIN = b"\x00" * 32
_VENUE_KIND = 2  # ICompliance.IdentityKind.Venue
_RESUME_HINT = "run the deployment again to finish it"


def create_address(sender: str, nonce: int) -> str:
    """The address of the contract ``sender`` creates with its transaction of ``nonce`` (CREATE)."""
    encoded = rlp.encode([bytes.fromhex(to_checksum_address(sender)[2:]), nonce])
    return to_checksum_address(keccak(encoded)[12:])


def deploy_all(chain: Chain, signer: Signer, admin: str, *, home: Path | None = None, pipelined: bool = True) -> None:
    """Deploys a new suite (registry first) from ``signer`` with ``admin`` holding its roles, and attaches to it;
    resumes an unfinished one of the same deployer, chain and admin journalled in ``home`` (default
    ``$IPLEDGER_HOME``). ``pipelined=False`` sends one transaction after another, each mined before the next is
    signed, as before the pipeline (kept for ``benchmarks/deploy.py``; nothing is journalled). Raises
    :class:`~ipledger.UnsupportedEvmError` before anything is sent on a chain whose EVM predates Cancun."""
    chain.require_evm("deploy")
    chain.deployment_transactions = {}
    chain.detach(
        "compliance", "vault", "desk", "stablecoin", "licenses", "attestations", "disputes", "royalties", "loans"
    )
    chain.test_currencies.clear()
    chain.modules_discovered = True
    _Deployment(chain, signer, admin, beside=None, home=home).run(pipelined=pipelined)


def deploy_missing(
    chain: Chain, signer: Signer, admin: str, *, home: Path | None = None, pipelined: bool = True
) -> None:
    """Deploys whichever contracts are not attached beside the attached registry and, when the signer is the
    registry's admin, grants the modules their registry roles (otherwise the admin must: see docs/licensing.md).
    When it deploys the dispute manager or the royalty vault, it also routes forfeited bonds through the royalty
    vault as far as the signer may: the royalty vault's deployer lists the manager as a creditor, then the manager's
    admin names the vault (an admin other than the signer calls ``setRoyaltyVault`` itself: see docs/licensing.md,
    "Bond flows"). Resumes as :func:`deploy_all` does."""
    chain.require_evm("deploy")
    _Deployment(chain, signer, admin, beside=chain.registry_address, home=home).run(pipelined=pipelined)


# ---------------------------------------------------------------------------- the journal


class _JournalStep(BaseModel):
    label: str
    nonce: int
    tx_hash: str
    #: A creation's expected address and the keccak-256 of its init code (bytecode and constructor arguments).
    address: str | None = None
    input_hash: str | None = None


class _Journal(BaseModel):
    """An unfinished deployment: who sends it, for which admin, beside which registry (``None``: a new suite)."""

    chain_id: int
    deployer: str
    admin: str
    beside: str | None
    steps: list[_JournalStep]


# ---------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Step:
    """One transaction of the plan: ``label`` names it in ``Deployment.transactions``, ``action`` in errors."""

    label: str
    action: str
    nonce: int
    call: ContractConstructor | ContractFunction
    data: str
    to: str | None = None
    #: A creation's address (CREATE, from the deployer and the nonce) and the keccak-256 of its init code.
    address: str | None = None
    input_hash: str | None = None
    #: A call's fixed gas (a creation's is estimated).
    gas: int | None = None


class _Deployment:
    """Plans, journals, sends and confirms one deployment (see the module docstring)."""

    def __init__(self, chain: Chain, signer: Signer, admin: str, *, beside: str | None, home: Path | None) -> None:
        self.chain = chain
        self.signer = signer
        self.admin = to_checksum_address(admin)
        self.deployer = to_checksum_address(signer.address)
        self.beside = beside
        self.journal_file = deployment_journal_file(chain.chain_id, self.deployer, home)
        self.steps: list[_Step] = []
        #: Steps of an earlier run that succeeded and still count (creations kept, links done), by label.
        self.kept: dict[str, _JournalStep] = {}
        self.kept_results: dict[str, TransactionResult] = {}
        #: Addresses of contracts this run creates (their state cannot be read yet).
        self.new: set[str] = set()
        self._nonce = 0

    # ------------------------------------------------------------------ the run

    def run(self, *, pipelined: bool) -> None:
        if pipelined:
            self._resume_earlier_run()
        self._nonce = int(self.chain.rpc.call("eth_getTransactionCount", [self.deployer, "pending"]), 16)
        slots = self._plan()
        if pipelined:
            self._send_pipelined()
        else:
            self._send_one_by_one()
        self._attach(slots)

    def _resume_earlier_run(self) -> None:
        """Reads the journal of an unfinished run of this deployment (same chain, deployer, admin and registry) and,
        once the deployer's pending transactions are mined, keeps the steps of it that succeeded."""
        try:
            journal = _Journal.model_validate_json(self.journal_file.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if (journal.chain_id, journal.deployer, journal.admin, journal.beside) != (
            self.chain.chain_id,
            self.deployer,
            self.admin,
            self.beside,
        ):
            return
        PipelinedSender(
            self.chain.rpc,
            self.chain.decoder,
            self.signer,
            chain_id=self.chain.chain_id,
            check_chain=self.chain.check_chain,
        ).wait_for_in_flight()
        receipts = self.chain.rpc.batch_settled(
            [("eth_getTransactionReceipt", [step.tx_hash]) for step in journal.steps]
        )
        for step, receipt in zip(journal.steps, receipts, strict=True):
            if not isinstance(receipt, dict) or int(receipt["status"], 16) != 1:
                continue
            if step.address is not None and str(receipt.get("contractAddress") or "").lower() != step.address.lower():
                continue
            self.kept[step.label] = step
            self.kept_results[step.label] = _result(step.tx_hash, receipt)

    def _plan(self) -> dict[str, Any]:
        """Lists the steps; returns the addresses to attach afterwards, by slot (``currencies``: a list)."""
        chain, admin = self.chain, self.admin
        local = chain.chain_id == LOCAL_CHAIN_ID
        slots: dict[str, Any] = {"currencies": []}
        if self.beside is None:
            registry = slots["registry"] = self._create(REGISTRY_CONTRACT, admin)
        else:
            registry = self.beside
        stablecoin = chain.attached_address("stablecoin")
        if stablecoin is None and local:
            stablecoin = slots["stablecoin"] = self._create("TestStablecoin")
        if local:
            for symbol, name in TEST_CURRENCIES.items():
                if symbol not in chain.test_currencies:
                    slots["currencies"].append(
                        self._create("TestCurrency", name, symbol, label=f"TestCurrency {symbol}")
                    )
        royalties = chain.attached_address("royalties")
        vault = compliance = None
        if chain.optional("vault") is None:
            compliance = self._create("ComplianceRegistry", admin)
            licenses = self._create("LicenseRegistry", registry)
            royalties = self._create("RoyaltyVault", registry, licenses)
            vault = slots["vault"] = self._create("FractionVault", registry, compliance, royalties)
        if chain.optional("desk") is None:
            slots["desk"] = self._create("SettlementDesk")
        attestations = disputes = None
        if chain.optional("attestations") is None:
            attestations = slots["attestations"] = self._create("AttestationRegistry", registry, admin)
        if chain.optional("disputes") is None:
            bond_token = stablecoin or ZERO_ADDRESS
            bond = LOCAL_DISPUTE_BOND if stablecoin is not None else 0
            disputes = slots["disputes"] = self._create("DisputeManager", registry, admin, bond_token, bond)
        loans = None
        share_vault = vault or chain.attached_address("vault")
        if chain.optional("loans") is None and share_vault is not None:
            loans = slots["loans"] = self._create("LoanDesk", registry, share_vault)
        # The wiring, each call planned unless an earlier run did it (read on chain where the contract exists).
        if vault is not None and royalties is not None:
            royalty_vault = self._contract("RoyaltyVault", royalties)
            if self._undone(royalties, lambda: self._read(royalty_vault.functions.fractionVault()) != vault):
                self._call(
                    "RoyaltyVault.setFractionVault", "link the royalty vault", royalty_vault, "setFractionVault", vault
                )
        if vault is not None and compliance is not None and admin == self.deployer:
            # The vault escrows tendered shares: a venue wallet, so restricted shares may be tendered (an admin
            # other than the deployer registers it: docs/buyout.md).
            registry_of_investors = self._contract("ComplianceRegistry", compliance)
            identity = registry_of_investors.functions.identityOf(vault)
            if self._undone(compliance, lambda: int(self._read(identity)[0]) != _VENUE_KIND):
                self._call(
                    "ComplianceRegistry.registerVenue FractionVault",
                    "register the share vault as the buyout escrow",
                    registry_of_investors,
                    "registerVenue",
                    vault,
                    hash_text(SHARE_VAULT_VENUE),
                )
        if disputes is not None and admin == self.deployer:
            manager = self._contract("DisputeManager", disputes)
            # The admin arbitrates until it appoints arbitrators (grant_role "arbitrator").
            if self._undone(disputes, lambda: not self._read(manager.functions.hasRole(ROLES["arbitrator"], admin))):
                self._call(
                    "DisputeManager.grantRole arbitrator",
                    "appoint the admin arbitrator",
                    manager,
                    "grantRole",
                    ROLES["arbitrator"],
                    admin,
                )
        self._grant_module_roles(registry, attestations, disputes, loans)
        if disputes is not None or (vault is not None and royalties is not None):
            self._link_bonds_to_royalties(disputes or chain.attached_address("disputes"), royalties)
        if loans is not None:
            self._register_loan_desk_venue(loans, compliance or chain.attached_address("compliance"))
        return slots

    def _grant_module_roles(
        self, registry: str, attestations: str | None, disputes: str | None, loans: str | None
    ) -> None:
        """The registry roles of new modules, granted when the deployer is the registry's admin."""
        contract = self._contract(REGISTRY_CONTRACT, registry)
        functions = contract.functions
        if registry in self.new:
            may_grant = self.admin == self.deployer
        else:
            may_grant = bool(self._read(functions.hasRole(_DEFAULT_ADMIN, self.deployer)))
        if not may_grant:
            return
        grants: list[tuple[bytes, str, str, str]] = []
        if attestations is not None:
            grants.append((VERIFIER_ROLE, "verifier", attestations, "AttestationRegistry"))
        if disputes is not None:
            grants.append((ROLES["registrar"], "registrar", disputes, "DisputeManager"))
            grants.append((DISPUTE_ROLE, "dispute", disputes, "DisputeManager"))
        if loans is not None:
            grants.append((PLEDGE_ROLE, "pledge", loans, "LoanDesk"))
        for role, role_name, account, module in grants:
            if self._undone(registry, partial(self._false, functions.hasRole(role, account))):
                self._call(
                    f"grantRole {role.hex()[:8]} {account}",
                    f"grant the {module} the registry's {role_name} role",
                    contract,
                    "grantRole",
                    role,
                    account,
                )

    def _register_loan_desk_venue(self, loans: str, compliance: str | None) -> None:
        """Registers the loan desk as a venue wallet of the compliance registry, so that it may hold restricted
        shares in pledge, when the deployer is a compliance officer there (otherwise an officer must:
        ``ipledger compliance register-venue``)."""
        if compliance is None:
            return
        contract = self._contract("ComplianceRegistry", compliance)
        functions = contract.functions
        if compliance in self.new:
            may_register = self.admin == self.deployer
        else:
            officer_role = ROLES["compliance_officer"]
            may_register = bool(self._read(functions.hasRole(officer_role, self.deployer)))
        if not may_register:
            return
        if self._undone(loans, lambda: int(self._read(functions.identityOf(loans))[0]) != _VENUE_KIND):
            self._call(
                "ComplianceRegistry.registerVenue LoanDesk",
                "register the loan desk as a venue wallet",
                contract,
                "registerVenue",
                loans,
                hash_text(LOAN_DESK_VENUE),
            )

    def _link_bonds_to_royalties(self, disputes: str | None, royalties: str | None) -> None:
        """Routes the dispute manager's forfeited bonds through the royalty vault, so that they reach the owner's
        royalty account or a fractionalized right's share holders (not the share vault, which could not move them),
        as far as the deployer may. Until both links are made, forfeited bonds go straight to the owner."""
        if disputes is None or royalties is None:
            return
        manager = self._contract("DisputeManager", disputes)
        vault = self._contract("RoyaltyVault", royalties)
        if disputes not in self.new and str(self._read(manager.functions.royaltyVault())) == royalties:
            return
        fresh_vault = royalties in self.new
        listed = False if fresh_vault else bool(self._read(vault.functions.isCreditor(disputes)))
        deployer = self.deployer if fresh_vault else str(self._read(vault.functions.deployer()))
        if not listed and deployer.lower() == self.deployer.lower():
            self._call(
                "RoyaltyVault.setCreditor DisputeManager",
                "list the dispute manager as creditor",
                vault,
                "setCreditor",
                disputes,
                True,
            )
            listed = True
        if disputes in self.new:
            may_route = self.admin == self.deployer
        else:
            may_route = bool(self._read(manager.functions.hasRole(_DEFAULT_ADMIN, self.deployer)))
        if listed and may_route:
            self._call("DisputeManager.setRoyaltyVault", "route forfeited bonds", manager, "setRoyaltyVault", royalties)

    def _create(self, name: str, *arguments: Any, label: str | None = None) -> str:
        """Plans the creation of the shipped contract ``name`` (or keeps the one an earlier run created with the same
        arguments); returns its address."""
        label = label or name
        artifact = load_artifact(name)
        constructor = self.chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode).constructor(*arguments)
        data = str(constructor.data_in_transaction)
        input_hash = "0x" + keccak(hexstr=data).hex()
        kept = self.kept.get(label)
        if kept is not None and kept.address is not None and kept.input_hash == input_hash:
            return to_checksum_address(kept.address)
        self.kept.pop(label, None)
        self.kept_results.pop(label, None)
        nonce = self._next_nonce()
        address = create_address(self.deployer, nonce)
        self.new.add(address)
        self.steps.append(
            _Step(label, f"deploy {label}", nonce, constructor, data, address=address, input_hash=input_hash)
        )
        return address

    def _call(self, label: str, what: str, contract: Contract, function: str, *arguments: Any) -> None:
        self.kept.pop(label, None)
        self.kept_results.pop(label, None)
        self.steps.append(
            _Step(
                label,
                f"{label} ({what})",
                self._next_nonce(),
                contract.functions[function](*arguments),
                str(contract.encode_abi(function, args=list(arguments))),
                to=str(contract.address),
                gas=CALL_GAS[function],
            )
        )

    def _undone(self, address: str, undone: Callable[[], bool]) -> bool:
        """Whether a link on the contract at ``address`` is still to be made: certainly if this run creates the
        contract, else as ``undone`` reads it on chain."""
        return address in self.new or undone()

    def _read(self, call: ContractFunction) -> Any:
        return self.chain.read(call, "read what an earlier deployment run did")

    def _false(self, call: ContractFunction) -> bool:
        return not self._read(call)

    def _contract(self, name: str, address: str) -> Contract:
        return self.chain.w3.eth.contract(address=to_checksum_address(address), abi=load_artifact(name).abi)

    def _next_nonce(self) -> int:
        nonce = self._nonce
        self._nonce += 1
        return nonce

    # ------------------------------------------------------------------ sending

    def _send_pipelined(self) -> None:
        chain = self.chain
        if not self.steps:
            self._finish({})
            return
        creations = [step for step in self.steps if step.address is not None]
        estimates = chain.rpc.batch_settled(
            [("eth_estimateGas", [{"from": self.deployer, "data": step.data}]) for step in creations]
        )
        gas = {step.nonce: _estimated(step, answer, chain) for step, answer in zip(creations, estimates, strict=True)}
        fees = current_fees(chain.rpc)
        chain.check_chain("deploy")
        signed = [(step, self._sign(step, gas.get(step.nonce) or step.gas or 0, fees)) for step in self.steps]
        self._write_journal([(step, "0x" + keccak(hexstr=raw).hex()) for step, raw in signed])
        hashes: dict[int, str] = {}
        for position, (step, raw) in enumerate(signed):
            try:
                hashes[step.nonce] = _send_raw(chain.rpc, raw)
            except RpcResponseError as error:
                if not any(text in error.rpc_message.lower() for text in ALREADY_KNOWN):
                    raise TransactionError(
                        f"{step.action}: the node refused the transaction ({error.rpc_message}); {position} of "
                        f"{len(signed)} deployment transactions were sent: {_RESUME_HINT}"
                    ) from None
                hashes[step.nonce] = "0x" + keccak(hexstr=raw).hex()
        receipts = self._receipts(hashes)
        for step in self.steps:
            receipt = receipts[step.nonce]
            if int(receipt["status"], 16) != 1:
                raise self._failure(step, hashes[step.nonce], gas.get(step.nonce) or step.gas or 0)
        await_confirmations(
            chain.rpc,
            [(hashes[step.nonce], int(receipts[step.nonce]["blockNumber"], 16)) for step in self.steps],
            chain.sender.confirmations,
            action="deploy",
            resume_hint=_RESUME_HINT,
        )
        self._finish({step.label: _result(hashes[step.nonce], receipts[step.nonce]) for step in self.steps})

    def _sign(self, step: _Step, gas: int, fees: Fees) -> str:
        transaction: dict[str, Any] = {
            "chainId": self.chain.chain_id,
            "nonce": step.nonce,
            "data": step.data,
            "value": 0,
            "gas": gas,
            **fees.fields(),
        }
        if step.to is not None:
            transaction["to"] = to_checksum_address(step.to)
        return "0x" + bytes(self.signer.account.sign_transaction(transaction).raw_transaction).hex()

    def _write_journal(self, sent: list[tuple[_Step, str]]) -> None:
        steps = list(self.kept.values()) + [
            _JournalStep(
                label=step.label, nonce=step.nonce, tx_hash=tx_hash, address=step.address, input_hash=step.input_hash
            )
            for step, tx_hash in sent
        ]
        journal = _Journal(
            chain_id=self.chain.chain_id, deployer=self.deployer, admin=self.admin, beside=self.beside, steps=steps
        )
        try:
            write_atomically(self.journal_file, journal.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            raise InvalidInputError(
                f"cannot write the deployment journal {self.journal_file} ({exc.strerror or exc}); nothing was sent"
            ) from None

    def _receipts(self, hashes: dict[int, str]) -> dict[int, dict[str, Any]]:
        """The receipt of every sent transaction, by nonce; waits while new ones keep coming."""
        found: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + _RECEIPT_TIMEOUT
        while len(found) < len(hashes):
            waiting = [nonce for nonce in hashes if nonce not in found]
            answers = self.chain.rpc.batch_settled(
                [("eth_getTransactionReceipt", [hashes[nonce]]) for nonce in waiting]
            )
            for nonce, answer in zip(waiting, answers, strict=True):
                if isinstance(answer, dict):
                    found[nonce] = answer
                    deadline = time.monotonic() + _RECEIPT_TIMEOUT
            if len(found) < len(hashes):
                if time.monotonic() > deadline:
                    first = min(nonce for nonce in hashes if nonce not in found)
                    step = next(step for step in self.steps if step.nonce == first)
                    raise TransactionError(
                        f"{step.action}: not mined within {_RECEIPT_TIMEOUT:.0f} s (still pending: {_RESUME_HINT})",
                        tx_hash=hashes[first],
                    )
                time.sleep(_POLL_INTERVAL)
        return found

    def _failure(self, step: _Step, tx_hash: str, gas: int) -> IPLedgerError:
        """The one-line error of the step whose transaction failed on chain."""
        receipt = self.chain.w3.eth.get_transaction_receipt(HexStr(tx_hash))
        block, used = int(receipt["blockNumber"]), int(receipt["gasUsed"])
        if step.address is not None:
            return TransactionError(
                f"{step.action}: the creation failed in block {block} (gas used {used:,} of {gas:,})",
                tx_hash=tx_hash,
                block=block,
            )
        lookup = find_revert(self.chain.rpc, tx_hash, receipt)
        if lookup.data is not None:
            return self.chain.decoder.decode(lookup.data, action=step.action, tx_hash=tx_hash, block=block)
        reason = lookup.failure or "reverted"
        return TransactionError(
            f"{step.action}: failed in block {block}: {reason} (gas used {used:,} of {gas:,})",
            tx_hash=tx_hash,
            block=block,
        )

    def _send_one_by_one(self) -> None:
        """The deployment as before the pipeline: each step estimated, sent and mined before the next."""
        results: dict[str, TransactionResult] = {}
        for step in self.steps:
            results[step.label], receipt = self.chain.sender.send(self.signer, step.call, action=step.action)
            if step.address is not None and str(receipt["contractAddress"]) != step.address:
                raise TransactionError(
                    f"{step.action}: created at {receipt['contractAddress']}, not the planned {step.address} (another "
                    "transaction of the deployer took a nonce)",
                    tx_hash=results[step.label].tx_hash,
                )
        self._finish(results, journalled=False)

    def _finish(self, results: dict[str, TransactionResult], *, journalled: bool = True) -> None:
        self.chain.deployment_transactions.update(self.kept_results)
        self.chain.deployment_transactions.update(results)
        if journalled:
            self.journal_file.unlink(missing_ok=True)

    def _attach(self, slots: dict[str, Any]) -> None:
        chain = self.chain
        if "registry" in slots:
            chain.attach_registry(slots["registry"])
        if "stablecoin" in slots:
            chain.attach_stablecoin(slots["stablecoin"])
        for address in slots["currencies"]:
            chain.attach_test_currency(address)
        if "vault" in slots:
            chain.attach_vault(slots["vault"])
        if "desk" in slots:
            chain.attach_desk(slots["desk"])
        if "attestations" in slots:
            chain.attach_attestations(slots["attestations"])
        if "disputes" in slots:
            chain.attach_disputes(slots["disputes"])
        if "loans" in slots:
            chain.attach_loans(slots["loans"])


def _send_raw(rpc: Rpc, raw: str) -> str:
    """Sends one signed transaction; its hash (the deployment's one point of sending, which tests interrupt)."""
    return str(rpc.call("eth_sendRawTransaction", [raw]))


def _estimated(step: _Step, estimate: Any, chain: Chain) -> int:
    if isinstance(estimate, RpcResponseError):
        if estimate.data is not None or "revert" in estimate.rpc_message.lower():
            raise chain.decoder.decode(estimate.data, action=step.action)
        raise RpcResponseError(
            estimate.method, estimate.code, estimate.rpc_message, endpoint=chain.rpc_url, action=step.action
        )
    return int(estimate, 16) * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR


def _result(tx_hash: str, receipt: dict[str, Any]) -> TransactionResult:
    block, gas_used = int(receipt["blockNumber"], 16), int(receipt["gasUsed"], 16)
    return TransactionResult(tx_hash=tx_hash, block=block, gas_used=gas_used)
