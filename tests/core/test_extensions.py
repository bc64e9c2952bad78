"""The extension points apps use to add a menu and demo data without editing shared files."""

from django.urls import reverse

from tongxin.core import extensions
from tongxin.core.permissions import Perm


def test_a_registered_menu_shows_only_to_those_its_entries_allow(client_for, monkeypatch):
    monkeypatch.setattr(extensions, "_MENUS", {})
    extensions.menu(
        key="probe",
        label="Probe menu",
        order=99,
        entries=[
            extensions.entry("Probe one", "core:audit-list", lambda s: s.has(Perm.AUDIT_VIEW)),
            extensions.entry("Probe two", "core:export-list", lambda s: s.has(Perm.AUDIT_VIEW)),
        ],
    )
    admin = client_for("admin").get(reverse("dashboards:home")).content.decode()
    assert 'data-testid="nav-probe"' in admin and "Probe two" in admin
    member = client_for("member").get(reverse("dashboards:home")).content.decode()
    assert "nav-probe" not in member and "Probe one" not in member


def test_a_menu_with_one_visible_entry_is_a_plain_link(client_for, monkeypatch):
    monkeypatch.setattr(extensions, "_MENUS", {})
    extensions.menu(
        key="single",
        label="Dropdown title",
        order=1,
        entries=[extensions.entry("Only link", "core:export-list", lambda s: True)],
    )
    page = client_for("member").get(reverse("dashboards:home")).content.decode()
    assert "Only link" in page and "Dropdown title" not in page


def test_demo_seeders_run_in_their_declared_order(monkeypatch):
    monkeypatch.setattr(extensions, "_SEEDERS", [])

    @extensions.demo_seeder(order=20)
    def later(**kw):
        return "later"

    @extensions.demo_seeder(order=10)
    def earlier(**kw):
        return "earlier"

    extensions.demo_seeder(order=10)(earlier)  # registering twice keeps one
    found = [fn for fn in extensions.demo_seeders() if fn in (earlier, later)]
    assert [fn() for fn in found] == ["earlier", "later"]
