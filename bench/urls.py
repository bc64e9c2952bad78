"""The product's URLs plus one trivial view, for the benchmark only (never in the product).

The trivial view passes through the whole middleware stack as the signed-in user (session,
user, profile, language, CSP) and returns a fixed text: every page is timed as a multiple
of it, which takes the machine's speed out of the figures.
"""

from django.http import HttpResponse
from django.urls import path

from config import urls as product

TRIVIAL_URL = "/__bench__/trivial/"


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_URL.strip("/") + "/", trivial), *product.urlpatterns]
handler403 = product.handler403
handler404 = product.handler404
