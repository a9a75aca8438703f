from . import engagement_create_wizard
from . import engagement_stage_override_wizard
