from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin
from tongxin.core.permissions import Role


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        empty_value=None,
        required=False,
        initial=90,
        choices=[
            (30, _("30 days")),
            (90, _("90 days")),
            (365, _("one year")),
            ("", _("until revoked")),
        ],
        help_text=_("Changing your password revokes every token."),
    )


class GrantForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Only for a new account; the user must change it at the first sign-in."),
    )
    role = forms.ChoiceField(label=_("Role"))
    court_code = forms.CharField(
        label=_("Court code"),
        max_length=20,
        help_text=_("The court the role covers, or for a branch role the organisation's court."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (branch roles)"),
        max_length=100,
        required=False,
        help_text=_("Its Chinese name, e.g. 民事审判第一庭党支部."),
    )
    staff_number = forms.CharField(
        label=_("Staff number of the person (optional)"),
        max_length=30,
        required=False,
        help_text=_("Links the account to the person's record at that court."),
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        """`roles`: the roles the user may grant (no default: the choice is deliberate)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Choose a role"))] + [
            (role, Role(role).label) for role in roles
        ]

    def clean(self):
        data = super().clean()
        username = data.get("username", "")
        exists = get_user_model().objects.filter(username=username).exists()
        if not exists:
            if not data.get("password"):
                self.add_error("password", _("A new account needs an initial password."))
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return data


class PasswordResetForm(BootstrapMixin, forms.Form):
    """A new initial password for someone else's account (checked against the password
    rules for that account)."""

    password = forms.CharField(
        label=_("New initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Tell it to the user in person; they must change it at their next sign-in. "
            "Their API tokens are revoked and their open sessions end."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, user=self.user)
        return password
