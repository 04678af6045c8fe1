"""The :class:`Ledger`: one ipledger deployment on one chain, used by one signing account, in the manner of web3.py's
``w3`` with its modules: the connection (:attr:`Ledger.chain`) and one sub-client per concern.

==================  ===============================================================================
``ledger.rights``   register, numbers, public record, assign, freeze, force transfer, revoke, bulk
``ledger.shares``   fractionalize, share balances and transfers, permits, redeem, cap table
``ledger.compliance`` investors and venues, and what a compliance officer does to shares
``ledger.market``   signed orders and their settlement at the desk
``ledger.payments`` payment tokens (and the local test dollar)
``ledger.licenses`` licences of a right
``ledger.attestations`` third-party attestations
``ledger.disputes`` disputes, bonds and rulings
``ledger.royalties`` royalties to owners and share holders
``ledger.loans``    loans against pledged rights and shares: offers, repayment, enforcement
``ledger.audit``    history, trusted and trustless verification, the index's check
``ledger.contracts`` the raw web3.py contracts, and the role table
==================  ===============================================================================

The everyday verbs stay on the ledger itself: :meth:`Ledger.register`, :meth:`Ledger.get`, :meth:`Ledger.history`
and :meth:`Ledger.verify`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from web3 import Web3
from web3.types import RPCEndpoint

from ipledger.audit._audit import Audit
from ipledger.chain._accounts import Signer, resolve_signer
from ipledger.chain._chain import Chain
from ipledger.chain._retry import RetryingHTTPProvider, RetryPolicy
from ipledger.models._models import (
    Deployment,
    Network,
)
from ipledger.node._deployment import (
    local_deployment_file,
    read_local_deployment,
    save_local_deployment,
)
from ipledger.node._networks import networks_file, read_network
from ipledger.node._node import LOCAL_CHAIN_ID, ipledger_home, start_local_node

from ._attestations import Attestations
from ._compliance import Compliance
from ._contracts import Contracts
from ._deploy import deploy_all, deploy_missing
from ._disputes import Disputes
from ._exceptions import InvalidInputError
from ._licensing import Licenses
from ._loans import Loans
from ._market import Market
from ._payments import Payments
from ._renames import MOVED
from ._rights import Rights
from ._royalties import Royalties
from ._shares import Shares

__all__ = ["Ledger"]


class Ledger:
    """ipledger's client: one deployment on one chain, one signing account, and a sub-client per concern.

    Create it with :meth:`local` (the embedded anvil chain) or :meth:`connect` (any EVM chain, by RPC URL or by the
    name of a :class:`~ipledger.Network`).
    """

    def __init__(self, chain: Chain) -> None:
        """A ledger over ``chain`` (use :meth:`connect` or :meth:`local`)."""
        #: The connection: node, attached contracts, signer; reads and sends (the index's chain reader).
        self.chain = chain
        self.rights = Rights(self)
        self.shares = Shares(self)
        self.compliance = Compliance(self)
        self.market = Market(self)
        self.payments = Payments(self)
        self.licenses = Licenses(self)
        self.attestations = Attestations(self)
        self.disputes = Disputes(self)
        self.royalties = Royalties(self)
        self.loans = Loans(self)
        self.audit = Audit(self)
        self.contracts = Contracts(self)
        #: The everyday verbs, the sub-clients' own methods: ``ledger.register`` is ``ledger.rights.register``,
        #: ``ledger.get`` ``ledger.rights.get``, ``ledger.history`` and ``ledger.verify`` those of ``ledger.audit``.
        self.register = self.rights.register
        self.get = self.rights.get
        self.history = self.audit.history
        self.verify = self.audit.verify

    # ------------------------------------------------------------------ construction

    @classmethod
    def connect(
        cls,
        rpc_url: str | None = None,
        *,
        network: str | Network | None = None,
        registry: str | None = None,
        vault: str | None = None,
        desk: str | None = None,
        stablecoin: str | None = None,
        account: str | Signer | None = None,
        password_prompt: Callable[[str], str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        stuck_after: float = 30.0,
        chain_id: int | None = None,
        chain_id_source: str | None = None,
        confirmations: int = 1,
    ) -> Ledger:
        """Connects to any EVM chain.

        ``registry`` is the registry's address (omit it to :meth:`deploy`); ``vault`` the share vault (the
        compliance registry is found through it) and ``desk`` the settlement desk, needed by the share and market
        features; ``stablecoin`` the default payment token of orders. ``retry`` is the policy for requests that
        fail in transit (see ``_retry``; default: 5 attempts, 0.1 s doubling up to 2 s); a transaction still
        pending after ``stuck_after`` seconds is replaced with higher fees.

        ``chain_id`` is the chain the registry is on (``Deployment.chain_id`` of its deployment): a node reporting
        another one is refused with :class:`~ipledger.ChainMismatchError` before anything else is asked, and again
        before any later signature or transaction. ``chain_id_source`` names where the value came from in that
        error (default: this argument). Without ``chain_id``, the chain the node reports at connect is pinned.

        ``network`` is a :class:`~ipledger.Network`, or the name of one in ``$IPLEDGER_HOME/networks.toml``: its RPC
        URL, chain id and contracts, each overridden by the argument given here (``Ledger.connect(network="sepolia",
        account="env:KEY")``).

        ``confirmations`` is how deep the block of every transaction this ledger sends must be before the call
        returns: 1 (the default) returns at inclusion; N waits until N - 1 blocks were built on it, checking at each
        new block that the receipt's block is still the canonical one. A transaction a reorganization dropped is
        sent again as the same signed bytes when its nonce is unused (``TransactionResult.resent`` counts it), else
        :class:`~ipledger.TransactionDroppedError` is raised. It is one setting of the ledger, not an argument of
        each call: every call sends through the one sender, and some send several transactions (an approval, then
        the act) that all need the same depth.
        """
        _require_confirmations(confirmations)
        modules: dict[str, str | None] = {}
        if network is not None:
            profile = network if isinstance(network, Network) else read_network(network)
            modules = {
                "licenses": profile.licenses,
                "attestations": profile.attestations,
                "disputes": profile.disputes,
                "loans": profile.loans,
            }
            source = f"network {profile.name}" + ("" if isinstance(network, Network) else f" in {networks_file()}")
            rpc_url = rpc_url or profile.rpc_url
            registry = registry or profile.registry
            vault = vault or profile.vault
            desk = desk or profile.desk
            stablecoin = stablecoin or profile.stablecoin
            if chain_id is None:
                chain_id, chain_id_source = profile.chain_id, chain_id_source or source
        if rpc_url is None:
            raise InvalidInputError("Ledger.connect needs an RPC URL or a network")
        if not rpc_url.startswith(("http://", "https://")):
            raise InvalidInputError(f"RPC URL {rpc_url!r} must start with http:// or https://")
        # web3's validation middleware asks for the chain id before every eth_call and transaction: two of every
        # three requests of a contract read. Only it is cached; the ledger's own checks of the chain (at connect,
        # before each signature and transaction) bypass the cache and compare with the expected chain id.
        provider = RetryingHTTPProvider(
            rpc_url,
            policy=retry,
            request_kwargs={"timeout": timeout},
            cache_allowed_requests=True,
            cacheable_requests={RPCEndpoint("eth_chainId")},
        )
        chain = Chain(
            Web3(provider),
            rpc_url=rpc_url,
            signer=None,
            registry=registry,
            chain_id=chain_id,
            chain_id_source=chain_id_source,
        )
        chain.sender.stuck_after = stuck_after
        if isinstance(account, Signer):
            chain.use_signer(account)
        elif account is not None or chain.chain_id == LOCAL_CHAIN_ID or os.environ.get("IPLEDGER_PRIVATE_KEY"):
            chain.use_signer(resolve_signer(account, chain_id=chain.chain_id, password_prompt=password_prompt))
        ledger = cls(chain)
        ledger.set_confirmations(confirmations)
        ledger.attach(vault=vault, desk=desk, stablecoin=stablecoin)
        if registry is not None:
            ledger.attach(**modules)
        return ledger

    @classmethod
    def local(
        cls,
        *,
        home: Path | None = None,
        account: str | Signer | None = None,
        chain_id: int | None = None,
        chain_id_source: str | None = None,
        confirmations: int = 1,
    ) -> Ledger:
        """The embedded local chain: starts (or attaches to) the anvil node in ``$IPLEDGER_HOME`` and deploys
        the contracts from ``dev0`` the first time (and the share contracts beside an older registry).

        The chain expected is ``chain_id`` if given, else the local deployment record's (``local/deployment.json``),
        else the local chain's (31337): a node reporting another one is refused
        (:class:`~ipledger.ChainMismatchError`). ``confirmations`` as in :meth:`connect` (the local node mines a block
        per transaction and none between: above 1, a call waits until others make blocks)."""
        _require_confirmations(confirmations)
        base = home or ipledger_home()
        info, _ = start_local_node(base)
        recorded = read_local_deployment(base)
        if chain_id is not None:
            expected, source = chain_id, chain_id_source or f"chain_id={chain_id} given to Ledger.local"
        elif recorded is not None:
            expected, source = recorded.chain_id, f"local deployment record {local_deployment_file(base)}"
        else:
            expected, source = LOCAL_CHAIN_ID, "the local network's chain"
        ledger = cls.connect(info.rpc_url, account=account, chain_id=expected, chain_id_source=source)
        deployer = resolve_signer("dev0", chain_id=ledger.chain_id)
        chain = ledger.chain
        if recorded is not None and chain.code_matches(recorded.registry):
            chain.attach_registry(recorded.registry)
            if not chain.attach_recorded(recorded):
                deploy_missing(chain, deployer, deployer.address, home=base)
                save_local_deployment(ledger.deployment, base)
        else:
            deploy_all(chain, deployer, deployer.address, home=base)
            save_local_deployment(ledger.deployment, base)
        # The local contracts are deployed at inclusion: the node makes no block between its transactions.
        ledger.set_confirmations(confirmations)
        return ledger

    def use(self, account: str | Signer) -> Ledger:
        """The same ledger (same contracts), signing as ``account``."""
        chain = Chain(
            self.chain.w3,
            rpc_url=self.chain.rpc_url,
            signer=None,
            registry=None,
            chain_id=self.chain_id,
            chain_id_source=self.chain.chain_id_source,
        )
        chain.copy_contracts(self.chain)
        chain.sender.stuck_after = self.chain.sender.stuck_after
        chain.sender.confirmations = self.chain.sender.confirmations
        chain.sender.max_resends = self.chain.sender.max_resends
        chain.sender.on_reorg = self.chain.sender.on_reorg
        chain.use_signer(account if isinstance(account, Signer) else resolve_signer(account, chain_id=self.chain_id))
        return Ledger(chain)

    def attach(
        self,
        *,
        vault: str | None = None,
        desk: str | None = None,
        stablecoin: str | None = None,
        licenses: str | None = None,
        attestations: str | None = None,
        disputes: str | None = None,
        loans: str | None = None,
    ) -> None:
        """Attaches (or replaces) the share vault, settlement desk, default payment token, rights-in-use modules or
        loan desk given. A trusted verify proves the right in the registry and in exactly the modules attached:
        attach the deployment's modules yourself rather than let the node name them."""
        for address, attach in (
            (licenses, self.chain.attach_licenses),
            (attestations, self.chain.attach_attestations),
            (disputes, self.chain.attach_disputes),
        ):
            if address is not None:
                attach(address)
        if vault is not None:
            self.chain.attach_vault(vault)
        if loans is not None:
            self.chain.attach_loans(loans)
        if desk is not None:
            self.chain.attach_desk(desk)
        if stablecoin is not None:
            self.chain.attach_stablecoin(stablecoin)

    def deploy(self, *, admin: str | None = None, deployer: Signer | None = None) -> str:
        """Deploys a new suite (see :meth:`deploy_all`) and returns the registry's address."""
        return self.deploy_all(admin=admin, deployer=deployer).registry

    def deploy_all(self, *, admin: str | None = None, deployer: Signer | None = None) -> Deployment:
        """Deploys a new registry, compliance registry, share vault and settlement desk (and on the local chain a
        test stablecoin, tUSD) and attaches to them.

        ``admin`` (default: the deployer) receives the registry's admin, registrar and guardian roles and the
        compliance registry's admin and compliance officer roles.

        Every transaction (the contract creations, then the role grants and links) is signed with consecutive nonces
        and sent at once, then all are confirmed: a few blocks instead of one block each. The plan is journalled in
        ``$IPLEDGER_HOME/deployments/pending/`` first, so a deployment cut off halfway is finished, not repeated,
        by calling this again with the same deployer and admin (see ``ipledger._deploy``); a transaction that
        failed is named by its step.

        Raises :class:`~ipledger.UnsupportedEvmError`, before anything is sent, on a chain whose EVM predates Cancun
        (the contracts use PUSH0, MCOPY and transient storage).
        """
        chain = self.chain
        signer = deployer or chain.signer
        admin_address = chain.address_of(admin) if admin else signer.address
        deploy_all(chain, signer, admin_address)
        return self.deployment

    # ------------------------------------------------------------------ the connection

    @property
    def confirmations(self) -> int:
        """How deep a sent transaction's block must be before the call returns (see :meth:`connect`)."""
        return self.chain.sender.confirmations

    def set_confirmations(self, confirmations: int, *, on_reorg: Callable[[str], None] | None = None) -> None:
        """Waits for ``confirmations`` blocks (at least 1: inclusion) after every transaction sent from now on;
        ``on_reorg``, when given, is told in one line of each reorganization that moves or drops one of them."""
        self.chain.sender.confirmations = _require_confirmations(confirmations)
        if on_reorg is not None:
            self.chain.sender.on_reorg = on_reorg

    @property
    def chain_id(self) -> int:
        """The chain this ledger signs for and sends to (see :attr:`Chain.chain_id <ipledger.Chain.chain_id>`)."""
        return self.chain.chain_id

    @property
    def signer(self) -> Signer:
        """The signing account (:class:`~ipledger.InvalidInputError` when there is none)."""
        return self.chain.signer

    def address_of(self, account: str) -> str:
        """A checksummed address from an address or account name (``dev1``, ``env:NAME``...)."""
        return self.chain.address_of(account)

    @property
    def deployment(self) -> Deployment:
        """The addresses of the attached contracts (and the transactions, when this ledger deployed them)."""
        return self.chain.deployment

    if not TYPE_CHECKING:  # at run time only: the type checker keeps refusing unknown names

        def __getattr__(self, name: str) -> NoReturn:
            """Names of the one-class ledger before the sub-clients say where they went."""
            if name in MOVED:
                raise AttributeError(f"Ledger.{name} moved to ledger.{MOVED[name]} (see CHANGELOG.md)")
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _require_confirmations(value: object) -> int:
    """``value`` as a number of confirmations (a whole number of blocks, at least 1), or :class:`InvalidInputError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"confirmations must be a whole number of blocks, at least 1, not {value!r}")
    return value
