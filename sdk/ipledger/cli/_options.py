"""Option and argument aliases shared by several commands, so each flag is spelled and explained once.

The chain options (``--network``, ``--rpc-url``, ``--chain-id``, the contracts, ``--from``, ``--json``) are not
here: every command takes them from ``_chain_options``, before or after its name.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ipledger import RightKind

__all__ = [
    "AMOUNTS_HELP",
    "AccountArg",
    "AlsoNumberOpt",
    "DATE_FORMATS",
    "DeedOpt",
    "DocsOpt",
    "EvidenceOpt",
    "ExpiryOpt",
    "FamilyOpt",
    "JurisdictionOpt",
    "KindOpt",
    "MetadataOpt",
    "NumberArg",
    "NumberOpt",
    "NumbersArg",
    "OfficeOpt",
    "OrderOpt",
    "RawOpt",
    "ReasonOpt",
    "Role",
    "SaltOpt",
    "ShareReasonOpt",
    "TitleOpt",
    "ToArg",
    "TokenArg",
    "UnpublishedOpt",
]

#: What date options accept (UTC): a day, or a day and a time.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
EVIDENCE_PANEL = "Evidence"
METADATA_PANEL = "Metadata"


class Role(StrEnum):
    """Roles that ``grant-role`` hands out (the compliance officer's is held in the compliance registry, the
    attestor's in the attestation registry, the arbitrator's in the dispute manager)."""

    ADMIN = "admin"
    REGISTRAR = "registrar"
    GUARDIAN = "guardian"
    COMPLIANCE_OFFICER = "compliance-officer"
    ATTESTOR = "attestor"
    ARBITRATOR = "arbitrator"

    @property
    def sdk_name(self) -> str:
        """The role's name for :meth:`ledger.contracts.grant_role <ipledger.Contracts.grant_role>`."""
        return self.value.replace("-", "_")


# ---------------------------------------------------------------------------- arguments

TokenArg = Annotated[
    str,
    typer.Argument(
        metavar="TOKEN",
        help='The right: its token id (decimal or 0x hex) or any of its official numbers ("ZL 2020 1 0123456.2").',
        show_default=False,
    ),
]
ToArg = Annotated[
    str,
    typer.Argument(metavar="TO", help="New owner: an address or an account name (devN, env:NAME, keystore file)."),
]
AccountArg = Annotated[
    str,
    typer.Argument(metavar="ACCOUNT", help="An address or an account name (devN, env:NAME, keystore file)."),
]

# ---------------------------------------------------------------------------- documents and metadata

DocsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--doc",
        metavar="[ROLE=]FILE",
        help="A document of the right; repeat for each. ROLE= declares what it is (claims, description, drawings, "
        "abstract, specification, translation, certificate, deed, other). Only its SHA-256, size and role go on "
        "chain, never its name.",
        show_default=False,
    ),
]
MetadataOpt = Annotated[
    Path | None,
    typer.Option(
        "--metadata",
        metavar="FILE",
        help="Metadata as JSON or YAML: title, kind, jurisdiction, number, inventors, assignee, filing_date, "
        "priority_date, grant_date, expiry_date, abstract.",
        rich_help_panel=METADATA_PANEL,
    ),
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Title of the right.", rich_help_panel=METADATA_PANEL)]
KindOpt = Annotated[
    RightKind | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="Kind of right: " + ", ".join(kind.value for kind in RightKind) + ".",
        rich_help_panel=METADATA_PANEL,
    ),
]
JurisdictionOpt = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        metavar="CODE",
        help="Office: ISO 3166-1 alpha-2 country (CN, US, JP...) or regional office (EP, WO...); taken from the"
        " number when it says (ZL, CN, EP, 特許...).",
        rich_help_panel=METADATA_PANEL,
    ),
]
NumberOpt = Annotated[
    str | None,
    typer.Option(
        "--number",
        help="The right's official number as written ('ZL 2020 1 0123456.2', '特許第6543210号', 'EP 3 456 789 B1');"
        " the token id is derived from it (docs/numbers.md). For a trade secret, your own reference (optional).",
        rich_help_panel=METADATA_PANEL,
    ),
]
AlsoNumberOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--also-number",
        metavar="NUMBER",
        help="Another number of the same right and office (its publication or grant number); reserved for its"
        " token. Repeatable.",
        rich_help_panel=METADATA_PANEL,
    ),
]
UnpublishedOpt = Annotated[
    bool,
    typer.Option(
        "--unpublished",
        help="The number is an application not yet published: register it as a salted commitment that reveals"
        " nothing until `ipledger open-number` (docs/numbers.md); the salt is kept in $IPLEDGER_HOME/salts.",
        rich_help_panel=METADATA_PANEL,
    ),
]
NumbersArg = Annotated[
    list[str],
    typer.Argument(
        metavar="NUMBER...",
        help="Official numbers as written ('CN 111234567 B', 'EP 3 456 789 B1').",
        show_default=False,
    ),
]
NumberArg = Annotated[
    str,
    typer.Argument(metavar="NUMBER", help="An official number as written ('ZL 2020 1 0123456.2').", show_default=False),
]
OfficeOpt = Annotated[
    str | None,
    typer.Option("--office", metavar="CODE", help="The office, for bare digits that do not say it (DE, CN, JP...)."),
]
SaltOpt = Annotated[
    str | None,
    typer.Option(
        "--salt",
        metavar="HEX",
        help="The salt the right was registered with (0x and 64 hex digits); by default the one kept in"
        " $IPLEDGER_HOME/salts.",
    ),
]
ExpiryOpt = Annotated[
    str | None,
    typer.Option("--expiry", metavar="YYYY-MM-DD", help="The right's new expiry date (default: unchanged)."),
]
FamilyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--family",
        metavar="NUMBER",
        help="A number the right shares with its family (PCT application, WO publication, priority application);"
        " recorded, never reserved. Repeatable.",
        rich_help_panel=METADATA_PANEL,
    ),
]

# ---------------------------------------------------------------------------- evidence

DeedOpt = Annotated[
    str | None,
    typer.Option(
        "--deed",
        metavar="FILE",
        help="The signed assignment deed: a file whose SHA-256 is recorded on chain, or a 0x-prefixed SHA-256.",
        rich_help_panel=EVIDENCE_PANEL,
    ),
]
OrderOpt = Annotated[
    str | None,
    typer.Option(
        "--order",
        metavar="FILE",
        help="The court order or decision: a file whose SHA-256 is recorded, or a 0x-prefixed SHA-256.",
        rich_help_panel=EVIDENCE_PANEL,
    ),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason",
        metavar="TEXT",
        help="Instead of --order: a reference or reason as text (e.g. a docket number); its SHA-256 is recorded.",
        rich_help_panel=EVIDENCE_PANEL,
    ),
]

# ---------------------------------------------------------------------------- amounts and reasons

AMOUNTS_HELP = (
    "Amounts are in whole tokens with up to the token's decimals (1000, 2.5, 1_000_000); with --raw they are "
    "integers in base units (1 share of an 18-decimal token is 1000000000000000000). JSON output gives base units "
    "as decimal strings."
)
RawOpt = Annotated[
    bool,
    typer.Option("--raw", help="Amounts (and prices) are integers in base units, not whole tokens."),
]
EvidenceOpt = Annotated[
    str | None,
    typer.Option(
        "--evidence",
        metavar="FILE",
        help="The supporting document (KYC file, court order...): a file whose SHA-256 is recorded, or a "
        "0x-prefixed SHA-256.",
        rich_help_panel=EVIDENCE_PANEL,
    ),
]
ShareReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason",
        metavar="TEXT",
        help="Instead of --evidence: a reference or reason as text (a docket or ticket number); its SHA-256 is "
        "recorded.",
        rich_help_panel=EVIDENCE_PANEL,
    ),
]
