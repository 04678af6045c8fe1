"""The :class:`Chain` every part of a :class:`~ipledger.Ledger` shares: the node, the attached contracts, one
signing account, and the one way to read and to send.

It is ``ledger.chain``, the chain-reader the event index and the reports depend on (:class:`ChainReader`), and what
each sub-client (``ledger.rights``, ``ledger.shares``...) reads and sends through.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import requests
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import ContractLogicError, Web3Exception, Web3RPCError

from ipledger._artifacts import load_artifact
from ipledger._exceptions import (
    ChainMismatchError,
    ContractRevertError,
    InvalidInputError,
    IPLedgerError,
    NodeError,
    NodeUnreachableError,
    NotFoundError,
    PaymentAttempt,
    PaymentRefusedError,
    RegistryError,
)
from ipledger._salts import SaltBook
from ipledger.audit._history import fetch_module_logs, fetch_token_logs, fetch_vault_logs
from ipledger.chain._accounts import Signer, is_valid_address, resolve_address
from ipledger.chain._events import TOPIC_OF, DecodedLog, token_topic
from ipledger.chain._evm import require_contracts_evm
from ipledger.chain._logs import fetch_logs
from ipledger.chain._reverts import RevertDecoder, encode_error
from ipledger.chain._roles import DISPUTE_ROLE, PLEDGE_ROLE, ROLE_CONTRACTS, ROLES, VERIFIER_ROLE
from ipledger.chain._rpc import Rpc, json_rpc_error
from ipledger.chain._traces import inner_revert, trace_call, trace_transaction
from ipledger.chain._transactions import StateChecks, TransactionSender, revert_data
from ipledger.models._ids import parse_token_id
from ipledger.models._models import ZERO_ADDRESS, Deployment, TransactionResult
from ipledger.models._numbers import parse_number_for
from ipledger.models._requests import RegistrationRequest
from ipledger.node._local_deployment import LOCAL_ROLES
from ipledger.node._node import LOCAL_CHAIN_ID

__all__ = [
    "Chain",
    "ChainReader",
    "CHAIN_ID_AT_CONNECT",
    "MAX_UINT256",
    "REGISTRY_CONTRACT",
    "TEST_CURRENCIES",
    "is_zero_address",
    "require_chain_id",
]

REGISTRY_CONTRACT = "IPRegistry"
MAX_UINT256 = 2**256 - 1
#: The source of a ledger's chain id when nobody named one: the node's answer at connect.
CHAIN_ID_AT_CONNECT = "reported by the node at connect; no chain id was given"
#: EIP-2294 bounds chain ids below 2**64 / 2 - 36 so that EIP-155's ``v`` fits 64 bits.
_MAX_CHAIN_ID = 2**63 - 37
_ERC721_INTERFACE = bytes.fromhex("80ac58cd")
#: The local chain's test currencies besides tUSD, by symbol: their names (6 decimals, open mint).
TEST_CURRENCIES = {"tHKD": "Test HKD", "tCNH": "Test CNH"}
#: The contracts a chain attaches, by role: the deployment file's.
_SLOTS = LOCAL_ROLES


class ChainReader(Protocol):
    """What the event index and the reports read of a chain: the node, the registry and the modules attached.
    :class:`Chain` (``ledger.chain``) is one."""

    rpc: Rpc

    @property
    def chain_id(self) -> int: ...

    @property
    def registry_address(self) -> str: ...

    @property
    def deployment_block(self) -> int: ...

    def head(self) -> int: ...

    def block_time(self, block: int) -> int: ...

    def attached_address(self, name: str) -> str | None: ...

    def module_addresses(self) -> dict[str, str | None]: ...


class Chain:
    """One chain, the ipledger contracts attached on it, and one signing account."""

    def __init__(
        self,
        w3: Web3,
        *,
        rpc_url: str,
        signer: Signer | None,
        registry: str | None,
        chain_id: int | None = None,
        chain_id_source: str | None = None,
    ) -> None:
        """``chain_id`` is the chain expected (``chain_id_source`` says who expects it, for error messages): a node
        reporting another one is refused here, before anything else is asked. Without it, the chain the node
        reports now is the one expected from then on."""
        self.w3 = w3
        self.rpc_url = rpc_url
        self._signer = signer
        self.rpc = Rpc(w3, rpc_url)
        expected = None if chain_id is None else require_chain_id(chain_id)
        reported = self._reported_chain_id()
        if expected is None:
            self._chain_id, self._chain_id_source = reported, CHAIN_ID_AT_CONNECT
        else:
            self._chain_id = expected
            self._chain_id_source = chain_id_source or f"chain_id={chain_id} given to Ledger.connect"
            if reported != self._chain_id:
                raise ChainMismatchError(
                    expected=self._chain_id,
                    reported=reported,
                    endpoint=rpc_url,
                    source=self._chain_id_source,
                    registry=to_checksum_address(registry) if registry and is_valid_address(registry) else None,
                )
        artifact = load_artifact(REGISTRY_CONTRACT)
        self.artifact = artifact
        self.decoder = RevertDecoder.for_shipped_contracts()
        #: Whether the node's EVM was found to run the contracts (asked once, before the first deployment or send).
        self.evm_checked = False
        self.sender = TransactionSender(
            w3,
            self.decoder,
            endpoint=rpc_url,
            chain_id=self._chain_id,
            check_chain=self.check_chain,
            check_evm=self.require_evm,
        )
        self._registry: Contract | None = None
        self._compliance: Contract | None = None
        self._vault: Contract | None = None
        self._desk: Contract | None = None
        self._stablecoin: Contract | None = None
        self._licenses: Contract | None = None
        self._attestations: Contract | None = None
        self._disputes: Contract | None = None
        self._royalties: Contract | None = None
        self._loans: Contract | None = None
        self.modules_discovered = False
        #: The local chain's test currencies besides tUSD (``tHKD``, ``tCNH``), by symbol.
        self.test_currencies: dict[str, Contract] = {}
        self.deployment_transactions: dict[str, TransactionResult] = {}
        if registry is not None:
            self.attach_registry(registry)

    # ------------------------------------------------------------------ the chain

    @property
    def chain_id(self) -> int:
        """The chain this ledger signs for and sends to: given to :meth:`~ipledger.Ledger.connect`, taken from a
        deployment record, or else the one the node reported at connect. It never changes; every signature and
        transaction uses it, after the node was asked again that it still reports it."""
        return self._chain_id

    @property
    def chain_id_source(self) -> str:
        """Where :attr:`chain_id` came from, as error messages name it."""
        return self._chain_id_source

    def _reported_chain_id(self) -> int:
        """The chain id the node reports now: asked anew, never from the provider's cache."""
        try:
            answer = self.rpc.call("eth_chainId", [], fresh=True)
            return int(answer, 16) if isinstance(answer, str) else int(answer)
        except NodeError as exc:  # the same failure (unreachable, an error answer...), said of the chain id
            exc.args = (f"cannot read the chain id: {exc}",)
            exc.endpoint = self.rpc_url
            raise
        except (TypeError, ValueError) as exc:
            raise NodeError(f"cannot read the chain id: {type(exc).__name__}", endpoint=self.rpc_url) from None

    def check_chain(self, action: str) -> int:
        """Refuses (:class:`ChainMismatchError`) unless the node still reports the expected chain; called right
        before anything is signed or sent. Returns the expected chain id, the one to sign with."""
        reported = self._reported_chain_id()
        if reported != self._chain_id:
            raise ChainMismatchError(
                expected=self._chain_id,
                reported=reported,
                endpoint=self.rpc_url,
                source=self._chain_id_source,
                registry=None if self._registry is None else str(self._registry.address),
                action=action,
            )
        return self._chain_id

    def require_evm(self, action: str | None = None) -> None:
        """Refuses (:class:`~ipledger.UnsupportedEvmError`) a chain whose EVM predates the one the contracts are
        compiled for (Cancun): one ``eth_call`` of a tiny probe, the first time only. Called before a deployment and
        before the first transaction of this connection; reads never pay for it (a read the EVM cannot run fails on
        its own, and the CLI names the instruction missing)."""
        if not self.evm_checked:
            require_contracts_evm(self.rpc, action=action)
            self.evm_checked = True

    # ------------------------------------------------------------------ attaching contracts

    def attach_registry(self, address: str) -> None:
        checksummed = self._contract_address(address, "registry")
        self._registry = self.w3.eth.contract(address=checksummed, abi=self.artifact.abi)
        try:
            is_registry = bool(self._registry.functions.supportsInterface(_ERC721_INTERFACE).call())
            self._registry.functions.DEPLOYMENT_BLOCK().call()
        except NodeError:
            raise
        except (requests.RequestException, OSError) as exc:
            raise NodeUnreachableError(
                f"attach: cannot reach the node: {type(exc).__name__}", endpoint=self.rpc_url
            ) from None
        except (Web3Exception, ValueError, TypeError):
            is_registry = False
        if not is_registry:
            self._registry = None
            raise RegistryError(f"the contract at {checksummed} is not an ipledger registry")

    def attach_vault(self, address: str) -> None:
        """Attaches the share vault and the compliance registry it names; both must run the shipped code."""
        vault = self._shipped_contract("FractionVault", address, "share vault")
        served = str(self.read(vault.functions.registry(), "read the vault's registry"))
        if self._registry is not None and served != self.registry_address:
            raise RegistryError(
                f"the share vault {vault.address} serves the registry {served}, not {self.registry_address}"
            )
        compliance = str(self.read(vault.functions.compliance(), "read the vault's compliance registry"))
        self._compliance = self._shipped_contract("ComplianceRegistry", compliance, "compliance registry")
        self._vault = vault
        royalties = str(self.read(vault.functions.royaltyVault(), "read the vault's royalty vault"))
        if not is_zero_address(royalties):
            self.attach_royalties(royalties)

    def attach_royalties(self, address: str) -> None:
        """Attaches the royalty vault and the licence registry it reads; both must run the shipped code and serve
        the attached registry."""
        royalties = self._shipped_contract("RoyaltyVault", address, "royalty vault")
        self._check_serves(royalties, "royalty vault")
        licenses = str(self.read(royalties.functions.licenses(), "read the royalty vault's licence registry"))
        self.attach_licenses(licenses)
        self._royalties = royalties

    def attach_licenses(self, address: str) -> None:
        licenses = self._shipped_contract("LicenseRegistry", address, "licence registry")
        self._check_serves(licenses, "licence registry")
        self._licenses = licenses

    def attach_attestations(self, address: str) -> None:
        attestations = self._shipped_contract("AttestationRegistry", address, "attestation registry")
        self._check_serves(attestations, "attestation registry")
        self._attestations = attestations

    def attach_disputes(self, address: str) -> None:
        disputes = self._shipped_contract("DisputeManager", address, "dispute manager")
        self._check_serves(disputes, "dispute manager")
        self._disputes = disputes

    def attach_loans(self, address: str) -> None:
        """Attaches the loan desk; it must run the shipped code and serve the attached registry (and the attached
        share vault, whose share tokens it takes as collateral)."""
        loans = self._shipped_contract("LoanDesk", address, "loan desk")
        self._check_serves(loans, "loan desk")
        if self._vault is not None:
            served = str(self.read(loans.functions.fractionVault(), "read the loan desk's share vault"))
            if served != str(self._vault.address):
                raise RegistryError(
                    f"the loan desk {loans.address} takes the shares of the vault {served}, not {self._vault.address}"
                )
        self._loans = loans

    def attach_recorded(self, recorded: Deployment) -> bool:
        """Attaches the recorded share contracts and modules that still run the shipped code; whether all of them
        did."""
        attached = True
        for address, attach in (
            (recorded.vault, self.attach_vault),
            (recorded.desk, self.attach_desk),
            (recorded.stablecoin, self.attach_stablecoin),
            (recorded.attestations, self.attach_attestations),
            (recorded.disputes, self.attach_disputes),
            (recorded.loans, self.attach_loans),
        ):
            try:
                if address is None:
                    raise RegistryError("not recorded")
                attach(address)
            except (RegistryError, InvalidInputError):
                attached = False
        self.modules_discovered = True
        if self._royalties is None:
            attached = False
        if self._stablecoin is not None and not self.code_matches(str(self._stablecoin.address), "TestStablecoin"):
            self._stablecoin = None
            attached = False
        for address in recorded.currencies.values():
            try:
                self.attach_test_currency(address)
            except (RegistryError, InvalidInputError):
                attached = False
        if self.chain_id == LOCAL_CHAIN_ID and set(self.test_currencies) != set(TEST_CURRENCIES):
            attached = False
        return attached

    def _check_serves(self, module: Contract, what: str) -> None:
        """Refuses a module contract that serves another registry than the attached one."""
        if self._registry is None:
            return
        served = str(self.read(module.functions.registry(), f"read the {what}'s registry"))
        if served != self.registry_address:
            raise RegistryError(
                f"the {what} {module.address} serves the registry {served}, not {self.registry_address}"
            )

    def discover_modules(self) -> None:
        """Finds the attestation registry, dispute manager and loan desk from the registry's own ``RoleGranted``
        logs: the shipped contracts granted its verifier, dispute and pledge roles (one ``eth_getLogs``)."""
        if self.modules_discovered or self._registry is None:
            return
        self.modules_discovered = True
        if self._attestations is not None and self._disputes is not None and self._loans is not None:
            return  # all attached: nothing to look for
        topic = "0x" + keccak(text="RoleGranted(bytes32,address,address)").hex()
        roles = {
            "0x" + VERIFIER_ROLE.hex(): (self.attach_attestations, "_attestations"),
            "0x" + DISPUTE_ROLE.hex(): (self.attach_disputes, "_disputes"),
            "0x" + PLEDGE_ROLE.hex(): (self.attach_loans, "_loans"),
        }
        logs = fetch_logs(
            self.rpc,
            address=[self.registry_address],
            topics=[topic, list(roles)],
            from_block=self.deployment_block,
            to_block=int(self.rpc.call("eth_blockNumber", []), 16),
        )
        for log in reversed(logs):
            attach, slot = roles[log["topics"][1]]
            if getattr(self, slot) is not None:
                continue
            account = to_checksum_address("0x" + log["topics"][2][-40:])
            if not self.read(self.registry.functions.hasRole(log["topics"][1], account), "read role"):
                continue
            try:
                attach(account)
            except (RegistryError, InvalidInputError):
                continue

    def attach_desk(self, address: str) -> None:
        self._desk = self._shipped_contract("SettlementDesk", address, "settlement desk")

    def attach_stablecoin(self, address: str) -> None:
        checksummed = self._contract_address(address, "payment token")
        self._stablecoin = self.erc20(checksummed)

    def attach_test_currency(self, address: str) -> str:
        """Attaches a test currency of the local chain (the shipped ``TestCurrency``); returns its symbol."""
        currency = self._shipped_contract("TestCurrency", address, "test currency")
        symbol = str(self.read(currency.functions.symbol(), "read the test currency's symbol"))
        self.test_currencies[symbol] = currency
        return symbol

    def _contract_address(self, address: str, what: str) -> ChecksumAddress:
        if not is_valid_address(address):
            raise InvalidInputError(f"{what} address {address!r} is not a valid address")
        checksummed = to_checksum_address(address)
        if not self.get_code(checksummed):
            raise RegistryError(f"no contract at {checksummed} on chain {self.chain_id} (expected the {what})")
        return checksummed

    def _shipped_contract(self, name: str, address: str, what: str) -> Contract:
        checksummed = self._contract_address(address, what)
        artifact = load_artifact(name)
        if not artifact.runtime_matches(self.get_code(checksummed)):
            raise RegistryError(f"the contract at {checksummed} is not the {name} ipledger ships (expected the {what})")
        return self.w3.eth.contract(address=checksummed, abi=artifact.abi)

    @property
    def deployment_block(self) -> int:
        """The block the registry was deployed in: where log queries start."""
        return int(self.read(self.registry.functions.DEPLOYMENT_BLOCK(), "read deployment block"))

    def copy_contracts(self, other: Chain) -> None:
        self._registry = other._registry
        self._compliance = other._compliance
        self._vault = other._vault
        self._desk = other._desk
        self._stablecoin = other._stablecoin
        self._licenses = other._licenses
        self._attestations = other._attestations
        self._disputes = other._disputes
        self._royalties = other._royalties
        self._loans = other._loans
        self.test_currencies = dict(other.test_currencies)
        self.modules_discovered = other.modules_discovered
        self.evm_checked = other.evm_checked

    def get_code(self, address: str) -> bytes:
        return bytes.fromhex(str(self.rpc.call("eth_getCode", [address, "latest"]))[2:])

    def code_matches(self, address: str, name: str = REGISTRY_CONTRACT) -> bool:
        return load_artifact(name).runtime_matches(self.get_code(to_checksum_address(address)))

    # ------------------------------------------------------------------ contracts

    @property
    def registry(self) -> Contract:
        """The registry contract (web3.py object)."""
        if self._registry is None:
            raise RegistryError("no registry: pass registry=ADDRESS or call deploy()")
        return self._registry

    @property
    def registry_address(self) -> str:
        return str(self.registry.address)

    @property
    def vault(self) -> Contract:
        """The share vault (FractionVault) that fractionalizes rights."""
        if self._vault is None:
            raise RegistryError(
                "no share vault: pass vault=ADDRESS to Ledger.connect (CLI: --vault ADDRESS or IPLEDGER_VAULT)"
            )
        return self._vault

    @property
    def compliance(self) -> Contract:
        """The compliance registry the vault's share tokens consult (found through the vault)."""
        if self._compliance is None:
            raise RegistryError(
                "no compliance registry: it is found through the share vault; pass vault=ADDRESS to Ledger.connect "
                "(CLI: --vault ADDRESS or IPLEDGER_VAULT)"
            )
        return self._compliance

    @property
    def desk(self) -> Contract:
        """The settlement desk that settles signed orders."""
        if self._desk is None:
            raise RegistryError(
                "no settlement desk: pass desk=ADDRESS to Ledger.connect (CLI: --desk ADDRESS or IPLEDGER_DESK)"
            )
        return self._desk

    @property
    def stablecoin(self) -> Contract:
        """The default payment token: the test stablecoin (tUSD) on the local chain, or the one given."""
        if self._stablecoin is None:
            raise RegistryError(
                "no default payment token: pass stablecoin=ADDRESS to Ledger.connect (CLI: --payment-token ADDRESS "
                "or IPLEDGER_PAYMENT_TOKEN); only a local chain deployment has one (tUSD)"
            )
        return self._stablecoin

    @property
    def licenses(self) -> Contract:
        """The licence registry (found through the share vault's royalty vault)."""
        if self._licenses is None:
            raise RegistryError(
                "no licence registry: it is found through the share vault; pass vault=ADDRESS to Ledger.connect "
                "(CLI: --vault ADDRESS or IPLEDGER_VAULT)"
            )
        return self._licenses

    @property
    def royalties(self) -> Contract:
        """The royalty vault (found through the share vault)."""
        if self._royalties is None:
            raise RegistryError(
                "no royalty vault: it is found through the share vault; pass vault=ADDRESS to Ledger.connect "
                "(CLI: --vault ADDRESS or IPLEDGER_VAULT)"
            )
        return self._royalties

    @property
    def attestations(self) -> Contract:
        """The attestation registry: the shipped contract holding the registry's verifier role."""
        self.discover_modules()
        if self._attestations is None:
            raise RegistryError(
                "no attestation registry: no shipped AttestationRegistry holds the verifier role of "
                f"{self.registry_address}"
            )
        return self._attestations

    @property
    def disputes(self) -> Contract:
        """The dispute manager: the shipped contract holding the registry's dispute role."""
        self.discover_modules()
        if self._disputes is None:
            raise RegistryError(
                f"no dispute manager: no shipped DisputeManager holds the dispute role of {self.registry_address}"
            )
        return self._disputes

    @property
    def loans(self) -> Contract:
        """The loan desk: the shipped contract holding the registry's pledge role."""
        self.discover_modules()
        if self._loans is None:
            raise RegistryError(
                f"no loan desk: no shipped LoanDesk holds the pledge role of {self.registry_address} (a deployment "
                "older than the loan desk has none; Ledger.local deploys one beside the local registry)"
            )
        return self._loans

    def module_addresses(self) -> dict[str, str | None]:
        """The rights-in-use modules attached (or discoverable), by role."""
        if self._registry is not None:
            self.discover_modules()
        return {
            role: None if contract is None else str(contract.address)
            for role, contract in (
                ("licenses", self._licenses),
                ("attestations", self._attestations),
                ("disputes", self._disputes),
                ("royalties", self._royalties),
            )
        }

    @property
    def deployment(self) -> Deployment:
        """The addresses of the attached contracts (and the transactions, when this ledger deployed them)."""
        return Deployment(
            chain_id=self.chain_id,
            registry=self.registry_address,
            compliance=None if self._compliance is None else str(self._compliance.address),
            vault=None if self._vault is None else str(self._vault.address),
            desk=None if self._desk is None else str(self._desk.address),
            stablecoin=None if self._stablecoin is None else str(self._stablecoin.address),
            **self.module_addresses(),
            loans=None if self._loans is None else str(self._loans.address),
            currencies={symbol: str(contract.address) for symbol, contract in sorted(self.test_currencies.items())},
            transactions=dict(self.deployment_transactions),
        )

    def erc20(self, address: str) -> Contract:
        """Any ERC-20 (a payment token) through the standard functions of the test stablecoin's ABI."""
        return self.w3.eth.contract(address=to_checksum_address(address), abi=load_artifact("TestStablecoin").abi)

    def share_contract(self, address: str) -> Contract:
        return self.w3.eth.contract(address=to_checksum_address(address), abi=load_artifact("ShareToken").abi)

    def share_token_address(self, token: int, action: str) -> str:
        """The share token of a right in the vault, or :class:`NotFractionalizedError` (a :class:`NotFoundError`)."""
        address = str(self.read(self.vault.functions.shareTokenOf(token), action))
        if int(address, 16) == 0:
            raise self.refuse("NotFractionalized(uint256)", ["uint256"], [token], action)
        return address

    # ------------------------------------------------------------------ accounts

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            raise InvalidInputError("no signing account: pass account= (devN, env:NAME or a keystore file)")
        return self._signer

    def address_of(self, account: str) -> str:
        """A checksummed address from an address or account name."""
        return resolve_address(account, chain_id=self.chain_id)

    # ------------------------------------------------------------------ reads and sends

    def read(self, call: ContractFunction, what: str, *, block: int | None = None, sender: str | None = None) -> Any:
        """A view call (at ``block``, else the latest; from ``sender`` when given, to learn what a transaction of
        that account would do), with reverts decoded and transport failures mapped."""
        try:
            if sender is not None:
                options: Any = {"from": to_checksum_address(sender)}
                return call.call(options) if block is None else call.call(options, block_identifier=block)
            return call.call() if block is None else call.call(block_identifier=block)
        except ContractLogicError as exc:
            raise self.decoder.decode(revert_data(exc), action=what) from None
        except NodeError:
            raise
        except (requests.RequestException, OSError) as exc:
            raise NodeUnreachableError(
                f"{what}: cannot reach the node: {type(exc).__name__}", endpoint=self.rpc_url
            ) from None
        except Web3RPCError as exc:
            raise json_rpc_error(exc, action=what, endpoint=self.rpc_url, method="eth_call") from None
        except Web3Exception as exc:
            raise RegistryError(f"{what}: unusable answer from {call.address}: {type(exc).__name__}") from None

    def send(
        self, call: ContractFunction | ContractConstructor, action: str, *, state_checks: StateChecks | None = None
    ) -> TransactionResult:
        """Signs and sends ``call`` from the signer after a dry run; reverts arrive decoded (``state_checks`` explain
        a mined revert the node cannot)."""
        return self.sender.send(self.signer, call, action=action, state_checks=state_checks)[0]

    def done_by(
        self, logs: Sequence[dict[str, Any]], *, to: str, calldata: str, own_tx_hash: str | None
    ) -> TransactionResult | None:
        """The newest successful transaction among those that emitted ``logs`` which sent exactly ``calldata`` to
        ``to`` from another account than the signer: the very call we made, submitted first by a copier or by
        whoever we handed a signature. ``None`` when none did (our own earlier submission is a replay, which the
        contract's refusal reports)."""
        seen: set[str] = set()
        for log in reversed(logs):
            tx_hash = str(log["transactionHash"])
            if tx_hash in seen or tx_hash == own_tx_hash:
                continue
            seen.add(tx_hash)
            transaction = self.rpc.call("eth_getTransactionByHash", [tx_hash])
            sent = str(transaction.get("input", transaction.get("data", "")))
            if str(transaction.get("to") or "").lower() != to.lower() or sent.lower() != calldata.lower():
                continue
            if str(transaction["from"]).lower() == self.signer.address.lower():
                continue
            receipt = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if int(receipt["status"], 16) != 1:
                continue
            return TransactionResult(
                tx_hash=tx_hash,
                block=int(receipt["blockNumber"], 16),
                gas_used=int(receipt["gasUsed"], 16),
                submitted_by=to_checksum_address(transaction["from"]),
                own_tx_hash=own_tx_hash,
            )
        return None

    def send_for_event(
        self, call: ContractFunction, action: str, contract: Contract, event: str
    ) -> tuple[TransactionResult, dict[str, Any]]:
        """Like :meth:`_send`, also returning the arguments of the first ``event`` ``contract`` emitted."""
        result, receipt = self.sender.send(self.signer, call, action=action)
        for log in receipt["logs"]:
            if log["address"] == contract.address:
                try:
                    return result, dict(contract.events[event]().process_log(log)["args"])
                except (Web3Exception, ValueError, KeyError):
                    continue
        raise RegistryError(f"{action}: the transaction {result.tx_hash} emitted no {event}")

    def inner_revert(self, tx_hash: str) -> ContractRevertError | None:
        """The named reason a mined transaction failed for, found deep in its call trace: when a contract between the
        sender and ipledger's (a Uniswap pair or router, a wallet, an aggregator) replaced the share token's revert
        with its own words (``UniswapV2: TRANSFER_FAILED``), the innermost failing frame still holds
        ``NotEligible(account)``; decoded like every revert the SDK raises (:class:`ComplianceError` there), its
        ``action`` naming the contract that reverted. ``None`` when the transaction succeeded, or no failing frame
        holds a named error (only strings, or no data). See ``chain/_traces.py`` for how the trace is walked.

        Raises :class:`NotFoundError` for a transaction the node has not mined, :class:`NodeError` when the node
        cannot trace it (no ``debug_traceTransaction`` or no call tracer).
        """
        receipt = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
        if not isinstance(receipt, dict):
            raise NotFoundError(f"no mined transaction {tx_hash} on {self.rpc_url}")
        if int(str(receipt.get("status", "0x1")), 16) == 1:
            return None
        trace = trace_transaction(self.rpc, tx_hash)
        return inner_revert(self.decoder, trace, tx_hash=tx_hash, block=int(str(receipt["blockNumber"]), 16))

    def inner_call_revert(self, call: Mapping[str, Any], *, block: int | str = "latest") -> ContractRevertError | None:
        """Like :meth:`inner_revert`, for a call not sent (``debug_traceCall`` on the state of ``block``): what a
        wallet can tell a trader before signing. ``call`` holds ``from``, ``to``, ``data`` and optionally
        ``value`` and ``gas`` (integers as numbers or hex). ``None`` when the call would succeed or fails without a
        named error."""
        return inner_revert(self.decoder, trace_call(self.rpc, call, block))

    def refuse(self, signature: str, types: list[str], values: list[Any], action: str) -> ContractRevertError:
        """The exception the chain would raise for this custom error, for refusals a read can tell in advance."""
        return self.decoder.decode(encode_error(signature, types, values), action=action)

    def head(self) -> int:
        return int(self.rpc.call("eth_blockNumber", []), 16)

    def chain_time(self) -> int:
        """The latest block's timestamp: expiries are judged by chain time, which a local chain may advance."""
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return int(block["timestamp"], 16)

    # ------------------------------------------------------------------ approvals

    def ensure_allowance(
        self, token: Contract, spender: str, needed: int, *, action: str, top_up: bool = False
    ) -> TransactionResult | None:
        """Lets ``spender`` move ``needed`` of the signer's ``token``; sends ``approve`` only when needed.

        By default the allowance becomes exactly ``needed`` when it is lower; with ``top_up`` ``needed`` is added
        to the current allowance (an order's maker may have other open orders relying on it).
        """
        owner = self.signer.address
        current = int(self.read(token.functions.allowance(owner, spender), f"{action}: read allowance"))
        if current >= needed and not top_up:
            return None
        if top_up and current == MAX_UINT256:
            return None
        amount = min(current + needed, MAX_UINT256) if top_up else needed
        return self.send(token.functions.approve(spender, amount), f"{action}: approve")

    @contextmanager
    def paying(self, token: str | None, spender: str, amount: int) -> Iterator[None]:
        """Tells a token's refusal of the payment inside (a :class:`PaymentRefusedError`, such as Solady's bare
        ``TransferFromFailed()``) with what was paid: token, payer, amount, and the payer's balance and allowance
        to ``spender`` read right after the refusal. ``token`` ``None``: nothing is paid, nothing is added."""
        try:
            yield
        except PaymentRefusedError as exc:
            if exc.payment is not None or token is None:
                raise
            raise exc.with_payment(self._payment_attempt(token, spender, amount)) from None

    def _payment_attempt(self, token: str, spender: str, amount: int) -> PaymentAttempt:
        """The signer's payment of ``amount`` of ``token`` through ``spender``, with what reads can tell (a read
        that fails leaves its field ``None``: the token may be the broken part)."""
        contract = self.erc20(token)
        payer = self.signer.address

        def read(call: ContractFunction) -> Any:
            try:
                return self.read(call, "read the payment token")
            except IPLedgerError:
                return None

        symbol, decimals = read(contract.functions.symbol()), read(contract.functions.decimals())
        balance, allowance = (
            read(contract.functions.balanceOf(payer)),
            read(contract.functions.allowance(payer, spender)),
        )
        return PaymentAttempt(
            token=to_checksum_address(token),
            payer=payer,
            spender=to_checksum_address(spender),
            amount=amount,
            symbol=None if symbol is None else str(symbol),
            decimals=None if decimals is None else int(decimals),
            balance=None if balance is None else int(balance),
            allowance=None if allowance is None else int(allowance),
        )

    def ensure_right_approval(self, token: int, spender: str, *, action: str) -> TransactionResult | None:
        """Lets ``spender`` move the right ``token`` of the signer; sends ``approve`` only when needed."""
        registry = self.registry
        owner = str(self.read(registry.functions.ownerOf(token), f"{action}: read owner"))
        if str(self.read(registry.functions.getApproved(token), f"{action}: read approval")) == spender:
            return None
        if self.read(registry.functions.isApprovedForAll(owner, spender), f"{action}: read approval"):
            return None
        return self.send(registry.functions.approve(spender, token), f"{action}: approve")

    def resolve(self, token_or_number: int | str) -> int:
        """The token id of a right given by its token id (an int, decimal or 0x hex) or by any of its official
        numbers, written any way its office writes it (``"ZL 2020 1 0123456.2"``); raises
        :class:`~ipledger.NotFoundError` for a number no right holds and :class:`~ipledger.InvalidInputError` for
        text that is neither."""
        if not isinstance(token_or_number, str):
            return parse_token_id(token_or_number)
        text = token_or_number.strip()
        if text.lower().startswith("0x") or (text.isdigit() and len(text) > 24):
            return parse_token_id(text)
        try:
            number = parse_number_for(text, None, None, field="token")
        except InvalidInputError as exc:
            # A short decimal is a token id; 12 or 13 digits read as a CN application keep the number's refusal
            # (a wrong check digit), which says more than "unknown token".
            if text.isdigit() and len(text) < 12:
                return parse_token_id(text)
            reason = str(exc).removeprefix("field 'token': ")
            raise InvalidInputError(
                f"{token_or_number!r} is not a token id (decimal or 0x hex) or an official number ({reason})"
            ) from None
        token = self.token_of_number(number.canonical)
        if token is not None:
            return token
        if not number.family and self.was_registered(number.key):
            return number.key  # a revoked right, known by its primary number
        raise NotFoundError(f"no right is registered under {number.canonical}")

    def token_of_number(self, number: str, *, office: str | None = None) -> int | None:
        """The token whose number ``number`` is (any written form): the right it is the primary number of, or the
        one it is reserved for; ``None`` when no right has it."""
        parsed = parse_number_for(number, office, None, field="number")
        if parsed.family:
            return None
        if self.read(self.registry.functions.exists(parsed.key), "read"):
            return parsed.key
        token = int(self.read(self.registry.functions.tokenOfNumber(parsed.packed), "read"))
        return token or None

    def was_registered(self, token: int) -> bool:
        """Whether a ``RightRegistered`` log of ``token`` exists (a revoked right has no owner but has one)."""
        logs = fetch_logs(
            self.rpc,
            address=self.registry_address,
            topics=[TOPIC_OF["RightRegistered"], token_topic(token)],
            from_block=self.deployment_block,
            to_block=self.head(),
        )
        return bool(logs)

    def salt_book(self) -> SaltBook:
        """The salts this machine keeps for the registry's rights (unpublished numbers, confidential fields)."""
        return SaltBook.for_registry(self.chain_id, self.registry_address)

    def keep_field_salts(self, request: RegistrationRequest) -> RegistrationRequest:
        """Writes the confidential fields' salts to the salt book before anything is sent; an earlier attempt's
        salts for the same right are reused, so a retried registration publishes the same record."""
        if not request.field_salts:
            return request
        book = self.salt_book()
        kept = book.field_salts(request.right_id)
        salts = {name: kept.get(name, salt) for name, salt in request.field_salts.items()}
        book.save_fields(request.right_id, salts)
        return request if salts == dict(request.field_salts) else request.with_salts(salts)

    # ------------------------------------------------------------------ the right's logs

    def logs(
        self, token_id: int, to_block: int | None = None, *, custody: bool = False, loans: bool = False
    ) -> tuple[list[DecodedLog], int]:
        """The right's registry logs up to ``to_block`` (default: the head) and that block; with ``custody`` also the
        share vault's about it (the vault is discovered among the right's holders when none is attached) and the
        licence, attestation, dispute, royalty and loan desk modules'; with ``loans`` (and no ``custody``) the loan
        desk's alone (when one is attached), which tell whom the right or its shares are pledged to."""
        head = self.head() if to_block is None else to_block
        start = self.deployment_block
        logs = fetch_token_logs(
            self.rpc, registry=self.registry_address, token_id=token_id, from_block=start, to_block=head
        )
        if custody and self.discover_vault(logs):
            logs += fetch_vault_logs(
                self.rpc, vault=str(self.vault.address), token_id=token_id, from_block=start, to_block=head
            )
        modules = []
        if custody:
            modules = [address for address in self.module_addresses().values() if address is not None]
        desk = self._loans if (custody or loans) and self.discover_desk(logs) else None
        if desk is not None:
            modules.append(str(desk.address))
        if modules:
            logs += fetch_module_logs(self.rpc, modules=modules, token_id=token_id, from_block=start, to_block=head)
        logs.sort(key=lambda log: (log.block, log.log_index))
        return logs, head

    def discover_desk(self, logs: Sequence[DecodedLog]) -> bool:
        """Whether a loan desk is attached, attaching the one that set the right's latest pledge lock (its
        ``PledgeSet`` among ``logs``) if none was: it must run the shipped LoanDesk and serve this registry."""
        if self._loans is not None:
            return True
        desks = [str(log.args["by"]) for log in logs if log.name == "PledgeSet"]
        if not desks:
            return False
        try:
            self.attach_loans(desks[-1])
        except (RegistryError, InvalidInputError):
            return False
        return True

    def discover_vault(self, logs: Sequence[DecodedLog]) -> bool:
        """Whether a share vault is attached, attaching the one that held the right if none was given."""
        if self._vault is not None:
            return True
        holders = {log.args["to"] for log in logs if log.name == "Transfer" and not is_zero_address(log.args["to"])}
        for holder in sorted(holders):
            if self.code_matches(holder, "FractionVault"):
                try:
                    self.attach_vault(holder)
                except RegistryError:
                    continue
                return True
        return False

    def require_exists(self, token: int, block: int | None = None) -> None:
        """Refuses (``UnknownToken``) a token the registry does not hold (at ``block``, else now)."""
        if not self.read(self.registry.functions.exists(token), "read", block=block):
            raise self.refuse("UnknownToken(uint256)", ["uint256"], [token], "read")

    def block_time(self, block: int) -> int:
        """The unix timestamp of block ``block``."""
        return int(self.rpc.call("eth_getBlockByNumber", [hex(block), False])["timestamp"], 16)

    # ------------------------------------------------------------------ roles

    def role_contract(self, role: str) -> Contract:
        """The contract where ``role`` (a name of the role table, :data:`~ipledger.chain._roles.ROLES`) is held."""
        if role not in ROLES:
            raise InvalidInputError(f"field 'role': unknown role {role!r}; roles are {', '.join(ROLES)}")
        contract: Contract = getattr(self, ROLE_CONTRACTS.get(role, "registry"))
        return contract

    def has_role(self, role: str, account: str) -> bool:
        """Whether ``account`` holds ``role`` (a name of the role table) in the contract that grants it."""
        contract = self.role_contract(role)
        return bool(self.read(contract.functions.hasRole(ROLES[role], self.address_of(account)), "read role"))

    def optional(self, name: str) -> Contract | None:
        """The attached contract ``name`` (``"vault"``, ``"licenses"``...), or ``None`` when none is attached (no
        discovery: see :meth:`discover_modules`)."""
        if name not in _SLOTS:
            raise ValueError(f"no contract slot {name!r}")
        contract: Contract | None = getattr(self, "_" + name)
        return contract

    def attached_address(self, name: str) -> str | None:
        """The address of the attached contract ``name``, or ``None`` when none is attached."""
        contract = self.optional(name)
        return None if contract is None else str(contract.address)

    def detach(self, *names: str) -> None:
        """Forgets the attached contracts ``names`` (a redeployment attaches new ones)."""
        for name in names:
            if name not in _SLOTS:
                raise ValueError(f"no contract slot {name!r}")
            setattr(self, "_" + name, None)

    def use_signer(self, signer: Signer | None) -> None:
        """Signs (and pays for transactions) as ``signer`` from now on."""
        self._signer = signer


def require_chain_id(value: object) -> int:
    """``value`` as a chain id (a positive integer within EIP-2294's bound), or :class:`InvalidInputError`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_CHAIN_ID:
        raise InvalidInputError(f"chain id {value!r} is not a positive integer below 2**63 - 36")
    return value


def is_zero_address(address: str) -> bool:
    """Whether ``address`` is the zero address."""
    return address.lower() == ZERO_ADDRESS
