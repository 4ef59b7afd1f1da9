-- MQX for the configured unit: evidence of buying behaviour above the EV threshold.
{{ mqx_tier_table('mqx') }}
