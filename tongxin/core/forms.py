from django import forms
from django.utils.translation import gettext_lazy as _

BIGINT = 2**63 - 1


def _fits(value) -> bool:
    """A submitted id the database can compare (huge numbers overflow SQLite and PostgreSQL)."""
    try:
        return abs(int(str(value).strip())) <= BIGINT
    except (TypeError, ValueError):
        return True  # not a number: Django's own "Select a valid choice" answers it


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _fits(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _fits(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Same fields, with ids checked for size before they reach the database.
            if type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = SafeModelMultipleChoiceField
            elif type(field) is forms.ModelChoiceField:
                field.__class__ = SafeModelChoiceField
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


def bootstrap(form_class):
    """A subclass of a Django form with Bootstrap widget classes."""
    return type(form_class.__name__, (BootstrapMixin, form_class), {})


class ReactivateMixin:
    """On an inactive record's edit form, offer to make it active again (deactivation itself
    goes through a confirmation page, whose service checks what depends on the record)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.is_active:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Active again"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
