"""``report``: audit reports (one right, an owner's portfolio or every right, as at a date) and ``report verify``.

``report verify FILE`` is dispatched from the same command (a group could not also take ``TOKEN`` as its first
argument): when the first argument is ``verify``, the second is the file to check.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.text import Text

from ipledger import (
    ReportCheck,
    ReportSignature,
    ReportWritten,
    build_report,
    render_report,
    sidecar_document,
    sidecar_path,
    sign_bytes,
    sign_report,
    signed_envelope_bytes,
    verify_report_file,
)

from ._context import open_ledger
from ._output import Output, output, prints

__all__ = ["report"]

REPORT_PANEL = "Report"


class ReportLanguage(StrEnum):
    EN = "en"
    ZH_HANS = "zh-Hans"
    ZH_HANT = "zh-Hant"


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"


TargetArg = Annotated[
    str | None,
    typer.Argument(
        metavar="TOKEN|verify",
        help="Token id of the right (decimal or 0x hex); or `verify` followed by a report file to check.",
        show_default=False,
    ),
]
FileArg = Annotated[
    str | None, typer.Argument(metavar="FILE", help="With `verify`: the report file to check.", show_default=False)
]
OwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--owner",
        metavar="ACCOUNT",
        help="Report every right this address or account held at the report date (its portfolio).",
        rich_help_panel=REPORT_PANEL,
    ),
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="Report every right in the registry.", rich_help_panel=REPORT_PANEL)
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="YYYY-MM-DD",
        help="Report as at the end of this day (UTC): the latest block at or before it; later events are left out.",
        rich_help_panel=REPORT_PANEL,
    ),
]
FormatOpt = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        help="json (canonical JSON), csv (one row per custody interval and per event) or html (one self-contained "
        "page with a custody timeline per right).",
        rich_help_panel=REPORT_PANEL,
    ),
]
LangOpt = Annotated[
    ReportLanguage,
    typer.Option(
        "--lang",
        help="Language of the HTML report: en, zh-Hans (Simplified Chinese) or zh-Hant (Traditional Chinese, as "
        "read in Hong Kong and Taiwan). JSON and CSV are the same in every language.",
        rich_help_panel=REPORT_PANEL,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE (default: stdout).",
        rich_help_panel=REPORT_PANEL,
    ),
]
SignOpt = Annotated[
    bool,
    typer.Option(
        "--sign",
        help="Sign with the --from account (EIP-191 over keccak-256): JSON becomes {report, signature}; CSV and "
        "HTML get FILE.sig.json beside them (needs --output).",
        rich_help_panel=REPORT_PANEL,
    ),
]
SignerOpt = Annotated[
    str | None,
    typer.Option(
        "--signer",
        metavar="ADDRESS",
        help="With `report verify`: the report must have been signed by this address.",
        rich_help_panel=REPORT_PANEL,
    ),
]


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint="'--at'") from None


@prints(ReportWritten | ReportCheck)
def report(
    target: TargetArg = None,
    file: FileArg = None,
    owner: OwnerOpt = None,
    all_: AllOpt = False,
    at: AtOpt = None,
    format_: FormatOpt = ReportFormat.JSON,
    lang: LangOpt = ReportLanguage.EN,
    written_to: OutputOpt = None,
    sign: SignOpt = False,
    signer: SignerOpt = None,
) -> None:
    """Write an audit report of one right (TOKEN), a portfolio (--owner) or every right (--all), as at a date.

    Per right: the verification checks, who held it from when to when, freezes, notices and the cap table when
    it is fractionalized. `ipledger report verify FILE` checks a signed report offline (no chain needed) and
    exits 0 only when the hash and the signature check out; CSV and HTML are checked against FILE.sig.json.

    Without --output the report itself goes to stdout (its format: docs/reports.md); with --json and --output the
    command prints what it wrote, and `report verify --json` the check.
    """
    out = output()
    if target == "verify":
        if file is None:
            raise typer.BadParameter("give the report file to check: ipledger report verify FILE")
        _verify(out, Path(file), signer)
        return
    if file is not None:
        raise typer.BadParameter(f"unexpected extra argument {file!r}")
    scopes = sum((target is not None, owner is not None, all_))
    if scopes != 1:
        raise typer.BadParameter("give exactly one of TOKEN, --owner ACCOUNT or --all")
    when = None if at is None else _parse_date(at)
    fmt: Literal["json", "csv", "html"] = format_.value
    if written_to is None and sign and fmt != "json":
        raise typer.BadParameter("a signed CSV or HTML report needs --output FILE (its signature goes beside it)")
    if written_to is None and out.json_mode and fmt != "json":
        raise typer.BadParameter("--json without --output prints only JSON: use --format json or give --output")
    session = open_ledger(out)
    token = None if target is None else session.ledger.rights.resolve(target)
    with out.progress("Building the report…"):
        built = build_report(session.ledger, token=token, owner=owner, all_rights_=all_, at=when)
    auditor = session.signer() if sign else None
    signature = None
    if auditor is not None and fmt == "json":
        envelope = sign_report(built, auditor)
        data = signed_envelope_bytes(envelope)
        signature = ReportSignature.model_validate(envelope["signature"])
    else:
        data = render_report(built, fmt, lang.value)
    if written_to is None:
        typer.echo(data.decode("utf-8"), nl=not data.endswith(b"\n"))
        return
    written_to.write_bytes(data)
    if auditor is not None and fmt != "json":
        sidecar = sign_bytes(auditor, data)
        sidecar_path(written_to).write_text(
            json.dumps(sidecar_document(written_to, sidecar), indent=2, sort_keys=True) + "\n", "utf-8"
        )
        signature = sidecar
    written = ReportWritten(
        output=str(written_to),
        format=fmt,
        lang=lang.value,
        scope=built.scope,
        block=built.block,
        verdict=built.verdict,
        rights=len(built.rights),
        signature=signature,
    )

    def human() -> None:
        count = len(built.rights)
        out.line(
            f"Wrote a {fmt.upper()} report of {count} right{'s' * (count != 1)} as at block {built.block} "
            f"({built.block_time:%Y-%m-%d %H:%M} UTC) to {written_to}: {built.verdict}."
        )
        if signature is not None:
            where = written_to if fmt == "json" else sidecar_path(written_to)
            out.line(f"Signed by {signature.signer} (signature in {where}).")

    out.result(written, human)


def _verify(out: Output, path: Path, signer: str | None) -> None:
    ok, recovered, reasons = verify_report_file(path, expected_signer=signer)
    check = ReportCheck(ok=ok, signer=recovered, reasons=reasons, file=str(path))

    def human() -> None:
        if ok:
            out.line(Text.assemble(("VALID", "bold green"), f": {path} was signed by {recovered} and is unchanged."))
        else:
            out.line(Text.assemble(("INVALID", "bold red"), f": {path}"))
            for reason in reasons:
                out.line(f"  • {reason}")

    out.result(check, human)
    if not ok:
        out.note(Text(f"report verification failed: {'; '.join(reasons)}", style="red"))
        raise typer.Exit(1)
