-- The features of every unit (lead, account, buying group) on every as-of date of
-- int_run_calendar: its signal features (int_unit_signal_features_weekly) with its fit
-- score and its label. `label` says whether the unit's account opened a New Business
-- opportunity within label_horizon_days on or after the date; `label_known` whether the
-- data reaches that far. This is the training history for P(in-market) and the input of
-- the tiers, weekly and as of the run date.
-- A view over the incremental signal features (fit scores and labels change daily for old
-- dates too, so they are joined on read). Its one full reader is int_unit_tiers_weekly,
-- which stores the scores with the label; the propensity training reads a sample of
-- units (the filter reaches the signal features under the joins), the calibration reads
-- the stored tiers, and the tests read the run date. As a table, writing its ~16 M rows
-- at 50,000 accounts and testing them sat on the build's critical path (the training and
-- the tiers wait for it): ~10 s and ~2 s of the daily build with nothing else running.
-- Its key is (unit_type, unit_id, as_of_date), as in the signal features.
{{ config(materialized='view') }}

with

signal_features as (
    select * from {{ ref('int_unit_signal_features_weekly') }}
),

calendar as (
    select as_of_date, data_end_date, is_run_date from {{ ref('int_run_calendar') }}
),

people as (
    select person_id, fit_score from {{ ref('int_people_profiled') }}
),

accounts as (
    select account_id, fit_score from {{ ref('int_accounts_profiled') }}
),

opportunities as (
    select account_id, cast(created_at as date) as created_date
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business
),

account_labels as (
    -- accounts that opened a New Business opportunity within the horizon of a date
    select distinct
        calendar.as_of_date,
        opportunities.account_id
    from calendar
    inner join opportunities
        on calendar.as_of_date <= opportunities.created_date
            and opportunities.created_date < cast({{ dbt.dateadd(
            'day', var('label_horizon_days'), 'calendar.as_of_date'
        ) }} as date)
),

final as (
    select
        signal_features.unit_type,
        signal_features.unit_id,
        signal_features.as_of_date,
        signal_features.account_id,
        signal_features.is_run_date,
        -- a lead's fit is the person's, an account's or buying group's that of its account
        coalesce(people.fit_score, accounts.fit_score, 0) as fit_score,
        account_labels.account_id is not null as label,
        cast({{ dbt.dateadd('day', var('label_horizon_days'), 'signal_features.as_of_date') }}
            as date)
        <= calendar.data_end_date as label_known,
        signal_features.intent_score,
        signal_features.engagement_score,
        signal_features.total_score,
        signal_features.hand_raises_30d,
        signal_features.people_with_intent_28d,
        signal_features.people_with_intent_7d,
        signal_features.intent_types_28d,
        signal_features.intent_channels_28d,
        signal_features.intent_weeks_28d,
        signal_features.bombora_surge_topics_14d,
        signal_features.g2_signals_28d,
        signal_features.conversations_90d,
        signal_features.referrals_90d,
        signal_features.decision_makers_28d,
        signal_features.pricing_views_14d,
        signal_features.signals_in_window,
        signal_features.days_since_last_signal,
        signal_features.is_hot_mql
    from signal_features
    inner join calendar
        on signal_features.as_of_date = calendar.as_of_date
            and signal_features.is_run_date = calendar.is_run_date
    -- an equality on one expression keeps these hash joins (a constant filter in a left
    -- join's condition made DuckDB fall back to a nested loop)
    left join people
        on case when signal_features.unit_type = 'lead' then signal_features.unit_id end
        = people.person_id
    left join accounts
        on case when signal_features.unit_type != 'lead' then signal_features.account_id end
        = accounts.account_id
    left join account_labels
        on signal_features.account_id = account_labels.account_id
            and signal_features.as_of_date = account_labels.as_of_date
)

select * from final
