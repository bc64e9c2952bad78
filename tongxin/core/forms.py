from django import forms
from django.utils.translation import gettext_lazy as _


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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
