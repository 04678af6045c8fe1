"""The pieces every model module shares: the frozen output base, chain value types and the accepted offices."""

from __future__ import annotations

from typing import Annotated, Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from ipledger.chain._accounts import is_valid_address
from ipledger.models._ids import int_from_text

__all__ = ["REGIONAL_OFFICES", "ZERO_ADDRESS", "Address", "Uint256", "_Out"]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

#: Regional and international offices accepted as jurisdictions beside ISO 3166-1 alpha-2 countries.
REGIONAL_OFFICES: dict[str, str] = {
    "EP": "European Patent Office",
    "WO": "WIPO (PCT / Madrid / Hague)",
    "EM": "EU Intellectual Property Office",
    "EA": "Eurasian Patent Organization",
    "AP": "ARIPO",
    "OA": "OAPI",
    "GC": "GCC Patent Office",
    "IB": "WIPO International Bureau",
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


def _uint256(value: Any) -> int:
    """An unsigned 256-bit integer from an int or a decimal (or 0x hex) string, as JSON order files carry them."""
    if isinstance(value, bool):
        raise ValueError("expected an integer, not a boolean")
    if isinstance(value, str):
        value = int_from_text(value)
    if not isinstance(value, int):
        raise ValueError(f"expected an integer, not {type(value).__name__}")
    if not 0 <= value < 2**256:
        raise ValueError("out of the uint256 range")
    return value


def _address(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_address(value):
        raise ValueError(f"{value!r} is not an address (0x and 40 hex digits, correct EIP-55 checksum if mixed-case)")
    return str(to_checksum_address(value))


#: A uint256: an int in Python, a decimal string in JSON (JavaScript numbers lose precision above 2**53).
Uint256 = Annotated[int, BeforeValidator(_uint256), PlainSerializer(str, return_type=str, when_used="json")]
#: A checksummed address.
Address = Annotated[str, BeforeValidator(_address)]
