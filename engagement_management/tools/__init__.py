from .locking import lock_for_change
