-- Hand-raisers for the configured unit: explicit requests to route now.
{{ mqx_tier_table('hand_raiser') }}
