"""``ipledger``: the command line of the SDK (typer + rich).

Commands and where they live (each module has one job):

- ``_node_commands``: ``node start|stop|status``, the persistent local anvil chain in ``$IPLEDGER_HOME``
- ``_registry_commands``: ``deploy``, ``grant-role``
- ``_rights_commands``: ``register``, ``assign`` (alias ``transfer``), ``freeze``, ``unfreeze``, ``force-transfer``
- ``_audit_commands``: ``show``, ``history``, ``verify``, ``checkpoint``
- ``_report_commands``: ``report TOKEN|--owner|--all``, ``report verify FILE``
- ``_index_commands``: ``index sync|status|history|portfolio|rights|transfers`` (the SQLite event index)
- ``_share_commands``: ``shares fractionalize|balance|transfer|redeem|cap-table|permit``
- ``_compliance_commands``: ``compliance verify-investor|add-venue|revoke|block-country|status|freeze|unfreeze|
  force-transfer|recover|restrict|unrestrict``
- ``_market_commands``: ``market order|fill|cancel|orders`` (signed orders kept by ``_order_book``)
- ``_stablecoin_commands``: ``stablecoin mint|balance`` (the local test dollar)
- ``_license_commands``: ``license grant|revoke|show|list|check`` (licences of a right)
- ``_attest_commands``: ``attest add|submit|revoke|cancel-nonce|list`` (third-party attestations)
- ``_dispute_commands``: ``dispute raise|resolve|list|settings`` (disputes, bonds and rulings)
- ``_royalty_commands``: ``royalty pay|claim|owed`` (royalties to owners and share holders)
- ``_demo``: ``demo``, the guided tour ``make demo`` runs

Shared machinery: ``_options`` (the option aliases every command spells the same), ``_context`` (a
:class:`~ipledger.Ledger` from those options), ``_inputs`` (metadata files, documents, evidence), ``_output``
(JSON or rich on stdout, diagnostics on stderr), ``_render`` (tables and labels), ``_errors`` (every failure
becomes one line on stderr and exit 1; usage errors exit 2; ``IPLEDGER_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import typer

from ._attest_commands import attest_app
from ._audit_commands import checkpoint, history, show, verify
from ._compliance_commands import compliance_app
from ._demo import demo
from ._dispute_commands import dispute_app
from ._errors import ErrorHandlingGroup
from ._index_commands import index_app
from ._license_commands import license_app
from ._market_commands import market_app
from ._node_commands import node_app
from ._number_commands import add_number, number, open_number
from ._record_commands import publish_metadata
from ._registry_commands import deploy, grant_role
from ._report_commands import report
from ._rights_commands import assign, force_transfer, freeze, register, revoke, unfreeze
from ._royalty_commands import royalty_app
from ._share_commands import shares_app
from ._stablecoin_commands import stablecoin_app
from ._voucher_commands import voucher_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="ipledger",
    cls=ErrorHandlingGroup,
    help="Register, trade and audit intellectual-property rights (patents, trademarks, designs...) as tokens on "
    "an EVM chain; fractionalize them into shares for verified investors. Start with `ipledger demo`.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.add_typer(node_app, name="node", rich_help_panel="Local chain")
app.command("demo", rich_help_panel="Local chain")(demo)
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
app.add_typer(voucher_app, name="voucher", rich_help_panel="Rights")
app.command("number", rich_help_panel="Audit")(number)
app.command("show", rich_help_panel="Audit")(show)
app.command("history", rich_help_panel="Audit")(history)
app.command("verify", rich_help_panel="Audit")(verify)
app.command("checkpoint", rich_help_panel="Audit")(checkpoint)
app.command("report", rich_help_panel="Audit")(report)
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
