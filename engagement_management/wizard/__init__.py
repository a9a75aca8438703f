from . import engagement_create_wizard
from . import engagement_stage_override_wizard
from . import engagement_deliverable_paper_wizard
from . import engagement_deliverable_return_wizard
