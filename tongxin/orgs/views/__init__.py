"""The orgs app's pages, one module per concern (urls.py names them through this package)."""

from tongxin.orgs.views.courts import *  # noqa: F403
from tongxin.orgs.views.health import *  # noqa: F403
from tongxin.orgs.views.organisations import *  # noqa: F403
from tongxin.orgs.views.rosters import *  # noqa: F403
