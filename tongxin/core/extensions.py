"""Extension points that let an app plug into shared pages without core importing it.

- **Menus.** An app registers its navigation menu in its `AppConfig.ready()`:

      menu(key="meetings", label=_("Organisational life"), order=30, entries=[
          entry(_("Meetings"), "meetings:meeting-list", lambda scope: scope.has(Perm.MEETING_VIEW)),
      ])

  `base.html` shows each menu whose visible entries are not empty (one entry: a plain link;
  several: a dropdown). `visible` receives the user's `Scope` and must be cheap (the scope
  caches its grants).
- **Demo data.** An app's `<app>/demo.py` decorates `seed(*, scale, seed, today, log)` with
  `@demo_seeder(order=...)`; `seed_demo` runs them in order after courts, organisations and
  people exist, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    label: Any
    url_name: str
    visible: Callable[[Any], bool]


@dataclass(frozen=True)
class Menu:
    key: str
    label: Any
    order: int
    entries: tuple[Entry, ...] = field(default_factory=tuple)


_MENUS: dict[str, Menu] = {}
_SEEDERS: list[tuple[int, str, Callable[..., Any]]] = []


def entry(label, url_name: str, visible: Callable[[Any], bool]) -> Entry:
    return Entry(label=label, url_name=url_name, visible=visible)


def menu(*, key: str, label, order: int, entries: list[Entry]) -> None:
    """Register (or replace, on a second `ready()`) the menu of an app."""
    _MENUS[key] = Menu(key=key, label=label, order=order, entries=tuple(entries))


def menus_for(scope) -> list[dict]:
    """The registered menus this scope may see, with their visible entries resolved."""
    out = []
    for m in sorted(_MENUS.values(), key=lambda m: (m.order, m.key)):
        items = [
            {"label": e.label, "url": reverse(e.url_name)} for e in m.entries if e.visible(scope)
        ]
        if items:
            out.append({"key": m.key, "label": m.label, "items": items})
    return out


def demo_seeder(*, order: int):
    """Register an app's demo seeder (see the module docstring)."""

    def register(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in _SEEDERS):
            _SEEDERS.append((order, name, fn))
        return fn

    return register


def demo_seeders() -> list[Callable[..., Any]]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [fn for _, _, fn in sorted(_SEEDERS, key=lambda s: (s[0], s[1]))]
