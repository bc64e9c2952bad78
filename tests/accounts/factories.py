"""Factories of the accounts app."""

import factory
from django.contrib.auth import get_user_model

from tongxin.accounts.models import RoleGrant

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user, role, *, court=None, organisation=None) -> RoleGrant:
    return RoleGrant.objects.create(user=user, role=role, court=court, organisation=organisation)
