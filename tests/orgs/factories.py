"""Factories of the orgs app: courts and organisations get their materialised paths through
the services' tree helper, so tests exercise the same path logic as the product."""

import datetime

import factory

from tongxin.core.tree import save_with_path
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation


class FactsFactory(factory.django.DjangoModelFactory):
    """A row the maintained facts (`orgs.facts`) depend on: its facts are refreshed after it
    is created, as the services do. Tests that change rows with `update()` or `delete()`
    call `facts_refresh` themselves."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        cls._facts_refresh(obj)
        return obj

    @classmethod
    def _facts_refresh(cls, obj) -> None:
        facts_refresh([obj.organisation_id])


class TreeFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        save_with_path(obj)
        return obj


class CourtFactory(TreeFactory):
    class Meta:
        model = Court

    code = factory.Sequence(lambda n: f"测{n:04d}")
    name_zh = factory.Sequence(lambda n: f"测试第{n}人民法院")
    name_en = factory.Sequence(lambda n: f"Test People's Court {n}")
    level = Court.Level.BASIC
    kind = Court.Kind.ORDINARY
    province = "测"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    court = factory.SubFactory(CourtFactory)
    name_zh = factory.Sequence(lambda n: f"民事审判第{n}庭")
    name_en = factory.Sequence(lambda n: f"Civil Division {n}")
    kind = Department.Kind.JUDICIAL


class OrganisationFactory(TreeFactory):
    class Meta:
        model = PartyOrganisation

    court = factory.SubFactory(CourtFactory)
    kind = PartyOrganisation.Kind.BRANCH
    name_zh = factory.Sequence(lambda n: f"第{n}党支部")
    name_en = factory.Sequence(lambda n: f"Branch {n}")
    founded_on = datetime.date(2010, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        facts_refresh([obj])
        return obj


class PostFactory(FactsFactory):
    class Meta:
        model = CommitteePost

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory("tests.people.factories.PersonFactory")
    post = CommitteePost.Post.SECRETARY
    starts_on = datetime.date(2022, 1, 1)


class TermFactory(FactsFactory):
    class Meta:
        model = CommitteeTerm

    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2027, 1, 1)
