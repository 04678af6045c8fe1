"""Official numbers: read one as the registry does, add a right's later numbers, open an unpublished application."""

from __future__ import annotations

import datetime as dt

import typer

from ipledger import NumberLookup, NumberOpened, NumbersAdded, parse_number_for

from ._context import open_ledger
from ._options import ExpiryOpt, FamilyOpt, KindOpt, NumberArg, NumbersArg, OfficeOpt, SaltOpt, TokenArg
from ._output import mined, output, prints
from ._render import details_lines, short, tx_line
from ._rights_commands import number_info

__all__ = ["add_number", "number", "open_number"]


def _expiry(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; use YYYY-MM-DD", param_hint="'--expiry'") from None


@prints(NumberLookup)
def number(text: NumberArg, office: OfficeOpt = None) -> None:
    """Read an official number as the registry does: its canonical form, what it can name, the token id it gives
    as a primary number, and the right that has it now (if any); "token_id" is null when no right has it.
    """
    out = output()
    parsed = parse_number_for(text, office, None, field="number")
    session = open_ledger(out)
    token = None if parsed.family else session.ledger.rights.token_of_number(parsed.canonical, office=parsed.office)
    lookup = NumberLookup(
        **dict(number_info(parsed)),
        kinds=sorted(parsed.kinds),
        right_id=None if parsed.family else hex(parsed.key),
        token_id=None if token is None else hex(token),
    )

    def human() -> None:
        if parsed.family:
            holder = "a family link: recorded with each right of the family, reserved by none"
        elif token is None:
            holder = "no right has it"
        else:
            holder = f"token {token:#x}" + (" (its primary number)" if token == parsed.key else " (reserved for it)")
        rows = [
            ("Number", parsed.canonical),
            ("Office", parsed.office),
            ("Names", " or ".join(kind.replace("_", " ") for kind in sorted(parsed.kinds))),
            ("Token id as primary", "-" if parsed.family else hex(parsed.key)),
            ("Registered", holder),
        ]
        out.line(details_lines(rows))

    out.result(lookup, human)


@prints(NumbersAdded)
def add_number(
    token: TokenArg, numbers: NumbersArg, family: FamilyOpt = None, kind: KindOpt = None, expiry: ExpiryOpt = None
) -> None:
    """Add official numbers to a right (its owner, or a registrar): its publication or grant number, reserved for
    its token, and --family links. --kind and --expiry update its record (a granted application: --kind patent); on
    a registrar-verified right only a registrar changes them.

    Numbers an owner adds stay provisional until a registrar adds them too. A number another right has is refused
    before anything is sent, naming that right.
    """
    out = output()
    until = _expiry(expiry)
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with out.progress("Adding numbers…"):
        result = ledger.rights.add_numbers(token_id, numbers, family=family or (), kind=kind, expiry=until)
    record = ledger.get(token_id)
    added = NumbersAdded(
        token_id=token_id,
        numbers=record.numbers,
        family=record.family,
        kind=record.kind,
        **mined(result),
    )

    def human() -> None:
        out.line(f"Token {short(hex(token_id))} ({record.kind.value.replace('_', ' ')}) now has the numbers:")
        listed = ", ".join(record.numbers) + (f"; family: {', '.join(record.family)}" if record.family else "")
        out.line(details_lines([("Numbers", listed)]))
        out.line(tx_line(result))

    out.result(added, human)


@prints(NumberOpened)
def open_number(token: TokenArg, application: NumberArg, salt: SaltOpt = None) -> None:
    """Open the commitment of a right registered with --unpublished, once its application is published: the
    number and its salt are shown on chain and the number is reserved for the right (its token id stays).
    """
    out = output()
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Opening the commitment…"):
        result = session.ledger.rights.open_number(token_id, application, salt=salt)
    canonical = session.ledger.get(token_id).numbers[-1]
    opened = NumberOpened(token_id=token_id, number=canonical, **mined(result))
    out.act(opened, f"Opened: {canonical} is now a number of token {short(hex(token_id))}.", result)
