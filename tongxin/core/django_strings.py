"""Django's own messages that its zh_Hans catalog (5.2) lacks, marked here so that
makemessages puts them in our catalog and users read them in Chinese."""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
