from . import engagement_profitability_report
from . import engagement_portfolio_report
from . import engagement_attention_item
from . import engagement_workload_report
from . import engagement_workload_summary
from . import engagement_burnup_report
from . import engagement_estimate_accuracy_report
from . import engagement_revenue_forecast
