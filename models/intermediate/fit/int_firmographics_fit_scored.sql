-- Fit: who a company is, scored against the ICP (seeds icp_rules, segments, fit_grades),
-- apart from anything it does. Scored for every account, and for every lead's own
-- firmographics (used when a lead has no account). Each dimension (industry, employees,
-- country) contributes its best matching rule's points; the score is capped at 100.
with

accounts as (
    select
        'account' as entity_type,
        account_id as entity_id,
        account_domain as company_domain,
        industry,
        billing_country as country,
        number_of_employees
    from {{ ref('stg_salesforce__accounts') }}
),

leads as (
    select
        'lead' as entity_type,
        lead_id as entity_id,
        company_domain,
        industry,
        country,
        number_of_employees
    from {{ ref('stg_salesforce__leads') }}
),

icp_rules as (
    select
        dimension,
        value,
        min_employees,
        max_employees,
        fit_points
    from {{ ref('icp_rules') }}
),

segments as (
    select
        segment,
        min_employees,
        max_employees
    from {{ ref('segments') }}
),

fit_grades as (
    select
        fit_grade,
        min_fit_score,
        passes_fit_gate
    from {{ ref('fit_grades') }}
),

companies as (
    select * from accounts
    union all
    select * from leads
),

points as (
    select
        companies.entity_type,
        companies.entity_id,
        icp_rules.dimension,
        max(icp_rules.fit_points) as fit_points
    from companies
    inner join icp_rules
        on (
            icp_rules.dimension = 'industry'
            and lower(companies.industry) = lower(icp_rules.value)
        )
        or (
            icp_rules.dimension = 'country'
            and lower(companies.country) = lower(icp_rules.value)
        )
        or (
            icp_rules.dimension = 'employees'
            and companies.number_of_employees >= icp_rules.min_employees
            and (
                icp_rules.max_employees is null
                or companies.number_of_employees <= icp_rules.max_employees
            )
        )
    group by companies.entity_type, companies.entity_id, icp_rules.dimension
),

scored as (
    select
        companies.entity_type,
        companies.entity_id,
        companies.company_domain,
        companies.industry,
        companies.country,
        companies.number_of_employees,
        coalesce(max(case when points.dimension = 'industry' then points.fit_points end), 0)
            as industry_points,
        coalesce(max(case when points.dimension = 'employees' then points.fit_points end), 0)
            as employee_points,
        coalesce(max(case when points.dimension = 'country' then points.fit_points end), 0)
            as country_points
    from companies
    left join points
        on companies.entity_type = points.entity_type
            and companies.entity_id = points.entity_id
    group by
        companies.entity_type,
        companies.entity_id,
        companies.company_domain,
        companies.industry,
        companies.country,
        companies.number_of_employees
),

graded as (
    select
        scored.*,
        least(100, scored.industry_points + scored.employee_points + scored.country_points)
            as fit_score,
        fit_grades.fit_grade,
        fit_grades.passes_fit_gate
    from scored
    inner join fit_grades
        on least(100, scored.industry_points + scored.employee_points + scored.country_points)
            >= fit_grades.min_fit_score
    qualify row_number() over (
            partition by scored.entity_type, scored.entity_id
            order by fit_grades.min_fit_score desc nulls last
        ) = 1
),

final as (
    select
        graded.entity_type || ':' || graded.entity_id as firmographic_fit_id,
        graded.entity_type,
        graded.entity_id,
        graded.company_domain,
        graded.industry,
        graded.country,
        coalesce(segments.segment, 'SMB') as segment,
        graded.fit_grade,
        graded.number_of_employees,
        graded.industry_points,
        graded.employee_points,
        graded.country_points,
        graded.fit_score,
        graded.passes_fit_gate,
        segments.segment is null as is_segment_assumed
    from graded
    left join segments
        on graded.number_of_employees >= segments.min_employees
            and (
                segments.max_employees is null
                or graded.number_of_employees <= segments.max_employees
            )
)

select * from final
