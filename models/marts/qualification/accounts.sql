-- One row per live account: who it is (fit), what it does (intent), its tier as an
-- account unit, and the fit x intent quadrant:
--   ready            high fit, high intent      -> sales now
--   nurture          high fit, low intent       -> marketing
--   not_worth_a_call low fit, high intent       -> no outbound, however active
--   ignore           low fit, low intent
-- High fit = passes the fit gate; high intent = intent score at or above
-- var('quadrant_intent_score').
with

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

assignments as (
    select * from {{ ref('tier_assignments') }}
    where unit_type = 'account'
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_domain,
        accounts.owner_id,
        accounts.industry,
        accounts.country,
        accounts.segment,
        accounts.fit_grade,
        assignments.tier,
        case
            when accounts.passes_fit_gate
                and assignments.intent_score >= {{ var('quadrant_intent_score') }}
                then 'ready'
            when accounts.passes_fit_gate then 'nurture'
            when assignments.intent_score >= {{ var('quadrant_intent_score') }}
                then 'not_worth_a_call'
            else 'ignore'
        end as fit_intent_quadrant,
        accounts.exclusion_reason,
        assignments.top_reasons,
        accounts.number_of_employees,
        accounts.fit_score,
        assignments.intent_score,
        assignments.engagement_score,
        assignments.p_in_market,
        assignments.threshold,
        assignments.expected_value_usd,
        accounts.passes_fit_gate,
        accounts.is_competitor,
        assignments.is_excluded,
        assignments.as_of_date,
        assignments.tier_entered_at
    from accounts
    inner join assignments on accounts.account_id = assignments.unit_id
)

select * from final
