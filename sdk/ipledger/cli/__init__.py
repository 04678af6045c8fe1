"""``ipledger``: the command line of the SDK (typer + rich).

Commands, grouped as the SDK's sub-clients are (``ledger.rights``, ``ledger.shares``...), and where they live:

- rights (``ledger.rights``): ``_rights_commands``: ``register`` (``--batch`` through ``_bulk_register``), ``assign``
  (alias ``transfer``), ``freeze``, ``unfreeze``, ``force-transfer``, ``revoke``; ``_number_commands``: ``number``,
  ``add-number``, ``open-number``; ``_record_commands``: ``publish-metadata``
- shares (``ledger.shares``): ``_share_commands``: ``shares fractionalize|balance|transfer|redeem|cap-table|permit``
- compliance (``ledger.compliance``): ``_compliance_commands``: ``compliance verify-investor|add-venue|revoke|
  block-country|status|freeze|unfreeze|force-transfer|recover|restrict|unrestrict``
- market and payments (``ledger.market``, ``ledger.payments``): ``_market_commands``: ``market order|fill|cancel|
  orders`` (signed orders kept by ``_order_book``); ``_stablecoin_commands``: ``stablecoin mint|balance``
- licences (``ledger.licenses``): ``_license_commands``: ``license grant|revoke|show|list|check``
- attestations (``ledger.attestations``): ``_attest_commands``: ``attest add|submit|revoke|cancel-nonce|list``
- disputes (``ledger.disputes``): ``_dispute_commands``: ``dispute raise|resolve|list|settings``
- royalties (``ledger.royalties``): ``_royalty_commands``: ``royalty pay|claim|owed``
- audit (``ledger.audit``): ``_audit_commands``: ``show``, ``history``, ``verify``, ``checkpoint``;
  ``_report_commands``: ``report TOKEN|--owner|--all``, ``report verify FILE``; ``_index_commands``: ``index
  sync|status|verify|history|portfolio|rights|transfers`` (the SQLite event index)
- contracts (``ledger.contracts``, ``Ledger.deploy_all``): ``_registry_commands``: ``deploy``, ``grant-role``
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

Every command module imports the SDK's public API only (``from ipledger import ...``); tests/cli checks it.
"""

from __future__ import annotations

from ._attest_commands import attest_app
from ._audit_commands import checkpoint, history, show, verify
from ._chain_options import CommandTyper, OutputCommand, chain_options
from ._compliance_commands import compliance_app
from ._demo import demo
from ._dispute_commands import dispute_app
from ._errors import ErrorHandlingGroup
from ._index_commands import index_app
from ._license_commands import license_app
from ._market_commands import market_app
from ._network_commands import network_app
from ._node_commands import node_app
from ._number_commands import add_number, number, open_number
from ._record_commands import publish_metadata
from ._registry_commands import deploy, grant_role
from ._report_commands import report
from ._rights_commands import assign, force_transfer, freeze, register, revoke, unfreeze
from ._royalty_commands import royalty_app
from ._schema_commands import schema
from ._share_commands import shares_app
from ._stablecoin_commands import stablecoin_app

__all__ = ["app", "main"]

app = CommandTyper(
    name="ipledger",
    cls=ErrorHandlingGroup,
    help="Register, trade and audit intellectual-property rights (patents, trademarks, designs...) as tokens on "
    "an EVM chain; fractionalize them into shares for verified investors. Start with `ipledger demo`.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(chain_options)

app.add_typer(node_app, name="node", rich_help_panel="Local chain")
app.add_typer(network_app, name="network", rich_help_panel="Registry")
app.command("demo", rich_help_panel="Local chain", cls=OutputCommand)(demo)
app.command("deploy", rich_help_panel="Registry")(deploy)
app.command("grant-role", rich_help_panel="Registry")(grant_role)
app.command("register", rich_help_panel="Rights")(register)
app.command("assign", rich_help_panel="Rights")(assign)
app.command("transfer", rich_help_panel="Rights")(assign)
app.command("freeze", rich_help_panel="Rights")(freeze)
app.command("unfreeze", rich_help_panel="Rights")(unfreeze)
app.command("force-transfer", rich_help_panel="Rights")(force_transfer)
app.command("revoke", rich_help_panel="Rights")(revoke)
app.command("add-number", rich_help_panel="Rights")(add_number)
app.command("open-number", rich_help_panel="Rights")(open_number)
app.command("publish-metadata", rich_help_panel="Rights")(publish_metadata)
app.command("number", rich_help_panel="Audit")(number)
app.command("show", rich_help_panel="Audit")(show)
app.command("history", rich_help_panel="Audit")(history)
app.command("verify", rich_help_panel="Audit")(verify)
app.command("checkpoint", rich_help_panel="Audit")(checkpoint)
app.command("report", rich_help_panel="Audit")(report)
app.command("schema", rich_help_panel="Audit", cls=OutputCommand)(schema)
app.add_typer(index_app, name="index", rich_help_panel="Audit")
app.add_typer(shares_app, name="shares", rich_help_panel="Shares and trading")
app.add_typer(compliance_app, name="compliance", rich_help_panel="Shares and trading")
app.add_typer(market_app, name="market", rich_help_panel="Shares and trading")
app.add_typer(stablecoin_app, name="stablecoin", rich_help_panel="Shares and trading")
app.add_typer(license_app, name="license", rich_help_panel="Rights in use")
app.add_typer(royalty_app, name="royalty", rich_help_panel="Rights in use")
app.add_typer(attest_app, name="attest", rich_help_panel="Rights in use")
app.add_typer(dispute_app, name="dispute", rich_help_panel="Rights in use")


def main() -> None:
    """Entry point of the ``ipledger`` script."""
    app()
