from . import test_engagement_creation
from . import test_engagement_gates
from . import test_engagement_lead_won
from . import test_engagement_project
from . import test_engagement_access
from . import test_engagement_rpc
from . import test_engagement_tours
