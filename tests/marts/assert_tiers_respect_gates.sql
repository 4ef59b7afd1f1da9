-- The tier rules hold on every assignment: excluded units are in no tier; MQX and MEX
-- units pass the fit gate; MQX units are at or above their segment's threshold.
with

assignments as (
    select * from {{ ref('tier_assignments') }}
),

grades as (
    select fit_grade, passes_fit_gate from {{ ref('fit_grades') }}
)

select
    assignments.tier_assignment_id,
    assignments.tier,
    assignments.is_excluded,
    assignments.fit_grade,
    assignments.p_in_market,
    assignments.threshold
from assignments
left join grades on assignments.fit_grade = grades.fit_grade
where (assignments.is_excluded and assignments.tier != 'none')
    or (assignments.tier in ('mqx', 'mex') and not coalesce(grades.passes_fit_gate, false))
    or (assignments.tier = 'mqx' and assignments.p_in_market < assignments.threshold)
