from . import engagement_profitability_report
