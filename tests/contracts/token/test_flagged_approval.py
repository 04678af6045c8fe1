"""FlaggedApprovalERC721 against a model: seeded random walks of approvals, operator approvals, transfers,
assignments, freezes and forced transfers.

After every step the chain must agree with a plain Python model of ERC-721 approvals: owner, approved account,
balances, the error of every refused call, and at the storage level the invariant the optimisation depends on:
approval flag (bit 3 of the extra data) set <=> approved-address slot non-zero, with the record bits untouched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_utils import keccak
from registry_helpers import (
    APPROVAL_FLAG_BIT,
    ZERO_ADDRESS,
    approval_word,
    ownership_word,
    reverts,
)

STEPS = 60
ACTIONS = ["approve", "approve", "unapprove", "operator", "transfer", "transfer", "assign", "freeze", "force"]
EVIDENCE = keccak(text="evidence")
RECORD_MASK = ((1 << 96) - 1) & ~(1 << 3) & ~1  # extra data without the approval flag and the frozen bit


@dataclass
class Model:
    owner: dict[int, str]
    approved: dict[int, str] = field(default_factory=dict)
    frozen: dict[int, bool] = field(default_factory=dict)
    operators: set[tuple[str, str]] = field(default_factory=set)

    def may_move(self, sender: str, token_id: int) -> bool:
        owner = self.owner[token_id]
        return sender in (owner, self.approved.get(token_id, ZERO_ADDRESS)) or (owner, sender) in self.operators

    def may_approve(self, sender: str, token_id: int) -> bool:
        owner = self.owner[token_id]
        return sender == owner or (owner, sender) in self.operators


def expected_move_error(model: Model, sender: str, frm: str, token_id: int) -> tuple[Any, ...] | None:
    """The error `_update` must raise, in its order of checks: owner, freeze, authorisation."""
    if frm != model.owner[token_id]:
        return ("TransferFromIncorrectOwner",)
    if model.frozen.get(token_id):
        return ("TokenIsFrozen", token_id)
    if not model.may_move(sender, token_id):
        return ("NotOwnerNorApproved",)
    return None


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_walk_matches_model(
    registry: Any,
    registrar: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    operator: Any,
    new_registration: Any,
    seed: int,
) -> None:
    rng = random.Random(seed)
    people = [alice, bob, carol, stranger, operator]
    by_address = {p.address: p for p in people}
    tokens = []
    for holder in (alice, bob):
        registration = new_registration()
        registry.register(holder, registration.as_tuple(), {"from": registrar})
        tokens.append(registration.right_id)
    model = Model(owner={tokens[0]: alice.address, tokens[1]: bob.address})
    records = {t: ownership_word(registry, t) >> 160 & RECORD_MASK for t in tokens}

    for step in range(STEPS):
        token_id = rng.choice(tokens)
        owner = model.owner[token_id]
        sender = rng.choice(people).address
        action = rng.choice(
            ["approve", "approve", "unapprove", "operator", "transfer", "transfer", "assign", "freeze", "force"]
        )

        if action in ("approve", "unapprove"):
            to = ZERO_ADDRESS if action == "unapprove" else rng.choice(people).address
            if model.may_approve(sender, token_id):
                registry.approve(to, token_id, {"from": sender})
                model.approved[token_id] = to
            else:
                with reverts("NotOwnerNorApproved"):
                    registry.approve(to, token_id, {"from": sender})

        elif action == "operator":
            approved = rng.random() < 0.6
            registry.setApprovalForAll(operator, approved, {"from": sender})
            (model.operators.add if approved else model.operators.discard)((sender, operator.address))

        elif action in ("transfer", "assign"):
            to = rng.choice(people).address
            frm = owner if action == "assign" or rng.random() < 0.85 else rng.choice(people).address
            error = expected_move_error(model, sender, frm, token_id)
            if error is None:
                if action == "assign":
                    registry.assign(token_id, to, EVIDENCE, {"from": sender})
                else:
                    registry.transferFrom(frm, to, token_id, {"from": sender})
                model.owner[token_id] = to
                model.approved.pop(token_id, None)
            else:
                with reverts(*error):
                    if action == "assign":
                        registry.assign(token_id, to, EVIDENCE, {"from": sender})
                    else:
                        registry.transferFrom(frm, to, token_id, {"from": sender})

        elif action == "freeze":
            if model.frozen.get(token_id):
                registry.unfreeze(token_id, EVIDENCE, {"from": registrar})
            else:
                registry.freeze(token_id, EVIDENCE, {"from": registrar})
            model.frozen[token_id] = not model.frozen.get(token_id)

        elif action == "force":
            to = rng.choice(people).address
            registry.forceTransfer(token_id, to, EVIDENCE, {"from": registrar})
            model.owner[token_id] = to
            model.approved.pop(token_id, None)

        for t in tokens:
            approved = model.approved.get(t, ZERO_ADDRESS)
            word = ownership_word(registry, t)
            assert registry.ownerOf(t) == model.owner[t], (seed, step, action)
            assert registry.getApproved(t) == approved, (seed, step, action)
            assert bool(word >> APPROVAL_FLAG_BIT & 1) == (approved != ZERO_ADDRESS), (seed, step, action)
            assert approval_word(registry, t) == int(approved, 16), (seed, step, action)
            assert bool(word >> 160 & 1) == bool(model.frozen.get(t)), (seed, step, action)
            assert word >> 160 & RECORD_MASK == records[t], (seed, step, action)
        for person in by_address:
            assert registry.balanceOf(person) == sum(1 for t in tokens if model.owner[t] == person)
