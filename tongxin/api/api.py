"""The ninja API object: gathers each app's router under /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="Tongxin API", version="1", urls_namespace="api")
