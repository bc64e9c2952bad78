"""The one secret-ballot mechanism (democratic evaluation, selections, branch elections).

    poll_open(...)      the electorate fixed (PollVoter), items and choices
    ballot_cast(...)    one transaction: a Receipt (poll, voter; unique) and a SealedBallot
                        (random id, no voter, no time; the choices padded to one length and
                        encrypted with a key outside the database)
    poll_close(...)     the sealed ballots opened, shuffled, written as Ballot rows (random
                        ids, no time) in one statement, the sealed rows deleted, the tally kept
    poll_results(...)   only after close; no breakdown when fewer than MIN_GROUP ballots
    poll_recount(...)   the tally again from the Ballot rows: must equal the stored one

The threat model (what a database reader, a server administrator holding the key and a
fellow voter can and cannot learn) is docs/ballots.md. The cipher is the `cryptography`
package's AES-256-GCM under a per-poll key derived from BALLOT_KEY by HMAC-SHA256, the poll
id as associated data; boxes sealed by the earlier standard-library cipher still open, and
BALLOT_KEY_PREVIOUS lets a poll stay open across a key rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import uuid
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record
from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation.models import Ballot, Poll, PollVoter, Receipt, SealedBallot

MIN_GROUP = 5  # no breakdown for fewer ballots than this
PAD = 256  # sealed plaintexts are padded to a multiple of this, and to one length per poll


# Sealing ---------------------------------------------------------------------------------

AEAD = b"\x02"  # a box sealed with AES-256-GCM: version byte, 12-byte nonce, ciphertext+tag
NONCE = 12


def _secrets() -> list[bytes]:
    """The ballot key, then the keys it replaced (BALLOT_KEY_PREVIOUS): a poll open across a
    key rotation still opens (docs/ballots.md, rotation)."""
    current = settings.BALLOT_KEY or f"derived:{settings.SECRET_KEY}"
    previous = [k for k in getattr(settings, "BALLOT_KEY_PREVIOUS", ()) if k]
    return [key.encode() for key in (current, *previous)]


def _keys(poll_id: int, secret: bytes) -> tuple[bytes, bytes]:
    base = hmac.new(secret, f"tongxin-ballot:{poll_id}".encode(), hashlib.sha256).digest()
    enc = hmac.new(base, b"enc", hashlib.sha256).digest()
    mac = hmac.new(base, b"mac", hashlib.sha256).digest()
    return enc, mac


def _size(poll: Poll) -> int:
    """One plaintext length for every ballot of the poll: the longest possible ballot."""
    longest = max((len(str(c).encode()) for c in poll.choices), default=0)
    full = {str(item["key"]): "x" * longest for item in poll.items}
    need = len(json.dumps(full, separators=(",", ":")).encode()) + 4
    return (need // PAD + 1) * PAD


def seal(poll: Poll, content: dict) -> bytes:
    """The choices padded to the poll's one length and sealed with AES-256-GCM under the
    poll's key (derived from BALLOT_KEY), the poll id bound as associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    enc, _mac = _keys(poll.pk, _secrets()[0])
    data = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    size = _size(poll)
    plain = len(data).to_bytes(4, "big") + data + os.urandom(size - 4 - len(data))
    nonce = os.urandom(NONCE)
    return AEAD + nonce + AESGCM(enc).encrypt(nonce, plain, str(poll.pk).encode())


def _open_aead(poll: Poll, box: bytes, secret: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    enc, _mac = _keys(poll.pk, secret)
    nonce, sealed = box[1 : 1 + NONCE], box[1 + NONCE :]
    try:
        return AESGCM(enc).decrypt(nonce, sealed, str(poll.pk).encode())
    except InvalidTag:
        return None


def _open_legacy(poll: Poll, box: bytes, secret: bytes) -> bytes | None:
    """Boxes sealed before AES-GCM (an HMAC-SHA256 keystream with encrypt-then-MAC): a poll
    opened before the upgrade still closes."""
    enc, mac = _keys(poll.pk, secret)
    nonce, cipher, tag = box[:16], box[16:-32], box[-32:]
    if not hmac.compare_digest(tag, hmac.new(mac, nonce + cipher, hashlib.sha256).digest()):
        return None
    stream = bytearray()
    counter = 0
    while len(stream) < len(cipher):
        stream += hmac.new(enc, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
    return bytes(a ^ b for a, b in zip(cipher, stream, strict=False))


def unseal(poll: Poll, box: bytes) -> dict:
    box = bytes(box)
    # An AES-GCM box is 29 bytes over a multiple of PAD, a legacy one 48.
    opener = _open_aead if box[:1] == AEAD and len(box) % PAD == 29 else _open_legacy
    for secret in _secrets():
        plain = opener(poll, box, secret)
        if plain is not None:
            length = int.from_bytes(plain[:4], "big")
            return json.loads(plain[4 : 4 + length])
    raise ApplicationError(_("A sealed ballot does not open with this server's key."))


# Services --------------------------------------------------------------------------------


def poll_open(
    *, actor, kind, title, court, organisation=None, items, choices, voters, limit=None
) -> Poll:
    """A poll with its electorate (person ids) fixed now. `limit`: at most this many items
    may be given the first choice on one ballot (an election's seats)."""
    voters = sorted(set(voters))
    if not voters:
        raise ApplicationError(_("A poll needs at least one voter."))
    if not items or not choices:
        raise ApplicationError(_("A poll needs something to vote on."))
    with transaction.atomic():
        poll = Poll.objects.create(
            kind=kind,
            title=title,
            court=court,
            organisation=organisation,
            items=[{"key": str(i["key"]), "label": i["label"]} for i in items],
            choices=list(choices),
            limit=limit,
        )
        PollVoter.objects.bulk_create(PollVoter(poll=poll, person_id=p) for p in voters)
        audit_record(
            actor=actor,
            action="evaluation.poll.opened",
            obj=poll,
            before=None,
            after={"title": title, "voters": len(voters), "items": len(items)},
            court=court,
        )
    return poll


def _check_content(poll: Poll, voter_id: int, content) -> dict:
    if not isinstance(content, dict):
        raise ApplicationError(_("This ballot is not valid."))
    keys = {str(i["key"]) for i in poll.items}
    clean = {}
    for key, choice in content.items():
        key, choice = str(key), str(choice or "")
        if key not in keys:
            raise ApplicationError(_("This ballot is not valid."))
        if poll.kind == Poll.Kind.DEMOCRATIC and key == str(voter_id) and choice:
            raise ApplicationError(_("You do not grade yourself in the mutual evaluation."))
        if choice and choice not in poll.choices:
            raise ApplicationError(_("This ballot is not valid."))
        if choice:
            clean[key] = choice
    if poll.limit is not None and poll.choices:
        marked = sum(1 for choice in clean.values() if choice == poll.choices[0])
        if marked > poll.limit:
            raise ApplicationError(
                _("Vote for at most %(n)s candidates: this ballot marks %(marked)s.")
                % {"n": poll.limit, "marked": marked}
            )
    return clean


def ballot_cast(*, poll_id: int, voter, content: dict) -> None:
    """Cast the voter's one ballot. No audit entry, no log line names the choices."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update().filter(pk=poll_id).first()
        if poll is None:
            raise ApplicationError(_("There is no such poll."))
        if poll.status != Poll.Status.OPEN:
            raise ApplicationError(_("This poll is closed: no more ballots are taken."))
        if not PollVoter.objects.filter(poll=poll, person=voter).exists():
            raise ApplicationError(_("You are not on this poll's list of voters."))
        clean = _check_content(poll, voter.pk, content)
        try:
            with transaction.atomic():
                Receipt.objects.create(poll=poll, person=voter)
        except IntegrityError:
            raise ApplicationError(_("You have already voted in this poll.")) from None
        SealedBallot.objects.create(id=uuid.uuid4(), poll=poll, box=seal(poll, clean))


def has_voted(poll: Poll, person) -> bool:
    return person is not None and Receipt.objects.filter(poll=poll, person=person).exists()


def tally(poll: Poll, contents) -> dict:
    counts = {str(i["key"]): Counter() for i in poll.items}
    n = 0
    for content in contents:
        n += 1
        for key, choice in content.items():
            counts[key][choice] += 1
    return {
        "ballots": n,
        "items": {
            key: {c: counter.get(c, 0) for c in poll.choices} for key, counter in counts.items()
        },
    }


def poll_close(*, actor, poll: Poll) -> Poll:
    """Open the sealed ballots, write them in a random order with random ids, keep the tally."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.status != Poll.Status.OPEN:
            raise ApplicationError(_("This poll is already closed."))
        contents = [
            unseal(poll, box)
            for box in SealedBallot.objects.filter(poll=poll).values_list("box", flat=True)
        ]
        receipts = Receipt.objects.filter(poll=poll).count()
        if len(contents) != receipts:
            raise ApplicationError(_("The ballots and the receipts do not agree: not closed."))
        random.SystemRandom().shuffle(contents)
        Ballot.objects.bulk_create(
            [Ballot(id=uuid.uuid4(), poll=poll, content=c) for c in contents]
        )
        SealedBallot.objects.filter(poll=poll).delete()
        poll.status = Poll.Status.CLOSED
        poll.tally = tally(poll, contents)
        poll.save(update_fields=["status", "tally"])
        audit_record(
            actor=actor,
            action="evaluation.poll.closed",
            obj=poll,
            before=None,
            after={"ballots": len(contents)},
            court=poll.court,
        )
    return poll


def poll_recount(poll: Poll) -> dict:
    """The tally from the stored ballots; equal to the one kept at close."""
    return tally(poll, Ballot.objects.filter(poll=poll).values_list("content", flat=True))


def poll_results(poll: Poll) -> dict:
    """After close only; fewer than MIN_GROUP ballots: the count of ballots, no breakdown."""
    if poll.status != Poll.Status.CLOSED:
        raise ApplicationError(_("Results are shown only after the poll closes."))
    stored = poll.tally
    if stored["ballots"] < MIN_GROUP:
        return {"ballots": stored["ballots"], "items": None, "withheld": True}
    return {**stored, "withheld": False}


def poll_status(poll: Poll, person=None) -> dict:
    return {
        "status": poll.status,
        "voters": PollVoter.objects.filter(poll=poll).count(),
        "receipts": Receipt.objects.filter(poll=poll).count(),
        "voted": has_voted(poll, person),
    }
