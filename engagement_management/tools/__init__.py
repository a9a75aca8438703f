from .context import without_default_keys
from .locking import lock_for_change
from .sql_views import create_report_view
