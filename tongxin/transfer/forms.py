from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin


class UploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the file contains.")},
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        error_messages={
            "required": _("Choose an Excel file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, kinds, **kwargs):
        """`kinds`: the registered import kinds this user may run."""
        super().__init__(*args, **kwargs)
        if any(kind.reader is not None for kind in kinds):
            # A kind with its own reader (cases: CSV and Parquet too) widens the file chooser.
            self.fields["file"].label = _("File (.xlsx; case data also .csv or .parquet)")
            self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,.parquet"
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in kinds]
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class SizeLimitHandler(FileUploadHandler):
    """Drop an uploaded file as soon as it passes `limit` bytes, before anything parses it.

    The request is marked (`upload_too_large`) so the view can say why the file is missing;
    the rest of the body is read and discarded, so the other fields still arrive.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        request.upload_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 64 * 1024:
            self.request.upload_too_large = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request.upload_too_large:
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
