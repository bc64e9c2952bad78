"""Secret ballots: one person one ballot, unlinkable to voters for a database reader, results
after close only, no breakdown for small groups, recount, concurrency (PostgreSQL)."""

import contextlib
import itertools
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, models

from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditChange, AuditEntry
from tongxin.evaluation import ballots
from tongxin.evaluation.models import Ballot, Poll, Receipt, SealedBallot
from tongxin.people.models import Person

ITEMS = [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}, {"key": "c", "label": "C"}]
CHOICES = ["excellent", "qualified", "basic", "unqualified"]
CONTENTS = [dict(zip("abc", combo, strict=True)) for combo in itertools.product(CHOICES, repeat=3)]


def open_poll(world, voters, **kw):
    return ballots.poll_open(
        actor=world.users["party"],
        kind=kw.get("kind", Poll.Kind.SELECTION),
        title="测试投票",
        court=world.basic,
        items=kw.get("items", ITEMS),
        choices=CHOICES,
        voters=[p.pk for p in voters],
    )


def physical_order(model, poll) -> list:
    """The order rows were written in, as a database reader sees it."""
    table = model._meta.db_table
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE poll_id = %s ORDER BY {column}", [poll.pk])
        return [str(row[0]) for row in cursor.fetchall()]


def test_one_person_one_ballot_and_bad_input(world):
    voters = world.members[:6]
    poll = open_poll(world, voters)
    ballots.ballot_cast(poll_id=poll.pk, voter=voters[0], content={"a": "excellent"})
    with pytest.raises(ApplicationError, match="already voted"):
        ballots.ballot_cast(poll_id=poll.pk, voter=voters[0], content={"a": "basic"})
    with pytest.raises(ApplicationError, match="not on this poll"):
        ballots.ballot_cast(poll_id=poll.pk, voter=world.other_person, content={"a": "basic"})
    for junk in ({"z": "basic"}, {"a": "best"}, ["a"], "x"):
        with pytest.raises(ApplicationError, match="not valid"):
            ballots.ballot_cast(poll_id=poll.pk, voter=voters[1], content=junk)
    assert Receipt.objects.filter(poll=poll).count() == 1  # nothing half-saved
    assert SealedBallot.objects.filter(poll=poll).count() == 1
    with pytest.raises(ApplicationError, match="only after the poll closes"):
        ballots.poll_results(poll)
    ballots.poll_close(actor=world.users["party"], poll=poll)
    with pytest.raises(ApplicationError, match="closed"):
        ballots.ballot_cast(poll_id=poll.pk, voter=voters[1], content={"a": "basic"})
    # One ballot: fewer than five, no breakdown.
    assert ballots.poll_results(Poll.objects.get(pk=poll.pk)) == {
        "ballots": 1,
        "items": None,
        "withheld": True,
    }


def test_results_after_close_and_the_recount_agrees(world):
    voters = [*world.members, world.probationary]
    poll = open_poll(world, voters)
    chosen = [random.choice(CONTENTS) for _ in voters]
    for voter, content in zip(voters, chosen, strict=True):
        ballots.ballot_cast(poll_id=poll.pk, voter=voter, content=content)
    poll = ballots.poll_close(actor=world.users["party"], poll=poll)
    results = ballots.poll_results(poll)
    assert results["ballots"] == 10 == Receipt.objects.filter(poll=poll).count()
    for key in "abc":
        for choice in CHOICES:
            expected = sum(1 for c in chosen if c[key] == choice)
            assert results["items"][key][choice] == expected
    assert ballots.poll_recount(poll) == poll.tally
    assert not SealedBallot.objects.filter(poll=poll).exists()


def test_a_voter_does_not_grade_themselves_in_democratic_evaluation(world):
    voters = world.members[:5]
    items = [{"key": str(p.pk), "label": p.name} for p in voters]
    poll = open_poll(world, voters, kind=Poll.Kind.DEMOCRATIC, items=items)
    with pytest.raises(ApplicationError, match="yourself"):
        ballots.ballot_cast(
            poll_id=poll.pk, voter=voters[0], content={str(voters[0].pk): "excellent"}
        )


def test_no_timestamps_and_no_voter_on_ballots():
    for model in (Ballot, SealedBallot, Receipt):
        kinds = {type(f) for f in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.DateField, models.TimeField}
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "poll", "content"}
    assert {f.name for f in SealedBallot._meta.concrete_fields} == {"id", "poll", "box"}


def test_sealed_ballots_have_one_length_and_need_the_key(world, settings):
    poll = open_poll(world, world.members[:2])
    short = ballots.seal(poll, {"a": "basic"})
    long = ballots.seal(poll, {"a": "unqualified", "b": "unqualified", "c": "unqualified"})
    assert len(short) == len(long)
    settings.BALLOT_KEY = "another key entirely"
    with pytest.raises(ApplicationError):
        ballots.unseal(poll, short)


def test_no_link_a_database_reader_has_pairs_ballots_with_voters(world):
    """Forty polls of eight voters with known, distinct ballots; every ordering a reader of
    the whole database has (primary keys, physical row order, the audit log) is tried as a
    pairing of receipts with ballots. Chance pairs 1 in 8; each link must stay near it."""
    people = list(Person.objects.filter(court=world.basic))[:8]
    hits = {"id order": 0, "physical order": 0}
    trials, n = 40, len(people)
    rng = random.Random(7)
    for _ in range(trials):
        poll = open_poll(world, people)
        order = list(people)
        rng.shuffle(order)  # the order they vote in
        contents = rng.sample(CONTENTS, n)
        truth = {}
        for voter, content in zip(order, contents, strict=True):
            ballots.ballot_cast(poll_id=poll.pk, voter=voter, content=content)
            truth[voter.pk] = content
        ballots.poll_close(actor=world.users["party"], poll=poll)
        receipts_by_id = list(
            Receipt.objects.filter(poll=poll).order_by("id").values_list("person_id", flat=True)
        )
        receipts_physical = [int(pid) for pid in _physical_receipts(poll)]
        content = dict(Ballot.objects.filter(poll=poll).values_list("id", "content"))
        by_id = [content[i] for i in sorted(content)]
        by_place = [content[_uuid(i)] for i in physical_order(Ballot, poll)]
        hits["id order"] += sum(truth[p] == c for p, c in zip(receipts_by_id, by_id, strict=True))
        hits["physical order"] += sum(
            truth[p] == c for p, c in zip(receipts_physical, by_place, strict=True)
        )
    # Binomial(320, 1/8): mean 40, sd 5.9; a real link would give 320.
    for link, count in hits.items():
        assert count < 40 + 5 * 6, (link, count)
    # The audit log holds the polls' opening and closing, nothing about a ballot or a receipt.
    assert set(
        AuditEntry.objects.filter(object_type__startswith="evaluation.").values_list(
            "action", flat=True
        )
    ) == {"evaluation.poll.opened", "evaluation.poll.closed"}
    assert not AuditEntry.objects.filter(
        object_type__in=["evaluation.ballot", "evaluation.receipt"]
    ).exists()
    assert not AuditChange.objects.filter(object_type__startswith="evaluation.").exists()
    # The receipts themselves carry no time and no ballot reference.
    assert {f.name for f in Receipt._meta.concrete_fields} == {"id", "poll", "person"}


def _uuid(value):
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _physical_receipts(poll):
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id FROM evaluation_receipt WHERE poll_id = %s ORDER BY {column}",
            [poll.pk],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_voters_each_vote_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole database)")
    people = Person.objects.bulk_create(
        Person(
            court=world.basic,
            name=f"投票人{i}",
            gender="f",
            staff_number=f"V{i:05d}",
            category="clerk",
        )
        for i in range(200)
    )
    poll = open_poll(world, people)
    start = threading.Barrier(32)
    outcomes = []

    def vote(voter):
        try:
            ballots.ballot_cast(poll_id=poll.pk, voter=voter, content={"a": "excellent"})
            return "ok"
        except ApplicationError as error:
            return error.message
        finally:
            connections.close_all()

    def first(voter):
        # Threads leave in groups of 32 at once; the last, smaller group after a short wait.
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=3)
        return vote(voter)

    # Every voter twice (their second try races their first), 32 threads at a time.
    jobs = [*people, *people]
    random.shuffle(jobs)
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(first, jobs))
    assert outcomes.count("ok") == 200
    assert set(outcomes) == {"ok", "You have already voted in this poll."}
    assert Receipt.objects.filter(poll=poll).count() == 200
    assert SealedBallot.objects.filter(poll=poll).count() == 200
    poll = ballots.poll_close(actor=world.users["party"], poll=poll)
    assert poll.tally["ballots"] == 200 == Ballot.objects.filter(poll=poll).count()
    assert ballots.poll_recount(poll) == poll.tally


def test_casting_logs_nothing(world, caplog):
    import logging

    poll = open_poll(world, world.members[:2])
    with caplog.at_level(logging.DEBUG):
        ballots.ballot_cast(poll_id=poll.pk, voter=world.members[0], content={"a": "unqualified"})
    text = " ".join(r.getMessage() for r in caplog.records if not r.name.startswith("django.db"))
    assert "unqualified" not in text and str(world.members[0].pk) not in text


def _legacy_seal(poll, content, secret: bytes) -> bytes:
    """A box as the standard-library cipher sealed it before AES-GCM (HMAC-SHA256 keystream,
    encrypt-then-MAC): written out here from that format, independently of the product."""
    import hashlib
    import hmac
    import json
    import os

    base = hmac.new(secret, f"tongxin-ballot:{poll.pk}".encode(), hashlib.sha256).digest()
    enc = hmac.new(base, b"enc", hashlib.sha256).digest()
    mac = hmac.new(base, b"mac", hashlib.sha256).digest()
    data = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    size = 256
    plain = len(data).to_bytes(4, "big") + data + os.urandom(size - 4 - len(data))
    nonce = os.urandom(16)
    stream = b"".join(
        hmac.new(enc, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(8)
    )
    cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
    return nonce + cipher + hmac.new(mac, nonce + cipher, hashlib.sha256).digest()


def test_boxes_are_aes_gcm_bound_to_their_poll_and_old_boxes_still_open(world, settings):
    settings.BALLOT_KEY = "the current key"
    poll, other = open_poll(world, world.members[:2]), open_poll(world, world.members[:2])
    box = ballots.seal(poll, {"a": "basic"})
    assert box[:1] == ballots.AEAD and ballots.unseal(poll, box) == {"a": "basic"}
    with pytest.raises(ApplicationError):
        ballots.unseal(other, box)  # another poll's key and associated data
    tampered = box[:-1] + bytes([box[-1] ^ 1])
    with pytest.raises(ApplicationError):
        ballots.unseal(poll, tampered)
    legacy = _legacy_seal(poll, {"b": "excellent"}, b"the current key")
    assert ballots.unseal(poll, legacy) == {"b": "excellent"}


def test_a_poll_open_across_a_key_rotation_still_closes(world, settings):
    settings.BALLOT_KEY, settings.BALLOT_KEY_PREVIOUS = "old key", []
    voters = world.members[:5]
    poll = open_poll(world, voters)
    for voter in voters[:3]:
        ballots.ballot_cast(poll_id=poll.pk, voter=voter, content={"a": "qualified"})
    settings.BALLOT_KEY, settings.BALLOT_KEY_PREVIOUS = "new key", ["old key"]
    for voter in voters[3:]:
        ballots.ballot_cast(poll_id=poll.pk, voter=voter, content={"a": "excellent"})
    poll = ballots.poll_close(actor=world.users["party"], poll=poll)
    assert poll.tally["items"]["a"]["qualified"] == 3 and poll.tally["items"]["a"]["excellent"] == 2
    # Without the old key the first three would not open: the close refuses, nothing lost.
    settings.BALLOT_KEY, settings.BALLOT_KEY_PREVIOUS = "old key", []
    again = open_poll(world, voters[:1])
    ballots.ballot_cast(poll_id=again.pk, voter=voters[0], content={"a": "basic"})
    settings.BALLOT_KEY = "new key"
    with pytest.raises(ApplicationError, match="does not open"):
        ballots.poll_close(actor=world.users["party"], poll=again)
    assert SealedBallot.objects.filter(poll=again).count() == 1
