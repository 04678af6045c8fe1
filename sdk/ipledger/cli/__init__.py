"""``ipledger``: the command line of the SDK (typer + rich).

Commands, grouped as the SDK's sub-clients are (``ledger.rights``, ``ledger.shares``...), and where they live:

- rights (``ledger.rights``): ``_rights_commands``: ``register`` (``--batch`` through ``_bulk_register``), ``assign``
  (alias ``transfer``), ``freeze``, ``unfreeze``, ``force-transfer``, ``revoke``; ``_number_commands``: ``number``,
  ``add-number``, ``open-number``; ``_record_commands``: ``publish-metadata``
- shares (``ledger.shares``): ``_share_commands``: ``shares fractionalize|balance|transfer|redeem|cap-table|permit|
  beneficiary``; ``_buyout_commands``: ``shares buyout start|tender|withdraw|settle|cancel|claim|redeem|show``
- compliance (``ledger.compliance``): ``_compliance_commands``: ``compliance verify-investor|add-venue|revoke|
  block-country|status|categories|officer|rules|can-transfer|pools|freeze|unfreeze|force-transfer|recover|restrict|
  unrestrict``
- market and payments (``ledger.market``, ``ledger.payments``): ``_market_commands``: ``market order|fill|cancel|
  orders`` (signed orders kept by ``_order_book``); ``_stablecoin_commands``: ``stablecoin mint|balance``
- licences (``ledger.licenses``): ``_license_commands``: ``license grant|revoke|show|list|check``
- attestations (``ledger.attestations``): ``_attest_commands``: ``attest add|submit|revoke|cancel-nonce|list``
- disputes (``ledger.disputes``): ``_dispute_commands``: ``dispute raise|resolve|list|settings``
- loans (``ledger.loans``): ``_loan_commands``: ``loan offer|request|accept|cancel|repay|refinance|enforce|bid|
  foreclose|record-loss|register-pledge|withdraw|show|credited|list``
- royalties (``ledger.royalties``): ``_royalty_commands``: ``royalty pay|claim|claim-for|owed``
- audit (``ledger.audit``): ``_audit_commands``: ``show``, ``history``, ``verify``, ``checkpoint``;
  ``_report_commands``: ``report TOKEN|--owner|--all``, ``report verify FILE``; ``_index_commands``: ``index
  sync|status|verify|history|portfolio|book|rights|transfers`` (the event index, SQLite or PostgreSQL);
  ``_serve_command``: ``serve`` (the web explorer and REST API over the index, ``ipledger.web``)
- contracts (``ledger.contracts``, ``Ledger.deploy_all``): ``_registry_commands``: ``deploy``, ``grant-role``
- vouchers (``ledger.rights``): ``_voucher_commands``: ``voucher sign|submit|cancel|show`` (registration vouchers
  and their files)
- node: ``_node_commands``: ``node start|stop|status``, the persistent local anvil chain in ``$IPLEDGER_HOME``
- networks: ``_network_commands``: ``network add|list|show|remove``, the named networks of
  ``$IPLEDGER_HOME/networks.toml``
- ``_schema_commands``: ``schema [COMMAND]``, the JSON schema of a command's ``--json`` output
- ``_demo``: ``demo``, the guided tour ``make demo`` runs

Shared machinery: ``_chain_options`` (the chain options ``--network``, ``--rpc-url``, ``--chain-id``, the contracts,
``--from`` and ``--json``, declared once and taken before or after any command), ``_context`` (the one prelude: a
:class:`~ipledger.Ledger` from those options, a named network's profile included), ``_options`` (the other option
aliases several commands spell the same), ``_inputs`` (metadata files, documents, evidence), ``_output`` (stdout:
each command's result model as JSON, or rich; diagnostics on stderr; the JSON schemas), ``_render`` (tables and
labels), ``_errors`` (every failure becomes one line on stderr and exit 1; usage errors exit 2; ``IPLEDGER_DEBUG=1``
shows the traceback).

The root group (``_lazy``) knows every command's name, panel and one-line help from :data:`COMMANDS` and imports a
command's module only when that command runs or shows its own help: ``ipledger --help`` and ``ipledger node status``
import neither web3 nor eth-account. A new command is a row of :data:`COMMANDS`.

Shared machinery: ``_options`` (the option aliases every command spells the same), ``_context`` (a
:class:`~ipledger.Ledger` from those options), ``_inputs`` (metadata files, documents, evidence), ``_output``
(JSON or rich on stdout, diagnostics on stderr), ``_render`` (tables and labels; ``_details`` its model-free
part), ``_errors`` (every failure becomes one line on stderr and exit 1; usage errors exit 2; ``IPLEDGER_DEBUG=1``
shows the traceback).

Every command module imports the SDK's public API only (``from ipledger import ...``); tests/cli checks it.
"""

from __future__ import annotations

from ._chain_options import CommandTyper, chain_options
from ._lazy import LazyCommand, LazyGroup

__all__ = ["COMMANDS", "app", "main"]

LOCAL = "Local chain"
REGISTRY = "Registry"
RIGHTS = "Rights"
AUDIT = "Audit"
SHARES = "Shares and trading"
IN_USE = "Rights in use"

#: Every command of ``ipledger``, in the order ``ipledger --help`` lists them: name, panel, ``module:attribute`` and
#: the line ``--help`` shows (the first paragraph of the command's own help; a test keeps them equal).
COMMANDS = (
    LazyCommand(
        "demo",
        LOCAL,
        "_demo:demo",
        "Tour ipledger on a throwaway chain: register a patent, assign it, freeze it, audit it, trade shares, "
        "license it.",
        chainless=True,
    ),
    LazyCommand(
        "deploy",
        REGISTRY,
        "_registry_commands:deploy",
        "Deploy the contracts: the registry, the compliance registry, the share vault and the settlement desk (and "
        "a test stablecoin, tUSD, on a local chain). The deployer (or --admin) holds every role.",
    ),
    LazyCommand(
        "grant-role",
        REGISTRY,
        "_registry_commands:grant_role",
        "Grant ROLE (admin, registrar, guardian, compliance-officer, attestor or arbitrator) to ACCOUNT; --from "
        "must be an admin.",
    ),
    LazyCommand(
        "network",
        REGISTRY,
        "_network_commands:network_app",
        "Named networks: a name for an RPC URL, the chain id its node must report and the contracts there, so "
        "`--network NAME` replaces --rpc-url, --chain-id, --registry, --vault and --desk. Kept in "
        "$IPLEDGER_HOME/networks.toml; `ipledger deploy --network NAME` records its own.",
    ),
    LazyCommand(
        "register",
        RIGHTS,
        "_rights_commands:register",
        "Register a right: hash its documents, validate its metadata and mint its token. With --batch FILE, "
        "register every right of a file.",
    ),
    LazyCommand(
        "assign",
        RIGHTS,
        "_rights_commands:assign",
        "Assign a right to TO under a deed (also available as `transfer`).",
    ),
    LazyCommand(
        "transfer",
        RIGHTS,
        "_rights_commands:assign",
        "Assign a right to TO under a deed (also available as `transfer`).",
    ),
    LazyCommand(
        "freeze",
        RIGHTS,
        "_rights_commands:freeze",
        "Freeze a right under a court order or decision (registrar only): it cannot be assigned or transferred.",
    ),
    LazyCommand(
        "unfreeze",
        RIGHTS,
        "_rights_commands:unfreeze",
        "Lift the freeze of a right under a court order or decision (registrar only).",
    ),
    LazyCommand(
        "force-transfer",
        RIGHTS,
        "_rights_commands:force_transfer",
        "Move a right to TO without its owner, under a court order or decision (registrar only).",
    ),
    LazyCommand(
        "revoke",
        RIGHTS,
        "_rights_commands:revoke",
        "Revoke (burn) a right under a court order or decision (registrar only); frozen and disputed rights too.",
    ),
    LazyCommand(
        "add-number",
        RIGHTS,
        "_number_commands:add_number",
        "Add official numbers to a right (its owner, or a registrar): its publication or grant number, reserved for "
        "its token, and --family links. --kind and --expiry update its record (a granted application: --kind "
        "patent); on a registrar-verified right only a registrar changes them.",
    ),
    LazyCommand(
        "open-number",
        RIGHTS,
        "_number_commands:open_number",
        "Open the commitment of a right registered with --unpublished, once its application is published: the "
        "number and its salt are shown on chain and the number is reserved for the right (its token id stays).",
    ),
    LazyCommand(
        "publish-metadata",
        RIGHTS,
        "_record_commands:publish_metadata",
        "Publish a right's new public record (a grant date, a new expiry, an assignee's name) as its owner or a "
        "registrar; --open publishes confidential fields in clear, checkable against their earlier commitments.",
    ),
    LazyCommand(
        "voucher",
        RIGHTS,
        "_voucher_commands:voucher_app",
        "Registration vouchers: a registrar signs one for a right's owner (sign), who registers it by submitting the "
        "file, gas paid by whoever submits (submit); check a file (show), or void a recipient's open vouchers "
        "(cancel).",
    ),
    LazyCommand(
        "number",
        AUDIT,
        "_number_commands:number",
        "Read an official number as the registry does: its canonical form, what it can name, the token id it "
        'gives as a primary number, and the right that has it now (if any); "token_id" is null when no right '
        "has it.",
    ),
    LazyCommand(
        "show",
        AUDIT,
        "_audit_commands:show",
        "Show a right, found by its token id or any of its official numbers: its public record (title, numbers, "
        "parties, dates, documents), owner, status (a revoked right: when, by whom, under which order), registrar "
        "and hashes.",
    ),
    LazyCommand(
        "history",
        AUDIT,
        "_audit_commands:history",
        "List everything that happened to a right, oldest first: registration, assignments, freezes, transfers, "
        "fractionalization into shares and redemption.",
    ),
    LazyCommand(
        "verify",
        AUDIT,
        "_audit_commands:verify",
        "Check a right's provenance; exit 0 only when every check passes (exit 1 when one fails, exit 2 when what "
        "the node said could not be proven against the trusted block hashes).",
    ),
    LazyCommand(
        "checkpoint",
        AUDIT,
        "_audit_commands:checkpoint",
        "Print the hash of the latest block (or block N) as this node reports it: a checkpoint for `verify "
        "--trust-block-hash` and `index verify`. Only the hash goes to stdout (`HASH=$(ipledger checkpoint)`).",
    ),
    LazyCommand(
        "report",
        AUDIT,
        "_report_commands:report",
        "Write an audit report of one right (TOKEN), a portfolio (--owner) or every right (--all), as at a date.",
    ),
    LazyCommand(
        "schema",
        AUDIT,
        "_schema_commands:schema",
        "Print the JSON schema of what COMMAND prints with --json, generated from its result model (always JSON). "
        "Without COMMAND, list every command and the result it prints (every schema with --json).",
        chainless=True,
    ),
    LazyCommand(
        "node",
        LOCAL,
        "_node_commands:node_app",
        "Start, stop and inspect the local chain (an anvil node whose state persists in $IPLEDGER_HOME).",
    ),
    LazyCommand(
        "index",
        AUDIT,
        "_index_commands:index_app",
        "The index of the registry's, the share vault's and the share tokens' events (SQLite, or PostgreSQL with "
        "--index-url): sync it, then query history, portfolios, lenders' books of loans, rights and transfers "
        "without the node.",
    ),
    LazyCommand(
        "serve",
        AUDIT,
        "_serve_command:serve",
        "Serve the web explorer and its REST API over the event index, read-only, syncing the index from the network "
        "in the background.",
    ),
    LazyCommand(
        "shares",
        SHARES,
        "_share_commands:shares_app",
        "Fractionalize a right into ERC-20 shares held by verified investors and venues; move, redeem, list holders, "
        "buy a right out.",
    ),
    LazyCommand(
        "compliance",
        SHARES,
        "_compliance_commands:compliance_app",
        "Verify investors and their categories, register venue wallets, block countries, appoint officers, set a "
        "token's rules; freeze, force-transfer and recover shares (compliance officers; dev0 on the local chain).",
    ),
    LazyCommand(
        "market",
        SHARES,
        "_market_commands:market_app",
        "Trade shares or whole rights by signed orders: the maker signs off chain, the taker fills on chain, and "
        "the settlement desk swaps asset and payment atomically.",
    ),
    LazyCommand(
        "stablecoin",
        SHARES,
        "_stablecoin_commands:stablecoin_app",
        "The local chain's test stablecoin tUSD (anyone may mint it) and payment-token balances.",
    ),
    LazyCommand(
        "license",
        IN_USE,
        "_license_commands:license_app",
        "Grant, revoke, list and check licences of a right: who may use it, where, in which field, until when, and "
        "for what royalty. A licence binds every later owner of the right.",
    ),
    LazyCommand(
        "royalty",
        IN_USE,
        "_royalty_commands:royalty_app",
        "Royalties on licences: licensees pay; the right's owner withdraws, or, for a fractionalized right, each "
        "share holder claims a pro-rata part; see what is owed.",
    ),
    LazyCommand(
        "attest",
        IN_USE,
        "_attest_commands:attest_app",
        "Attestations about a right by third parties with the attestor role (title verified, valuation, freedom to "
        "operate...): attest directly or sign one for anyone to submit; revoke; list.",
    ),
    LazyCommand(
        "dispute",
        IN_USE,
        "_dispute_commands:dispute_app",
        "Dispute a right (anyone, with evidence and a bond); arbitrators uphold or dismiss; list a right's "
        "disputes; read or set the bond and the rules.",
    ),
    LazyCommand(
        "loan",
        IN_USE,
        "_loan_commands:loan_app",
        "Borrow against a right or its shares: a lender signs an offer, the borrower accepts it (the right is "
        "pledged, the principal paid); repay to release the pledge, or the lender enforces it by auction.",
    ),
)


class _RootGroup(LazyGroup):
    table = COMMANDS


app = CommandTyper(
    name="ipledger",
    cls=_RootGroup,
    help="Register, trade and audit intellectual-property rights (patents, trademarks, designs...) as tokens on "
    "an EVM chain; fractionalize them into shares for verified investors. Start with `ipledger demo`.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The chain options before any command; the commands come from COMMANDS, not from app.command().
app.callback()(chain_options)


def main() -> None:
    """Entry point of the ``ipledger`` script."""
    app()
