-- MEX for the configured unit: right ICP, engaged, no buying signal yet.
{{ mqx_tier_table('mex') }}
