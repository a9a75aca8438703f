from . import engagement_signature_mixin
from . import engagement_stage
from . import engagement_stage_gate
from . import engagement_gate_line
from . import engagement_engagement
from . import crm_lead
from . import sale_order
from . import project_project
