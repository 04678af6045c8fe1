"""What ``ipledger node start|stop|status`` reports. Plain pydantic, nothing of web3: ``ipledger node status``
must start quickly (``tests/cli/test_cli_startup.py``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NodeStatus"]


def _absent(value: object) -> bool:
    """Fields left out of the JSON when they have no value."""
    return value is None


class NodeStatus(BaseModel):
    """The local node (whether it runs, where) and the local deployment's contracts (None before the first)."""

    model_config = ConfigDict(frozen=True)

    started: bool | None = Field(default=None, exclude_if=_absent)
    stopped: bool | None = Field(default=None, exclude_if=_absent)
    running: bool
    rpc_url: str | None
    pid: int | None
    port: int | None
    chain_id: int
    home: str
    state_file: str
    log_file: str
    registry: str | None
    compliance: str | None
    vault: str | None
    desk: str | None
    stablecoin: str | None
    licenses: str | None = Field(default=None, exclude_if=_absent)
    attestations: str | None = Field(default=None, exclude_if=_absent)
    disputes: str | None = Field(default=None, exclude_if=_absent)
    royalties: str | None = Field(default=None, exclude_if=_absent)
    loans: str | None = Field(default=None, exclude_if=_absent)
