"""``ipledger``: the command line of the SDK (typer + rich).

Commands and where they live (each module has one job):

- ``_node_commands``: ``node start|stop|status``, the persistent local anvil chain in ``$IPLEDGER_HOME``
- ``_registry_commands``: ``deploy``, ``grant-role``
- ``_rights_commands``: ``register``, ``assign`` (alias ``transfer``), ``freeze``, ``unfreeze``, ``force-transfer``
- ``_audit_commands``: ``show``, ``history``, ``verify``
- ``_demo``: ``demo``, the guided tour ``make demo`` runs

Shared machinery: ``_options`` (the option aliases every command spells the same), ``_context`` (a
:class:`~ipledger.Ledger` from those options), ``_inputs`` (metadata files, documents, evidence), ``_output``
(JSON or rich on stdout, diagnostics on stderr), ``_render`` (tables and labels), ``_errors`` (every failure
becomes one line on stderr and exit 1; usage errors exit 2; ``IPLEDGER_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import typer

from ._audit_commands import history, show, verify
from ._demo import demo
from ._errors import ErrorHandlingGroup
from ._node_commands import node_app
from ._registry_commands import deploy, grant_role
from ._rights_commands import assign, force_transfer, freeze, register, unfreeze

__all__ = ["app", "main"]

app = typer.Typer(
    name="ipledger",
    cls=ErrorHandlingGroup,
    help="Register, trade and audit intellectual-property rights (patents, trademarks, designs...) as tokens on "
    "an EVM chain. Start with `ipledger demo`.",
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
app.command("show", rich_help_panel="Audit")(show)
app.command("history", rich_help_panel="Audit")(history)
app.command("verify", rich_help_panel="Audit")(verify)


def main() -> None:
    """Entry point of the ``ipledger`` script."""
    app()
