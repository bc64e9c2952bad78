"""Every write of the inbox: deliver notices once, mark them read, send the e-mail digests."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongxin.core.exceptions import NotFound
from tongxin.inbox.models import Notice
from tongxin.inbox.registry import Draft, reminder_sources

log = logging.getLogger(__name__)
SUBJECT_MAX = Notice._meta.get_field("subject").max_length
KEY_MAX = Notice._meta.get_field("event_key").max_length


def _languages(user_ids: Iterable[int]) -> dict[int, str]:
    from tongxin.accounts.models import Profile

    found = dict(
        Profile.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "language")
    )
    return {uid: (lang or settings.LANGUAGE_CODE) for uid, lang in found.items()}


def _render(draft: Draft, language: str) -> Notice:
    with translation.override(language):
        subject = str(draft.subject)[:SUBJECT_MAX]
        body = str(draft.body or "")
    return Notice(
        user_id=draft.user_id,
        kind=draft.kind or draft.event_key.split(":", 1)[0][:60],
        event_key=draft.event_key[:KEY_MAX],
        subject=subject,
        body=body,
        url=_safe_url(draft.url),
    )


def _safe_url(url: str) -> str:
    """Only links inside the product: a path starting with one slash."""
    url = (url or "").strip()
    return url if url.startswith("/") and not url.startswith("//") else ""


def deliver(drafts: Iterable[Draft]) -> int:
    """Write the notices not yet delivered (one per user and event); returns how many were new.

    Queries: one for the keys already there per 1,000 drafts, one for languages, the inserts.
    """
    drafts = list({(d.user_id, d.event_key[:KEY_MAX]): d for d in drafts}.values())
    if not drafts:
        return 0
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(drafts), 1000):
        chunk = drafts[start : start + 1000]
        existing |= set(
            Notice.objects.filter(
                user_id__in={d.user_id for d in chunk},
                event_key__in={d.event_key[:KEY_MAX] for d in chunk},
            ).values_list("user_id", "event_key")
        )
    fresh = [d for d in drafts if (d.user_id, d.event_key[:KEY_MAX]) not in existing]
    if not fresh:
        return 0
    languages = _languages(d.user_id for d in fresh)
    rows = [_render(d, languages.get(d.user_id, settings.LANGUAGE_CODE)) for d in fresh]
    # ignore_conflicts: a concurrent job delivering the same event loses quietly (the
    # unique constraint decides), so an event still reaches each user once.
    Notice.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def notify(*, user, event_key: str, subject, body="", url: str = "", kind: str = "") -> bool:
    """Deliver one notice now (e.g. "a task was assigned to you"); False if already delivered."""
    draft = Draft(
        user_id=user.pk, event_key=event_key, subject=subject, body=body, url=url, kind=kind
    )
    try:
        with transaction.atomic():
            return deliver([draft]) == 1
    except IntegrityError:
        return False


def notice_get(*, user, pk) -> Notice:
    notice = Notice.objects.filter(user=user, pk=pk).first() if str(pk).isdigit() else None
    if notice is None:
        raise NotFound("not found")
    return notice


def mark_read(*, user, notice: Notice) -> None:
    if notice.user_id != user.pk:
        raise NotFound("not found")
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def remind(*, today=None) -> dict[str, int]:
    """Run every reminder source once and deliver what it offers; {source: new notices}."""
    today = today or timezone.localdate()
    counts = {}
    for code, source in reminder_sources().items():
        try:
            counts[code] = deliver(source(today))
        except Exception:  # one app's broken source must not stop the others' reminders
            log.exception("inbox: reminder source %s failed", code)
            counts[code] = -1
    return counts


def email_digests(*, limit: int = 5000) -> int:
    """E-mail each user, once, the notices not yet e-mailed (one digest per user).

    Each notice is claimed (emailed_at set) in the same statement that selects it, before the
    mail leaves: a crash between the two loses a mail rather than sending it twice. Users
    without an e-mail address are claimed too (they read the inbox).
    """
    if not getattr(settings, "INBOX_EMAIL", True):
        return 0
    now = timezone.now()
    ids = list(
        Notice.objects.filter(emailed_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    with transaction.atomic():
        claimed = Notice.objects.filter(id__in=ids, emailed_at__isnull=True)
        notices = list(claimed.select_for_update().order_by("user_id", "created_at", "id"))
        Notice.objects.filter(id__in=[n.id for n in notices]).update(emailed_at=now)
    by_user: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_user[notice.user_id].append(notice)
    users = get_user_model().objects.in_bulk(list(by_user))
    languages = _languages(by_user)
    sent = 0
    for user_id, items in by_user.items():
        user = users.get(user_id)
        if user is None or not user.email or not user.is_active:
            continue
        with translation.override(languages.get(user_id, settings.LANGUAGE_CODE)):
            subject = (
                items[0].subject
                if len(items) == 1
                else _("Tongxin: %(count)s new notices") % {"count": len(items)}
            )
            lines = [
                f"- {n.subject}" + (f"\n  {settings.SITE_URL}{n.url}" if n.url else "")
                for n in items
            ]
            body = (
                "\n".join(lines)
                + "\n\n"
                + _("Your inbox: %(url)s") % {"url": f"{settings.SITE_URL}/inbox/"}
            )
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
            sent += 1
        except Exception:  # noqa: BLE001 - a mail server down must not stop the job
            log.exception("inbox: e-mail to user %s failed", user_id)
    return sent


def tick(*, today=None) -> dict:
    """The periodic job: reminders, then the e-mail digests."""
    reminders = remind(today=today)
    return {"reminders": reminders, "emailed": email_digests()}
