from django.shortcuts import render

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def import_start(request):
    scope_for(request.user).require(Perm.IMPORT_RUN)
    return render(request, "transfer/import_start.html", {})
